"""The collector's pages: the queue, "next account", search (and the account and task pages).

Routes (every one behind the guard's ``require``; POSTs carry the CSRF token):

- ``GET /workbench`` — today's queue by the plan's priority, with filters
  (client, bucket, status, promise due); ``n`` takes the next account.
- ``POST /workbench/next`` — lock the top unworked account and open it.
- ``GET /workbench/search?q=`` — by account ref, name or phone (``/`` focuses it).
- the account's 360 view and call panel: :mod:`arrears.workbench.account_pages`;
- tasks and reminders: :mod:`arrears.workbench.task_pages`.

Every page shows how many of the person's reminders are due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from arrears.compliance.rulebooks import Rulebooks, load_rulebooks
from arrears.core.aging import DPD_SCHEME
from arrears.core.roles import Principal
from arrears.errors import ArrearsError
from arrears.payments.policy import PolicyBook, load_policies
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import Catalogue
from arrears.ui.render import Renderer
from arrears.workbench import service
from arrears.workbench.guard import redirect
from arrears.workbench.labels import CHANNEL_LABELS, STATUS_LABELS
from arrears.workbench.scripts import ScriptFile, bundled

RENDERER = Renderer(Path(__file__).parent / "templates",
                    Catalogue(Path(__file__).parent / "locales", "workbench"))  # fmt: skip
CONFIG = Path(__file__).resolve().parents[3] / "config"
SEES_ACCOUNTS = "accounts.assigned|accounts.team|accounts.all|accounts.legal"
STATUSES = ("active", "promised", "in_plan", "disputed", "on_hold", "legal")


@dataclass
class Workbench:
    """What the workbench pages share: the database, the clock and the configuration."""

    uow_factory: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    config: Path = CONFIG

    @cached_property
    def rulebooks(self) -> Rulebooks:
        return load_rulebooks(self.config / "rulebooks")

    @cached_property
    def policies(self) -> PolicyBook:
        return load_policies(self.config / "resolution")

    @cached_property
    def scripts(self) -> tuple[ScriptFile, ...]:
        return bundled(self.config / "scripts")

    def page(self, name: str, me: Principal, request: Request, *, status: int = 200,
             **values: Any) -> HTMLResponse:  # fmt: skip
        """A page with the reminders count every workbench page shows."""
        with self.uow_factory() as uow:
            due = service.reminders_due(uow=uow, me=me, now=self.clock())
        t = RENDERER.translator(me.locale, me.zone)
        for kind in ("notice", "error"):  # a message id, or (message id, values)
            message = values.get(kind)
            if isinstance(message, tuple):  # an error among the values speaks the page's language
                values[kind] = t.gettext(message[0], **{
                    k: t.error(v) if isinstance(v, ArrearsError) else v
                    for k, v in message[1].items()})  # fmt: skip
            elif isinstance(message, str):
                values[kind] = t.gettext(message)
        html = RENDERER.render(name, me, request_path=request.url.path, reminders=due,
                               status_labels=STATUS_LABELS, channel_labels=CHANNEL_LABELS,
                               **values)  # fmt: skip
        return HTMLResponse(html, status_code=status)


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
    require: Callable[[str | None], Any], *, config_dir: Path = CONFIG,
) -> APIRouter:  # fmt: skip
    from arrears.workbench import account_pages, task_pages  # they import this module

    router = APIRouter(include_in_schema=False)
    wb = Workbench(uow_factory, clock, config_dir)
    _queue_routes(router, wb, require)
    account_pages.install(router, wb, require)
    task_pages.install(router, wb, require)
    return router


def bucket_range(label: str, today: date) -> tuple[date | None, date | None]:
    """The due dates of accounts in the days-past-due bucket ``label``."""
    for bucket in DPD_SCHEME.buckets:
        if bucket.label == label:
            latest = today - timedelta(days=bucket.low)
            earliest = today - timedelta(days=bucket.high) if bucket.high is not None else None
            return earliest, latest
    return None, None


def _filters(request: Request, today: date) -> tuple[service.QueueFilters, dict[str, str]]:
    q = request.query_params
    chosen = {k: (q.get(k) or "").strip()[:64] for k in ("client", "bucket", "status", "promise")}
    due_from, due_to = bucket_range(chosen["bucket"], today) if chosen["bucket"] else (None, None)
    filters = service.QueueFilters(
        client=chosen["client"] or None,
        status=chosen["status"] if chosen["status"] in STATUSES else None,
        due_from=due_from, due_to=due_to,
        promise_due_by=today if chosen["promise"] == "due" else None,
    )  # fmt: skip
    return filters, chosen


def _queue_routes(router: APIRouter, wb: Workbench, require: Callable[[str | None], Any]) -> None:
    collector = Depends(require("accounts.assigned"))
    searcher = Depends(require(SEES_ACCOUNTS))

    @router.get("/workbench", response_class=HTMLResponse)
    def queue(request: Request, me: Principal = collector) -> Response:
        now = wb.clock()
        filters, chosen = _filters(request, now.date())
        with wb.uow_factory() as uow:
            items = service.queue(uow=uow, me=me, today=now.date(), now=now, filters=filters)
        done = request.query_params.get("done") == "1"
        return wb.page("queue.html", me, request, section="queue", items=items, chosen=chosen,
                       buckets=DPD_SCHEME.labels, statuses=STATUSES, all_done=done)  # fmt: skip

    @router.post("/workbench/next")
    def next_account(me: Principal = collector) -> Response:
        now = wb.clock()
        with wb.uow_factory() as uow:
            account_id = service.take_next(uow=uow, me=me, today=now.date(), now=now)
            uow.commit()
        if account_id is None:
            return redirect("/workbench?done=1")
        return redirect(f"/workbench/accounts/{account_id}")

    @router.get("/workbench/search", response_class=HTMLResponse)
    def search(request: Request, me: Principal = searcher) -> Response:
        text = (request.query_params.get("q") or "").strip()[:100]
        found: list[service.Found] = []
        if text:
            with wb.uow_factory() as uow:
                found = service.search(uow=uow, me=me, text=text, at=wb.clock())
                uow.commit()
        return wb.page("search.html", me, request, section="search", q=text, found=found)
