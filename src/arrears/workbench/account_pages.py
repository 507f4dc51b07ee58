"""The account page: the 360 view, the call panel and the outcome form.

- ``GET /workbench/accounts/{id}`` — debtor, contact points, balances and
  ageing, invoices, timeline, today's reason, the compliance banner per
  number, the call script (the required statement appears once the collector
  confirms the right person), click-to-call links.
- ``POST /workbench/accounts/{id}/outcome`` — a disposition and what it
  creates (:func:`arrears.workbench.outcomes.record_outcome`).

Not allowed and not found answer the same 404 (the refusal is audited).

**Dialler hook.** Each number that may be called now is a ``tel:`` link
carrying ``data-dialler="<account id>"`` and ``data-point="<contact point id>"``:
a softphone registered for ``tel:`` dials it, and a CTI integration can
listen for clicks on ``a[data-dialler]`` to start a recorded call and fill
the outcome form. A number the engine blocks or delays gets no link.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from arrears.core.money import Money
from arrears.core.roles import Principal
from arrears.errors import ArrearsError, InvalidInput, NotFound
from arrears.payments.disputes import REASONS
from arrears.ui.i18n import N_
from arrears.workbench import service
from arrears.workbench.guard import StaffRefused, posted, redirect
from arrears.workbench.outcomes import DISPOSITIONS, Outcome, record_outcome
from arrears.workbench.view import AccountView, open_account

if TYPE_CHECKING:
    from arrears.workbench.pages import Workbench

SEES_ACCOUNTS = "accounts.assigned|accounts.team|accounts.all|accounts.legal"
DISPOSITION_LABELS = {
    "right_party": N_("Right party, no commitment"), "promise": N_("Promise to pay"),
    "plan": N_("Payment plan"), "settlement": N_("Settlement request"),
    "dispute": N_("Dispute"), "call_back": N_("Call back"),
    "need_time": N_("Needs time to think (deadline)"), "refused": N_("Refused to pay"),
    "third_party": N_("Third party answered"), "no_answer": N_("No answer"),
    "voicemail": N_("Voicemail"), "busy": N_("Busy"), "wrong_number": N_("Wrong number"),
    "do_not_call": N_("Do not call this number"), "cease": N_("Cease request"),
    "deceased": N_("Deceased"), "bankrupt": N_("Bankrupt"),
}  # fmt: skip
REASON_LABELS = {
    "not_mine": N_("Not my debt"), "already_paid": N_("Already paid"),
    "wrong_amount": N_("Wrong amount"), "identity_theft": N_("Identity theft"),
    "other": N_("Other"),
}  # fmt: skip
VERDICT_LABELS = {
    "ALLOW": N_("You may call now"),
    "REQUIRE": N_("You may call now, with the required statements"),
    "DELAY": N_("Not now"), "BLOCK": N_("Do not call"), "REVIEW": N_("Ask compliance first"),
}  # fmt: skip
KIND_LABELS = {
    "mobile": N_("Mobile"), "landline": N_("Landline"), "phone": N_("Phone"),
    "email": N_("E-mail"), "address": N_("Address"),
}  # fmt: skip


def install(router: APIRouter, wb: Workbench, require: Callable[[str | None], Any]) -> None:
    viewer = Depends(require(SEES_ACCOUNTS))
    recorder = Depends(require("outcomes.record"))

    @router.get("/workbench/accounts/{account_id}")
    def account(account_id: int, request: Request, me: Principal = viewer) -> Response:
        q = request.query_params
        notice = (N_("The call was recorded.") if q.get("saved") == "1" else
                  N_("The task was added.") if q.get("task") == "1" else None)  # fmt: skip
        return _render(wb, me, request, account_id, notice=notice)

    @router.post("/workbench/accounts/{account_id}/outcome")
    def outcome(account_id: int, request: Request, me: Principal = recorder,
                form: FormData = Depends(posted)) -> Response:  # fmt: skip
        now = wb.clock()
        with wb.uow_factory() as uow:
            try:
                account = service.visible_account(uow=uow, me=me, account_id=account_id, at=now)
                client = uow.clients.get(account.client_id)
                policy = wb.policies.for_client(client.code, account.jurisdiction
                                                or client.jurisdiction)  # fmt: skip
                entered = _outcome(form, account.currency, _zone(uow, account.debtor_id))
                record_outcome(uow=uow, me=me, account_id=account_id, outcome=entered, at=now,
                               policy=policy)  # fmt: skip
            except NotFound:
                uow.commit()  # the refusal's audit event is kept
                raise StaffRefused(404) from None
            except ArrearsError as exc:
                error = (N_("The call was not recorded: %(reason)s"), {"reason": exc})
            else:
                uow.commit()
                return redirect(f"/workbench/accounts/{account_id}?saved=1#timeline")
        return _render(wb, me, request, account_id, error=error, status=400, form=dict(form))


def _zone(uow: Any, debtor_id: int) -> str:
    zones = uow.disputes.debtor(debtor_id).time_zones or []
    return str(zones[0]) if zones else "UTC"


def _render(wb: Workbench, me: Principal, request: Request, account_id: int, *,
            status: int = 200, **values: Any) -> Response:  # fmt: skip
    with wb.uow_factory() as uow:
        try:
            view = open_account(uow=uow, me=me, account_id=account_id, now=wb.clock(),
                                rulebooks=wb.rulebooks, scripts=wb.scripts)  # fmt: skip
        except NotFound:
            uow.commit()  # the refusal's audit event is kept
            raise StaffRefused(404) from None
        uow.commit()
    values.setdefault("form", {})
    return wb.page("account.html", me, request, section="queue", v=view,
                   dispositions=[d for d in DISPOSITIONS if me.can(DISPOSITIONS[d][1])],
                   disposition_labels=DISPOSITION_LABELS, reasons=REASONS,
                   reason_labels=REASON_LABELS, verdict_labels=VERDICT_LABELS,
                   kind_labels=KIND_LABELS, token=secrets.token_hex(16),
                   fill=_filler(view), status=status, **values)  # fmt: skip


def _filler(view: AccountView) -> Callable[[str], str]:
    values = dict(view.script_values)
    money = Money(view.balance_minor, view.account.currency)
    values["balance"] = f"{money.format('en_US')}"

    def fill(text: str) -> str:
        return view.script.fill(text, values) if view.script else text

    return fill


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _outcome(form: Any, currency: str, zone: str) -> Outcome:
    """The outcome form as an :class:`Outcome`; InvalidInput names a bad field."""
    amount = _text(form, "amount")
    count = _text(form, "count")
    try:
        return Outcome(
            disposition=_text(form, "disposition"), token=_text(form, "token")[:64] or
            secrets.token_hex(16), point_id=int(_text(form, "point_id")) if _text(
                form, "point_id") else None, note=_text(form, "note"),
            amount_minor=Money.of_major(amount, currency).minor if amount else None,
            due_on=date.fromisoformat(_text(form, "due_on")) if _text(form, "due_on") else None,
            count=int(count) if count else None,
            frequency=_text(form, "frequency") or "monthly",
            first_due_on=date.fromisoformat(_text(form, "first_due_on"))
            if _text(form, "first_due_on") else None,
            reason=_text(form, "reason") or "other",
            follow_up_at=_local(_text(form, "follow_up_at"), zone),
        )  # fmt: skip
    except ValueError as exc:
        raise InvalidInput(f"a field of the form is not valid: {exc}") from None


def _local(text: str, zone: str) -> datetime | None:
    """A ``datetime-local`` field read in the debtor's zone ("call me at three")."""
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
