"""The supervisor console (``/supervisor``): team figures, approvals, reassignment, the audit trail.

* ``GET /supervisor`` — the team dashboard: figures of a period against the
  team's targets, today's queue per collector, the collector table; one
  collector in ``/supervisor/collectors/{id}``.
* ``GET /supervisor/approvals`` — settlements waiting for a supervisor, REVIEW
  items waiting for a compliance officer, recent overrides; decided with a
  reason by ``POST /supervisor/approvals/settlements/{id}`` and
  ``POST /supervisor/approvals/reviews/{kind}/{id}``.
* ``GET/POST /supervisor/reassign`` — choose accounts by filter, move them to a
  collector or a team with a reason.
* ``GET /supervisor/audit`` — the trail with filters and pages; ``?verify=1``
  checks the hash chain.

Every route asks ``require(permission)`` (403 without it, CSRF on POST); what a
person sees within a page is scoped again by the services (a supervisor: their
own team; compliance and administrators: every team). The services do the
work (:mod:`arrears.workbench.supervision`, :mod:`arrears.workbench.approvals`);
this module reads forms, commits and renders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from arrears.core.roles import Principal
from arrears.errors import ArrearsError, InvalidInput
from arrears.payments.policy import PolicyBook, load_policies
from arrears.store.repositories.supervision import AuditFilter
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_, Catalogue
from arrears.ui.render import Renderer
from arrears.workbench import approvals, supervision, trail
from arrears.workbench.guard import posted, redirect

RENDERER = Renderer(Path(__file__).parent / "templates",
                    Catalogue(Path(__file__).parent / "locales", "workbench"))  # fmt: skip
DEFAULT_POLICY_DIR = Path("config") / "resolution"
DONE = {
    "approved": N_("Approved."),
    "refused": N_("Refused."),
    "moved": N_("%(count)s account(s) moved."),
}
KPI_LABELS = {
    "accounts_worked": N_("Accounts worked"), "calls": N_("Calls"),
    "rpc": N_("Right-party contacts"), "promises": N_("Promises"),
    "collected": N_("Collected"), "kept_rate": N_("Kept rate"),
}  # fmt: skip
Factory = Callable[[], UnitOfWork]


@lru_cache(maxsize=4)
def _policies(folder: Path) -> PolicyBook:
    return load_policies(folder)


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what} must be a date like 2026-11-30, not '{value}'") from None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value else default
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number") from None


def _error(t: Any, exc: ArrearsError) -> str:
    return str(t.gettext(N_("Not done: %(why)s"), why=t.error(exc)))


def build_router(
    uow_factory: Factory, clock: Callable[[], datetime], require: Callable[[str | None], Any],
    *, policy_dir: Path = DEFAULT_POLICY_DIR,
) -> APIRouter:  # fmt: skip
    router = APIRouter(include_in_schema=False)
    pages = _Pages(uow_factory, clock, policy_dir)
    team = Depends(require("accounts.team|accounts.all"))
    deciders = Depends(require("settlements.approve|compliance.override"))
    approver = Depends(require("settlements.approve"))
    overrider = Depends(require("compliance.override"))
    mover = Depends(require("accounts.reassign"))
    reader = Depends(require("audit.read"))

    @router.get("/supervisor", response_class=HTMLResponse)
    def dashboard(request: Request, me: Principal = team) -> Response:
        return pages.dashboard(request, me)

    @router.get("/supervisor/collectors/{user_id}", response_class=HTMLResponse)
    def collector(request: Request, user_id: int, me: Principal = team) -> Response:
        return pages.collector(request, me, user_id)

    @router.get("/supervisor/approvals", response_class=HTMLResponse)
    def approvals_page(request: Request, me: Principal = deciders) -> Response:
        return pages.approvals(request, me)

    @router.post("/supervisor/approvals/settlements/{settlement_id}")
    def settle(request: Request, settlement_id: int, me: Principal = approver,
               form: FormData = Depends(posted)) -> Response:  # fmt: skip
        return pages.decide_settlement(request, me, settlement_id, form)

    @router.post("/supervisor/approvals/reviews/{kind}/{item_id}")
    def review(request: Request, kind: str, item_id: int, me: Principal = overrider,
               form: FormData = Depends(posted)) -> Response:  # fmt: skip
        return pages.decide_review(request, me, kind, item_id, form)

    @router.get("/supervisor/reassign", response_class=HTMLResponse)
    def reassign_page(request: Request, me: Principal = mover) -> Response:
        return pages.reassign(request, me)

    @router.post("/supervisor/reassign")
    def reassign(request: Request, me: Principal = mover,
                 form: FormData = Depends(posted)) -> Response:  # fmt: skip
        return pages.move(request, me, form)

    @router.get("/supervisor/audit", response_class=HTMLResponse)
    def audit(request: Request, me: Principal = reader) -> Response:
        return pages.audit(request, me)

    return router


class _Pages:
    def __init__(self, uow_factory: Factory, clock: Callable[[], datetime],
                 policy_dir: Path) -> None:  # fmt: skip
        self.uow_factory, self.clock, self.policy_dir = uow_factory, clock, policy_dir

    def render(self, request: Request, me: Principal, name: str, *, status: int = 200,
               **context: Any) -> HTMLResponse:  # fmt: skip
        t = RENDERER.translator(me.locale, me.zone)
        done = request.query_params.get("done")
        if done in DONE and context.get("notice") is None:
            context["notice"] = t.gettext(DONE[done], count=request.query_params.get("n", "0"))
        html = RENDERER.render(name, me, request_path=request.url.path, kpi_labels=KPI_LABELS,
                               **context)  # fmt: skip
        return HTMLResponse(html, status_code=status)

    # -- the dashboard ---------------------------------------------------------------------------

    def _period(self, request: Request) -> supervision.Period:
        today = self.clock().date()
        first = _day(request.query_params.get("from"), "from")
        last = _day(request.query_params.get("to"), "to") or today
        return supervision.Period(first or last.replace(day=1), last)

    def dashboard(self, request: Request, me: Principal) -> Response:
        t, error = RENDERER.translator(me.locale, me.zone), None
        try:
            period = self._period(request)
        except ArrearsError as exc:
            period, error = supervision.Period.month_to_date(self.clock().date()), _error(t, exc)
        with self.uow_factory() as uow:
            board = supervision.dashboard(uow=uow, me=me, period=period)
            queue = supervision.queue_status(uow=uow, me=me, now=self.clock())
        return self.render(request, me, "supervisor/dashboard.html", section="supervisor",
                           board=board, queue=queue, error=error,
                           status=422 if error else 200)  # fmt: skip

    def collector(self, request: Request, me: Principal, user_id: int) -> Response:
        period = supervision.Period.month_to_date(self.clock().date())
        with self.uow_factory() as uow:
            board = supervision.dashboard(uow=uow, me=me, period=period)
            queue = supervision.queue_status(uow=uow, me=me, now=self.clock())
        person = next((c for c in board.collectors if c.key == user_id), None)
        if person is None:  # not one of the teams this person may see
            return self.render(
                request,
                me,
                "supervisor/collector.html",
                status=404,
                person=None,
                today=None,
                period=period,
                section="supervisor",
            )
        today = next((q for q in queue if q.user_id == user_id), None)
        return self.render(request, me, "supervisor/collector.html", section="supervisor",
                           person=person, today=today, period=period)  # fmt: skip

    # -- approvals -------------------------------------------------------------------------------

    def approvals(self, request: Request, me: Principal, *, error: str | None = None,
                  status: int = 200) -> Response:  # fmt: skip
        now = self.clock()
        with self.uow_factory() as uow:
            settlements = (
                approvals.pending_settlements(uow=uow, me=me, policies=self._book())
                if me.can("settlements.approve") else []
            )  # fmt: skip
            reviews = (
                approvals.review_items(uow=uow, me=me, today=now.date())
                if me.can("compliance.override") else []
            )  # fmt: skip
            decided = approvals.overrides(uow=uow, me=me, limit=20)
            # Rendered inside the unit of work: the records are read while it is open.
            return self.render(request, me, "supervisor/approvals.html", section="approvals",
                               settlements=settlements, reviews=reviews, decided=decided,
                               error=error, status=status)  # fmt: skip

    def _book(self) -> PolicyBook:
        return _policies(self.policy_dir)

    def decide_settlement(self, request: Request, me: Principal, item: int,
                          form: FormData) -> Response:  # fmt: skip
        approve = form.get("decision") == "approve"
        try:
            with self.uow_factory() as uow:
                approvals.decide_settlement(
                    uow=uow, me=me, settlement_id=item, approve=approve,
                    reason=str(form.get("reason") or ""), at=self.clock(), policies=self._book(),
                )  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            t = RENDERER.translator(me.locale, me.zone)
            return self.approvals(request, me, error=_error(t, exc), status=exc.http_status)
        return redirect("/supervisor/approvals?done=" + ("approved" if approve else "refused"))

    def decide_review(self, request: Request, me: Principal, kind: str, item: int,
                      form: FormData) -> Response:  # fmt: skip
        approve = form.get("decision") == "approve"
        try:
            with self.uow_factory() as uow:
                approvals.decide_review(uow=uow, me=me, kind=kind, item_id=item, approve=approve,
                                        reason=str(form.get("reason") or ""),
                                        at=self.clock())  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            t = RENDERER.translator(me.locale, me.zone)
            return self.approvals(request, me, error=_error(t, exc), status=exc.http_status)
        return redirect("/supervisor/approvals?done=" + ("approved" if approve else "refused"))

    # -- reassignment ----------------------------------------------------------------------------

    def reassign(self, request: Request, me: Principal, *, error: str | None = None,
                 status: int = 200) -> Response:  # fmt: skip
        params = request.query_params
        t = RENDERER.translator(me.locale, me.zone)
        where = supervision.AccountFilter(
            assignee=params.get("assignee") or None, client=params.get("client") or None,
            status=params.get("status") or None, segment=params.get("segment") or None,
            ref=params.get("ref") or None,
        )  # fmt: skip
        rows: list[dict[str, Any]] = []
        with self.uow_factory() as uow:
            try:
                min_dpd = _int(params.get("min_dpd"))
                where = supervision.AccountFilter(**{**where.__dict__, "min_dpd": min_dpd})
                rows = supervision.select_accounts(uow=uow, me=me, where=where,
                                                   today=self.clock().date())  # fmt: skip
            except ArrearsError as exc:
                error, status = _error(t, exc), exc.http_status
            people, teams = supervision.targets_for_moves(uow=uow, me=me)
        return self.render(request, me, "supervisor/reassign.html", section="supervisor",
                           rows=rows, where=where, people=people, teams=teams, error=error,
                           status=status)  # fmt: skip

    def move(self, request: Request, me: Principal, form: FormData) -> Response:
        try:
            ids = [int(str(v)) for v in form.getlist("account")]
        except ValueError:
            ids = []
        try:
            with self.uow_factory() as uow:
                moved = supervision.reassign(
                    uow=uow, me=me, account_ids=ids, reason=str(form.get("reason") or ""),
                    at=self.clock(), to_user=str(form.get("to_user") or "") or None,
                    to_team=str(form.get("to_team") or "") or None,
                )  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            t = RENDERER.translator(me.locale, me.zone)
            return self.reassign(request, me, error=_error(t, exc), status=exc.http_status)
        return redirect(f"/supervisor/reassign?done=moved&n={len(moved)}")

    # -- the audit trail -------------------------------------------------------------------------

    def audit(self, request: Request, me: Principal) -> Response:
        params = request.query_params
        t = RENDERER.translator(me.locale, me.zone)
        error, status, chain = None, 200, None
        where, page = AuditFilter(), 1
        with self.uow_factory() as uow:
            try:
                where, page = _audit_filter(params), _int(params.get("page"), 1) or 1
                found = trail.audit_trail(uow=uow, me=me, where=where, page=page)
            except ArrearsError as exc:
                error, status = _error(t, exc), exc.http_status
                found = trail.AuditPage([], 0, 1, 1)
            if params.get("verify"):
                chain = {"broken_at": trail.verify_trail(uow=uow, me=me)}
            query = {k: v for k, v in params.items() if k not in ("page", "verify") and v}
            return self.render(request, me, "supervisor/audit.html", section="audit",
                               found=found, where=where, params=query, query=urlencode(query),
                               chain=chain, error=error, status=status)  # fmt: skip


def _audit_filter(params: Any) -> AuditFilter:
    first, last = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    return AuditFilter(
        actor=params.get("actor") or None, action=params.get("action") or None,
        entity=params.get("entity") or None, entity_id=params.get("entity_id") or None,
        start=datetime.combine(first, time(), UTC) if first else None,
        end=datetime.combine(last + timedelta(days=1), time(), UTC) if last else None,
    )  # fmt: skip
