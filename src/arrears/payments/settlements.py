"""Settlements: propose, approve or reject, pay, and waive the rest.

:func:`propose_settlement` checks a proposal against the client's policy
(``settlements`` in config/resolution: the minimum, the instalments, the
authority matrix). Within the proposer's authority it is **accepted** at
once: the settlement letter is queued, and a ``short_plan`` settlement gets
its plan (the account goes ``in_plan``). Above it, it waits
(``pending_approval``) and a ``settlement_approval`` task asks the lowest
role that may approve it. :func:`approve_settlement` and
:func:`reject_settlement` check the approver's authority in the same matrix.

Payments count from acceptance (:func:`credit_settlement`, called by
``record_payment``). When they reach the amount the settlement is
**completed**: what remains of the balance is waived (recorded per component
on the settlement and in the audit trail) and the account is ``settled``. A
reversal of the completing payment restores the waived balance
(:func:`debit_settlement`). An accepted lump sum still unpaid after its date
and grace is **broken** by the daily batch.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from arrears.core.accounts import AccountStatus
from arrears.core.dedup import event_key
from arrears.core.settlements import (
    Role,
    SettlementForm,
    SettlementStatus,
    check_proposal,
    decide,
    discount,
    may_approve,
    parse_role,
)
from arrears.errors import N_, ArrearsError, Conflict, InvalidInput
from arrears.payments import plans
from arrears.payments.arrangements import audit, balance_minor, move, queue, snapshot, timeline
from arrears.payments.policy import ResolutionPolicy
from arrears.store.records import AccountRecord
from arrears.store.records.resolution import SettlementRecord
from arrears.store.uow import UnitOfWork

LETTER_TEMPLATE = "settlement_letter"
COMPONENTS = ("costs", "fees", "interest", "principal")
SETTLES = frozenset({AccountStatus.ACTIVE, AccountStatus.PROMISED, AccountStatus.IN_PLAN,
                     AccountStatus.DISPUTED, AccountStatus.ON_HOLD, AccountStatus.LEGAL,
                     AccountStatus.WRITTEN_OFF})  # fmt: skip


class NotAuthorised(ArrearsError):
    """The role may not agree to this discount."""

    code = "not_authorised"
    http_status = 403


def propose_settlement(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    amount_minor: int,
    form: SettlementForm | str = SettlementForm.LUMP_SUM,
    instalments: int = 0,
    by: str,
    role: Role | str,
    channel: str,
    at: datetime,
    policy: ResolutionPolicy,
) -> SettlementRecord:
    """Record a proposal; accepted at once within ``role``'s authority, else pending approval.

    Raises InvalidInput (a rule of the policy, named), Conflict (the account
    already has an open settlement, or cannot be settled in its state).
    """
    shape, who = _form(form), parse_role(role)
    _check_account(uow, account)
    balance = balance_minor(account)
    check_proposal(balance_minor=balance, amount_minor=amount_minor, form=shape,
                   instalments=instalments, authority=policy.authority)  # fmt: skip
    settlement = uow.resolution.add_settlement(
        account_id=account.id, debtor_id=account.debtor_id, client_id=account.client_id,
        currency=account.currency, balance_minor=balance, amount_minor=amount_minor,
        discount=str(discount(balance, amount_minor)), form=shape.value,
        instalments=instalments if shape is SettlementForm.SHORT_PLAN else 0,
        due_on=at.date() + timedelta(days=policy.settlements.pay_within_days),
        status=SettlementStatus.PENDING_APPROVAL.value, proposed_by=by, proposed_role=who.value,
        channel=channel, paid_minor=0, waived={}, policy_version=policy.version,
        created_at=at, updated_at=at,
    )  # fmt: skip
    _audit(uow, settlement, "settlement.proposed", None, by, at)
    timeline(uow, account=account, channel=channel, at=at, outcome="settlement",
             notes=f"settlement proposed: {amount_minor} {account.currency} of {balance} "
                   f"({settlement.discount} waived) by {by} ({who.value})",
             key=event_key("settlement", str(settlement.id)),
             details={"settlement_id": settlement.id})  # fmt: skip
    decision = decide(who, balance, amount_minor, policy.authority)
    if decision.accepted:
        _accept(uow, account, settlement, by, who, at, policy)
    else:
        _ask_approval(uow, account, settlement, decision.approver or Role.MANAGER, by, at)
    return settlement


def _form(form: SettlementForm | str) -> SettlementForm:
    try:
        return SettlementForm(form)
    except ValueError:
        raise InvalidInput(f"'{form}' is not a settlement form (lump_sum, short_plan)") from None


def _check_account(uow: UnitOfWork, account: AccountRecord) -> None:
    if account.status not in SETTLES:
        raise Conflict(
            N_("account %(ref)s is %(status)s: nothing to settle"),
            ref=account.account_ref,
            status=account.status,
        )
    if uow.resolution.open_settlement(account.id) is not None:
        raise Conflict(
            N_("account %(ref)s already has an open settlement"), ref=account.account_ref
        )


def _accept(
    uow: UnitOfWork, account: AccountRecord, settlement: SettlementRecord, by: str, role: Role,
    at: datetime, policy: ResolutionPolicy,
) -> None:  # fmt: skip
    before = {"status": settlement.status}
    settlement.status = SettlementStatus.ACCEPTED.value
    settlement.decided_by, settlement.decided_role, settlement.decided_at = by, role.value, at
    settlement.updated_at = at
    if settlement.form == SettlementForm.SHORT_PLAN:
        _start_plan(uow, account, settlement, by, at, policy)
    _audit(uow, settlement, "settlement.accepted", before, by, at)
    figures = {"settlement_id": settlement.id, "amount_minor": settlement.amount_minor,
               "due_on": settlement.due_on.isoformat(), "form": settlement.form}  # fmt: skip
    queue(uow, account=account, channels=["letter"], template=LETTER_TEMPLATE,
          event="settlement_letter", parts=(str(settlement.id),), at=at,
          details=figures)  # fmt: skip


def _start_plan(
    uow: UnitOfWork, account: AccountRecord, settlement: SettlementRecord, by: str,
    at: datetime, policy: ResolutionPolicy,
) -> None:  # fmt: skip
    open_plan = uow.resolution.open_plan(account.id)
    if open_plan is not None:  # the settlement replaces the plan that was running
        plans.cancel_plan(uow=uow, plan_id=open_plan.id, by=by, at=at,
                          reason=f"replaced by settlement {settlement.id}")  # fmt: skip
    first = at.date() + timedelta(days=policy.plans.first_due_days)
    terms = plans.settlement_terms(currency=account.currency, amount_minor=settlement.amount_minor,
                                   count=settlement.instalments, first_due_on=first)  # fmt: skip
    plan = plans.create_plan(uow=uow, account=account, terms=terms, channel=settlement.channel,
                             created_by=by, at=at, policy=policy, kind="settlement")  # fmt: skip
    settlement.plan_id = plan.id
    settlement.due_on = uow.resolution.instalments(plan.id)[-1].due_on


def _ask_approval(
    uow: UnitOfWork, account: AccountRecord, settlement: SettlementRecord, approver: Role,
    by: str, at: datetime,
) -> None:  # fmt: skip
    task = uow.tasks.add(
        kind="settlement_approval", client_id=account.client_id, account_id=account.id,
        debtor_id=account.debtor_id,
        title=f"Approve settlement {settlement.id}: {settlement.amount_minor} "
              f"{settlement.currency} ({settlement.discount} waived)",
        details={"settlement_id": settlement.id, "discount": settlement.discount,
                 "amount_minor": settlement.amount_minor, "proposed_by": by},
        role=approver.value, due_at=at + timedelta(days=1),
        dedup_key=event_key("settlement_approval", str(settlement.id)), created_by=by,
        created_at=at,
    )  # fmt: skip
    settlement.task_id = task.id


def approve_settlement(
    *, uow: UnitOfWork, settlement_id: int, by: str, role: Role | str, at: datetime,
    policy: ResolutionPolicy,
) -> SettlementRecord:  # fmt: skip
    """Approve a pending settlement; NotAuthorised when the discount is above ``role``'s."""
    settlement, who = _pending(uow, settlement_id), parse_role(role)
    if who is Role.DEBTOR or not may_approve(
        who, settlement.balance_minor, settlement.amount_minor, policy.authority
    ):
        raise NotAuthorised(
            f"a {who.value} may not approve a discount of {settlement.discount} "
            f"(settlement {settlement_id})"
        )  # fmt: skip
    account = uow.accounts.get(settlement.account_id)
    _accept(uow, account, settlement, by, who, at, policy)
    _close_task(uow, settlement, by, at, "approved")
    return settlement


