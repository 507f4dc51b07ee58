"""The dashboards (``/dashboards``): charts and tables of the reports, for managers and analysts.

* ``GET /dashboards`` — the list of dashboards;
* ``GET /dashboards/{slug}`` — one dashboard (``analytics.dashboards``): filters
  (client, segment, strategy, team, period), its charts and the tables of its
  reports, in the signed-in person's language;
* ``GET /dashboards/{slug}/{report}.csv`` — a table as the CLI exports it
  (``arrears report <report> --format csv`` with the same filters);
* ``/dashboards/schedules`` — scheduled report e-mails (``analytics.schedule_pages``);
* ``GET /dashboards/static/{name}`` — plotly.js (from the installed ``plotly``
  package: no CDN), ``dashboards.js`` and ``dashboards.css``.

Every route asks ``dashboards.view``. The default view (the 30 days to today, no
filter) and the same period filtered by one client, segment, strategy or team read
the tables the nightly refresh precomputed; other views (two filters, another
period) compute their reports live. Chart data travels in a ``<script
type="application/json">`` block drawn by a static script: the content security
policy allows no inline script or style.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from arrears.analytics import charts, schedule_pages
from arrears.analytics.dashboards import DASHBOARDS, Dashboard
from arrears.analytics.inputs import Scope
from arrears.analytics.labels import column_label
from arrears.analytics.plotly_css import plotly_css
from arrears.analytics.reports import (
    DEFAULT_DAYS,
    SPECS,
    Options,
    cached_aging,
    load_options,
    run_report,
)
from arrears.analytics.service import AgingReport, aging_report
from arrears.analytics.tables import ReportTable
from arrears.core.aging import DPD_SCHEME
from arrears.core.roles import Principal
from arrears.errors import ArrearsError, InvalidInput
from arrears.store.queries import analytics as queries
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import Catalogue
from arrears.ui.render import Renderer

HERE = Path(__file__).parent
RENDERER = Renderer(HERE / "templates", Catalogue(HERE / "locales", "dashboards"))
STATIC = {
    "dashboards.js": (HERE / "static" / "dashboards.js", "text/javascript; charset=utf-8"),
    "dashboards.css": (HERE / "static" / "dashboards.css", "text/css; charset=utf-8"),
    "plotly.min.js": (Path(str(files("plotly") / "package_data" / "plotly.min.js")),
                      "text/javascript; charset=utf-8"),
}  # fmt: skip
FILTERS = ("client", "segment", "strategy", "team")
Factory = Callable[[], UnitOfWork]


def build_router(
    uow_factory: Factory, clock: Callable[[], datetime], require: Callable[[str | None], Any],
    *, config_dir: Path = Path("config"),
) -> APIRouter:  # fmt: skip
    router = APIRouter(include_in_schema=False)
    viewer = Depends(require("dashboards.view"))
    pages = _Pages(uow_factory, clock, config_dir)

    @router.get("/dashboards", response_class=HTMLResponse)
    def index(me: Principal = viewer) -> HTMLResponse:
        boards = list(DASHBOARDS.values())
        return HTMLResponse(RENDERER.render("dashboards/index.html", me, section="dashboards",
                                            boards=boards, request_path="/dashboards"))  # fmt: skip

    @router.get("/dashboards/static/{name}")
    def static(name: str, me: Principal = viewer) -> Response:
        if name == "plotly.css":
            body, media = plotly_css(STATIC["plotly.min.js"][0]), "text/css; charset=utf-8"
        elif name in STATIC:
            body, media = STATIC[name][0].read_bytes(), STATIC[name][1]
        else:
            return Response(status_code=404)
        return Response(body, media_type=media,
                        headers={"Cache-Control": "private, max-age=3600"})  # fmt: skip

    # Before /dashboards/{slug}, which would otherwise take "schedules" for a dashboard.
    schedule_pages.add_routes(router, uow_factory, clock, viewer, RENDERER, _choices)

    @router.get("/dashboards/{slug}", response_class=HTMLResponse)
    def board(request: Request, slug: str, me: Principal = viewer) -> Response:
        return pages.board(request, me, slug)

    @router.get("/dashboards/{slug}/{report}.csv")
    def csv(request: Request, slug: str, report: str, me: Principal = viewer) -> Response:
        return pages.csv(request, slug, report)

    return router


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what} must be a date like 2026-11-30, not '{value}'") from None


class _Pages:
    def __init__(self, uow_factory: Factory, clock: Callable[[], datetime],
                 config_dir: Path) -> None:  # fmt: skip
        self.uow_factory, self.clock, self.config_dir = uow_factory, clock, config_dir
        self._options: Options | None = None

    def options(self) -> Options:
        if self._options is None:
            self._options = load_options(self.config_dir)
        return self._options

    def scope(self, request: Request) -> tuple[Scope, bool]:
        """The filters of the query string, and whether it is the default view."""
        q = request.query_params
        end = _day(q.get("to"), "to") or self.clock().date()
        start = _day(q.get("from"), "from") or end - timedelta(days=DEFAULT_DAYS - 1)
        client, segment, strategy, team = (q.get(k) or None for k in FILTERS)
        scope = Scope(start, end, client, segment, strategy, team)
        narrowed = any((client, segment, strategy, team, q.get("from"), q.get("to")))
        default = not narrowed
        return scope, default

    def tables(self, uow: UnitOfWork, board: Dashboard, scope: Scope, cached: bool
               ) -> list[ReportTable | AgingReport]:  # fmt: skip
        out: list[ReportTable | AgingReport] = []
        for name in board.reports:
            if name == "aging":
                if scope.client and queries.client_id(uow.session, scope.client) is None:
                    raise InvalidInput(f"unknown client '{scope.client}'")
                kept = cached_aging(uow=uow, scope=scope) if cached else None
                out.append(kept or aging_report(uow=uow, as_of=scope.end, scheme=DPD_SCHEME,
                                                client=scope.client))  # fmt: skip
            else:
                out.append(run_report(uow=uow, name=name, scope=scope, options=self.options(),
                                      cached=cached))  # fmt: skip
        return out

    def board(self, request: Request, me: Principal, slug: str) -> Response:
        board = DASHBOARDS.get(slug)
        if board is None:
            return HTMLResponse(RENDERER.render("dashboards/missing.html", me,
                                                section="dashboards"), status_code=404)  # fmt: skip
        t = RENDERER.translator(me.locale)
        error, status, shown, figures = None, 200, [], []
        with self.uow_factory() as uow:
            choices = _choices(uow)
            try:
                scope, _ = self.scope(request)
                tables = self.tables(uow, board, scope, cached=True)
            except ArrearsError as exc:
                error, status = exc.message, 400
                scope, tables = Scope(self.clock().date(), self.clock().date()), []
        for table in tables:
            shown.append(_shown(table, board, scope, request, t.gettext, me.locale))
            figures.extend(_figures(table, t.gettext))
        return HTMLResponse(RENDERER.render(
            "dashboards/board.html", me, section="dashboards", board=board, scope=scope,
            shown=shown, charts=_json(figures), error=error, choices=choices,
            label=column_label, request_path=request.url.path,
        ), status_code=status)  # fmt: skip

    def csv(self, request: Request, slug: str, report: str) -> Response:
        board = DASHBOARDS.get(slug)
        if board is None or report not in board.reports:
            return Response("no such report\n", status_code=404, media_type="text/plain")
        try:
            scope, _ = self.scope(request)
            with self.uow_factory() as uow:
                table = self.tables(uow, Dashboard(slug, "", "", (report,)), scope, True)[0]
        except ArrearsError as exc:
            return Response(exc.message + "\n", status_code=400, media_type="text/plain")
        text = (table.for_export().write_csv() if isinstance(table, AgingReport)
                else table.csv())  # fmt: skip
        name = f"{report}-{scope.end.isoformat()}.csv"
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(text, media_type="text/csv; charset=utf-8", headers=disposition)


def _json(value: object) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element: no ``<``, ``>`` or ``&``
    (a name like ``</script>`` cannot end the element), so it needs no HTML escaping."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _choices(uow: UnitOfWork) -> dict[str, list[str]]:
    """The values each filter offers (clients, segments, strategies, teams)."""
    day = queries.snapshot_runs(uow.session)["as_of"].max()
    totals = queries.totals(uow.session, day, day) if isinstance(day, date) else None
    staff = queries.staff(uow.session)

    def values(column: str) -> list[str]:
        if totals is None or column not in totals.columns:
            return []
        return sorted(str(v) for v in totals[column].drop_nulls().unique())

    return {
        "client": queries.client_codes(uow.session)["client"].to_list(),
        "segment": values("segment"),
        "strategy": values("strategy"),
        "team": sorted(str(v) for v in staff["team"].drop_nulls().unique()),
    }


def _shown(table: ReportTable | AgingReport, board: Dashboard, scope: Scope, request: Request,
           _: Callable[[str], str], locale: str) -> dict[str, Any]:  # fmt: skip
    """A table ready for the template: title, column labels, rows of text, its CSV link."""
    if isinstance(table, AgingReport):
        name, title = "aging", _("Ageing")
        frame = table.for_display(locale.replace("-", "_"))
    else:
        name = table.name
        title = SPECS[name].title_zh if locale.startswith("zh") else SPECS[name].title_en
        frame = table.for_display(locale.replace("-", "_"))
    query = f"?{request.url.query}" if request.url.query else ""
    return {"name": name, "title": title, "columns": frame.columns, "rows": frame.rows(),
            "csv": f"/dashboards/{board.slug}/{name}.csv{query}"}  # fmt: skip


def _figures(table: ReportTable | AgingReport, _: Callable[[str], str]) -> list[dict[str, Any]]:
    if isinstance(table, AgingReport):
        return charts.aging(table.frame, _)
    draw = charts.CHARTS.get(table.name)
    return draw(table, _) if draw else []
