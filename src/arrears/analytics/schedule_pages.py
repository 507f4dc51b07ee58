"""Scheduled report e-mails in the browser (``/dashboards/schedules``).

* ``GET /dashboards/schedules`` — the schedules (report, filters, when, format,
  recipients, next run) and the form to add one;
* ``POST /dashboards/schedules`` — add a schedule;
* ``POST /dashboards/schedules/{id}/{pause|resume|remove}`` — change one.

The guard checks ``dashboards.view`` and, on every POST, the session's CSRF
token before a handler runs; the handlers then allow only the roles with the
``reports.schedule`` permission (supervisors, managers, analysts, admins), on
the server. Every change goes through ``analytics.subscriptions`` and is
audited with the signed-in person as the actor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from arrears.analytics import subscriptions
from arrears.analytics.schedules import CADENCES, WEEKDAYS, Cadence, parse_time, parse_weekday
from arrears.core.roles import Principal
from arrears.errors import ArrearsError, InvalidInput
from arrears.store.uow import UnitOfWork
from arrears.ui.render import Renderer, error_page

SCHEDULE = "reports.schedule"  # the permission to subscribe people to reports
ACTIONS = {"pause": "paused", "resume": "active", "remove": "removed"}
Factory = Callable[[], UnitOfWork]


async def _form(request: Request) -> FormData:
    # The guard has read (and kept) the form to check its CSRF token; this is that form.
    return await request.form()


def add_routes(
    router: APIRouter, uow_factory: Factory, clock: Callable[[], datetime], viewer: Any,
    renderer: Renderer, choices: Callable[[UnitOfWork], Any],
) -> None:  # fmt: skip
    """Register the schedule pages on the dashboards' router (before ``/dashboards/{slug}``)."""
    form_of = Depends(_form)

    def page(me: Principal, *, status: int = 200, error: str | None = None,
             notice: str | None = None) -> Response:  # fmt: skip
        if not me.can(SCHEDULE):
            return HTMLResponse(error_page(403, me.locale), status_code=403)
        with uow_factory() as uow:
            rows = [subscriptions.describe(r) for r in uow.report_schedules.listing()]
            offered = choices(uow)
        return HTMLResponse(renderer.render(
            "dashboards/schedules.html", me, section="dashboards", schedules=rows, error=error,
            notice=notice, reports=subscriptions.REPORTS, cadences=CADENCES, weekdays=WEEKDAYS,
            formats=tuple(subscriptions.FORMATS), languages=subscriptions.LANGUAGES,
            choices=offered, request_path="/dashboards/schedules",
        ), status_code=status)  # fmt: skip

    @router.get("/dashboards/schedules", response_class=HTMLResponse)
    def schedules(request: Request, me: Principal = viewer) -> Response:
        return page(me, notice=request.query_params.get("done"))

    @router.post("/dashboards/schedules")
    def add(me: Principal = viewer, form: FormData = form_of) -> Response:
        if not me.can(SCHEDULE):
            return HTMLResponse(error_page(403, me.locale), status_code=403)
        try:
            wanted = _subscription(form)
            with uow_factory() as uow:
                record = subscriptions.add_schedule(uow=uow, subscription=wanted, actor=me.actor,
                                                    at=clock())  # fmt: skip
                uow.commit()
                done = record.id
        except ArrearsError as exc:
            return page(me, status=400, error=exc.message)
        return RedirectResponse(f"/dashboards/schedules?done=added+{done}", status_code=303)

    @router.post("/dashboards/schedules/{schedule_id}/{action}")
    def change(schedule_id: int, action: str, me: Principal = viewer) -> Response:
        if not me.can(SCHEDULE):
            return HTMLResponse(error_page(403, me.locale), status_code=403)
        if action not in ACTIONS:
            return HTMLResponse(error_page(404, me.locale), status_code=404)
        try:
            with uow_factory() as uow:
                subscriptions.set_status(uow=uow, schedule_id=schedule_id, status=ACTIONS[action],
                                         actor=me.actor, at=clock())  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            return page(me, status=exc.http_status if exc.http_status < 500 else 400,
                        error=exc.message)  # fmt: skip
        return RedirectResponse(f"/dashboards/schedules?done={action}+{schedule_id}",
                                status_code=303)  # fmt: skip


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _subscription(form: FormData) -> subscriptions.Subscription:
    """The form as a subscription; InvalidInput names the field that is wrong."""
    kind = _text(form, "cadence") or ""
    day = _text(form, "day")
    if day is not None and not day.isdigit():
        raise InvalidInput(f"day of the month must be 1 to 31, not '{day}'")
    cadence = Cadence(
        kind, parse_time(_text(form, "at") or "07:00"), _text(form, "zone") or "Asia/Shanghai",
        parse_weekday(_text(form, "weekday")) if kind == "weekly" else None,
        int(day) if kind == "monthly" and day else None,
    )  # fmt: skip
    days = _text(form, "days") or "30"
    if not days.isdigit():
        raise InvalidInput(f"days must be a whole number from 1 to 366, not '{days}'")
    filters: dict[str, Any] = {k: v for k in ("client", "segment", "strategy", "team")
                               if (v := _text(form, k))}  # fmt: skip
    if int(days) != 30:
        filters["days"] = int(days)
    return subscriptions.Subscription(
        _text(form, "report") or "", cadence, _text(form, "format") or "",
        (_text(form, "recipients") or "",), _text(form, "language") or "en-US", filters,
    )  # fmt: skip