def reject_settlement(
    *, uow: UnitOfWork, settlement_id: int, by: str, role: Role | str, at: datetime,
    reason: str, policy: ResolutionPolicy,
) -> SettlementRecord:  # fmt: skip
    """Reject a pending settlement (anyone who could have approved it may reject it)."""
    settlement, who = _pending(uow, settlement_id), parse_role(role)
    if who is Role.DEBTOR or not may_approve(
        who, settlement.balance_minor, settlement.amount_minor, policy.authority
    ):
        raise NotAuthorised(f"a {who.value} may not decide settlement {settlement_id}")
    before = {"status": settlement.status}
    settlement.status, settlement.reason = SettlementStatus.REJECTED.value, reason
    settlement.decided_by, settlement.decided_role, settlement.decided_at = by, who.value, at
    settlement.updated_at = at
    _audit(uow, settlement, "settlement.rejected", before, by, at)
    _close_task(uow, settlement, by, at, f"rejected: {reason}")
    return settlement


def _pending(uow: UnitOfWork, settlement_id: int) -> SettlementRecord:
    settlement = uow.resolution.settlement(settlement_id)
    if settlement.status != SettlementStatus.PENDING_APPROVAL:
        raise Conflict(f"settlement {settlement_id} is {settlement.status}, not pending approval")
    return settlement


def _close_task(uow: UnitOfWork, settlement: SettlementRecord, by: str, at: datetime,
                outcome: str) -> None:  # fmt: skip
    if settlement.task_id is not None and uow.tasks.get(settlement.task_id).status == "open":
        uow.tasks.close(settlement.task_id, by=by, at=at, outcome=outcome)


# Payments ----------------------------------------------------------------------------------


def credit_settlement(
    *, uow: UnitOfWork, account: AccountRecord, amount_minor: int, paid_on: date, at: datetime,
    actor: str,
) -> SettlementRecord | None:  # fmt: skip
    """Count a payment toward the accepted settlement; complete it when the amount is reached."""
    settlement = uow.resolution.open_settlement(account.id)
    if settlement is None or settlement.status != SettlementStatus.ACCEPTED:
        return None
    settlement.paid_minor += amount_minor
    settlement.updated_at = at
    if settlement.paid_minor >= settlement.amount_minor:
        _complete(uow, account, settlement, paid_on, at, actor)
    return settlement


def _complete(
    uow: UnitOfWork, account: AccountRecord, settlement: SettlementRecord, on: date,
    at: datetime, actor: str,
) -> None:  # fmt: skip
    before = {"status": settlement.status, "account": snapshot(account)}
    _close_plans(uow, account, settlement, on, at, actor)
    waived = {c: getattr(account, f"{c}_minor") for c in COMPONENTS}
    for component in COMPONENTS:
        setattr(account, f"{component}_minor", 0)
    settlement.waived, settlement.waived_minor = waived, sum(waived.values())
    settlement.status, settlement.completed_on = SettlementStatus.COMPLETED.value, on
    move(account, AccountStatus.SETTLED, at)
    audit(
        uow,
        at=at,
        actor=actor,
        action="settlement.completed",
        entity="account",
        entity_id=account.id,
        before=before,
        after={
            "settlement_id": settlement.id,
            "waived": waived,
            "waived_minor": settlement.waived_minor,
            "account": snapshot(account),
        },
    )


def _close_plans(
    uow: UnitOfWork, account: AccountRecord, settlement: SettlementRecord, on: date,
    at: datetime, actor: str,
) -> None:  # fmt: skip
    """The settlement's own plan is completed; a regular plan still running gives way."""
    if settlement.plan_id is not None:
        plan = uow.resolution.plan(settlement.plan_id)
        if plan.status not in ("completed", "cancelled"):
            plan.status, plan.ended_on, plan.end_reason = "completed", on, "settlement paid"
    running = uow.resolution.open_plan(account.id)
    if running is not None and running.id != settlement.plan_id:
        plans.cancel_plan(uow=uow, plan_id=running.id, by=actor, at=at,
                          reason=f"settled by settlement {settlement.id}")  # fmt: skip


def debit_settlement(
    *, uow: UnitOfWork, account: AccountRecord, amount_minor: int, at: datetime, actor: str
) -> None:
    """Undo a reversed payment: re-open a completed settlement, restoring what was waived."""
    settlement = uow.resolution.open_settlement(account.id) or uow.resolution.completed_settlement(
        account.id
    )
    if settlement is None or settlement.status not in ("accepted", "completed"):
        return
    before = {"status": settlement.status, "paid_minor": settlement.paid_minor}
    settlement.paid_minor = max(0, settlement.paid_minor - amount_minor)
    settlement.updated_at = at
    if settlement.status == SettlementStatus.COMPLETED:
        for component, amount in (settlement.waived or {}).items():
            setattr(account, f"{component}_minor", getattr(account, f"{component}_minor") + amount)
        settlement.waived, settlement.waived_minor, settlement.completed_on = {}, None, None
        settlement.status = SettlementStatus.ACCEPTED.value
        move(account, AccountStatus.ACTIVE, at)
        _audit(uow, settlement, "settlement.reopened", before, actor, at)


def break_settlement(
    *, uow: UnitOfWork, settlement: SettlementRecord, reason: str, at: datetime, actor: str
) -> None:
    """An accepted settlement not paid as agreed: the full balance is owed again."""
    before = {"status": settlement.status}
    settlement.status, settlement.reason, settlement.updated_at = "broken", reason, at
    _audit(uow, settlement, "settlement.broken", before, actor, at)


def _audit(uow: UnitOfWork, settlement: SettlementRecord, action: str,
           before: dict[str, Any] | None, actor: str, at: datetime) -> None:  # fmt: skip
    audit(uow, at=at, actor=actor, action=action, entity="settlement", entity_id=settlement.id,
          before=before,
          after={"status": settlement.status, "account_id": settlement.account_id,
                 "amount_minor": settlement.amount_minor, "discount": settlement.discount,
                 "form": settlement.form, "decided_by": settlement.decided_by,
                 "policy_version": settlement.policy_version})  # fmt: skip


# The names the issue uses for the two decisions.
approve = approve_settlement
reject = reject_settlement
