"""Payment plans: offering, setting up, paying, reviewing, paying off and cancelling.

:func:`plan_offers` lists the standard offers the client's policy allows for an
account's balance today; :func:`create_plan` sets one up (an offer shown, or
terms a person chose, checked against the same policy): the schedule is
stored, the account becomes ``in_plan``, pending promises give way to it, and
the agreement letter is queued in the outbox. A plan with interest adds the
interest to the account's balance, so the schedule and the balance agree.

Payments fill the instalments oldest first as they arrive (:func:`credit_plan`,
called by ``record_payment``); a reversal takes the money back
(:func:`debit_plan`). The daily batch (:func:`review_plan`) marks instalments
due and missed (after the grace days), and breaks the plan after the policy's
number of misses: the account is ``active`` again and the interest of the
instalments not yet due is forgiven. Paying off early (:func:`pay_off`)
forgives that interest too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from arrears.core.accounts import AccountStatus
from arrears.core.dedup import event_key
from arrears.core.plans import (
    CLOSED_PLAN,
    Frequency,
    Instalment,
    InstalmentStatus,
    InterestMethod,
    PlanOffer,
    PlanStatus,
    PlanTerms,
    apply_payment,
    custom_offer,
    instalment_status,
    payoff_amount,
    plan_state,
    schedule,
    unapply_payment,
)
from arrears.core.plans import plan_offers as standard_offers
from arrears.errors import N_, Conflict, InvalidInput
from arrears.payments.arrangements import audit, balance_minor, move, queue, snapshot, timeline
from arrears.payments.policy import ResolutionPolicy
from arrears.store.records import AccountRecord
from arrears.store.records.resolution import PaymentPlanRecord, PlanInstalmentRecord
from arrears.store.uow import UnitOfWork

AGREEMENT_TEMPLATE = "payment_plan_agreement"
STARTS_PLAN = frozenset({AccountStatus.ACTIVE, AccountStatus.PROMISED, AccountStatus.ON_HOLD,
                         AccountStatus.LEGAL})  # fmt: skip


@dataclass(frozen=True)
class PayoffQuote:
    plan_id: int
    amount_minor: int  # what finishes the plan today
    forgiven_minor: int  # interest of instalments not yet due, no longer owed


def plan_offers(
    *, account: AccountRecord, policy: ResolutionPolicy, as_of: date
) -> list[PlanOffer]:
    """The standard offers for the account's balance on ``as_of`` (may be empty)."""
    return standard_offers(balance_minor=balance_minor(account), currency=account.currency,
                           rules=policy.plan_rules, as_of=as_of)  # fmt: skip


def create_plan(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    offer: PlanOffer | None = None,
    terms: PlanTerms | None = None,
    channel: str,
    created_by: str,
    at: datetime,
    policy: ResolutionPolicy,
    kind: str = "plan",
) -> PaymentPlanRecord:
    """Set up a plan from ``offer`` or ``terms`` (exactly one); the account goes ``in_plan``.

    Raises InvalidInput (terms outside the policy, an offer for another
    balance), Conflict (a plan is already running, or the account's state
    does not allow one).
    """
    if (offer is None) == (terms is None):
        raise InvalidInput("give either an offer or terms for the plan")
    _check_account(uow, account)
    chosen = _checked_offer(account, offer, terms, policy, at.date(), kind)
    before = snapshot(account)
    account.interest_minor += chosen.interest_minor
    plan = uow.resolution.add_plan(
        [_instalment_row(i, at.date()) for i in chosen.instalments],
        **_plan_values(account, chosen, channel, created_by, at, policy, kind, before),
    )
    _cancel_promises(uow, account, plan.id, created_by, at)
    move(account, AccountStatus.IN_PLAN, at)
    _record_creation(uow, account, plan, chosen, before, created_by, at)
    if kind == "plan":
        figures = {"plan_id": plan.id, "instalment_minor": chosen.instalment_minor,
                   "count": plan.count, "first_due_on": plan.first_due_on.isoformat(),
                   "total_minor": plan.total_minor}  # fmt: skip
        queue(uow, account=account, channels=["letter"], template=AGREEMENT_TEMPLATE,
              event="plan_agreement", parts=(str(plan.id),), at=at, details=figures)  # fmt: skip
    return plan


def _check_account(uow: UnitOfWork, account: AccountRecord) -> None:
    if uow.resolution.open_plan(account.id) is not None:
        raise Conflict(N_("account %(ref)s already has a running plan"), ref=account.account_ref)
    if account.status not in STARTS_PLAN:
        raise Conflict(
            N_("account %(ref)s is %(status)s: no plan now"),
            ref=account.account_ref,
            status=account.status,
        )


def _checked_offer(
    account: AccountRecord, offer: PlanOffer | None, terms: PlanTerms | None,
    policy: ResolutionPolicy, as_of: date, kind: str,
) -> PlanOffer:  # fmt: skip
    if offer is not None:
        terms = offer.terms
    assert terms is not None
    balance = balance_minor(account)
    if kind != "plan":  # a settlement's plan repays the agreed amount, checked by settlements
        return PlanOffer(terms, schedule(terms))
    if terms.financed_minor + terms.down_payment_minor != balance:
        raise InvalidInput(
            N_(
                "the plan covers %(covered)s but the balance is %(balance)s: ask for today's offers"
            ),
            covered=terms.financed_minor + terms.down_payment_minor,
            balance=balance,
        )
    return custom_offer(balance_minor=balance, currency=account.currency, as_of=as_of,
                        rules=policy.plan_rules, count=terms.count, frequency=terms.frequency,
                        down_payment_minor=terms.down_payment_minor,
                        first_due_on=terms.first_due_on)  # fmt: skip


def _instalment_row(item: Instalment, today: date) -> dict[str, object]:
    status = InstalmentStatus.DUE if item.due_on <= today else InstalmentStatus.UPCOMING
    return {"number": item.number, "due_on": item.due_on, "amount_minor": item.amount_minor,
            "principal_minor": item.principal_minor, "interest_minor": item.interest_minor,
            "paid_minor": 0, "status": status.value}  # fmt: skip


def _plan_values(
    account: AccountRecord, offer: PlanOffer, channel: str, created_by: str, at: datetime,
    policy: ResolutionPolicy, kind: str, before: dict[str, object],
) -> dict[str, object]:  # fmt: skip
    t, rules = offer.terms, policy.plan_rules
    return {
        "account_id": account.id, "debtor_id": account.debtor_id, "client_id": account.client_id,
        "kind": kind, "status": PlanStatus.ACTIVE.value, "currency": account.currency,
        "balance_minor": before["balance_minor"], "total_minor": offer.total_minor,
        "interest_minor": offer.interest_minor, "down_payment_minor": t.down_payment_minor,
        "count": len(offer.instalments), "frequency": t.frequency.value,
        "interest_method": t.interest_method.value, "annual_rate": str(t.annual_rate),
        "first_due_on": offer.instalments[0].due_on, "grace_days": rules.grace_days,
        "misses_to_break": rules.misses_to_break, "missed": 0, "channel": channel,
        "created_by": created_by, "policy_version": policy.version, "created_at": at,
        "updated_at": at,
    }  # fmt: skip


def _cancel_promises(
    uow: UnitOfWork, account: AccountRecord, plan_id: int, by: str, at: datetime
) -> None:
    for promise in uow.resolution.pending_promises(account.id):
        promise.status, promise.updated_at = "cancelled", at
        audit(uow, at=at, actor=by, action="promise.cancelled", entity="promise",
              entity_id=promise.id, before={"status": "pending"},
              after={"status": "cancelled", "replaced_by_plan": plan_id})  # fmt: skip


def _record_creation(
    uow: UnitOfWork, account: AccountRecord, plan: PaymentPlanRecord, offer: PlanOffer,
    before: dict[str, object], by: str, at: datetime,
) -> None:  # fmt: skip
    audit(uow, at=at, actor=by, action=f"{plan.kind}.created", entity="account",
          entity_id=account.id, before=before,
          after={**snapshot(account), "plan_id": plan.id, "total_minor": offer.total_minor,
                 "interest_minor": offer.interest_minor, "count": plan.count,
                 "frequency": plan.frequency, "policy_version": plan.policy_version})  # fmt: skip
    timeline(uow, account=account, channel=plan.channel, at=at, outcome="plan",
             notes=f"payment plan: {plan.count} x {plan.frequency}, total {offer.total_minor} "
                   f"{account.currency}, first due {plan.first_due_on.isoformat()}",
             key=event_key("plan", str(plan.id)), details={"plan_id": plan.id})  # fmt: skip


# Instalments as core values and back -------------------------------------------------------


def _core(rows: list[PlanInstalmentRecord]) -> list[Instalment]:
    return [Instalment(r.number, r.due_on, r.amount_minor, r.principal_minor, r.interest_minor,
                       r.paid_minor) for r in rows]  # fmt: skip


def _store(rows: list[PlanInstalmentRecord], items: tuple[Instalment, ...], day: date,
           grace_days: int) -> None:  # fmt: skip
    by_number = {i.number: i for i in items}
    for row in rows:
        item = by_number[row.number]
        if item.paid_minor != row.paid_minor:
            row.paid_minor = item.paid_minor
            row.paid_on = day if item.is_paid else None
        status = instalment_status(item, day, grace_days)
        if status is InstalmentStatus.MISSED and row.status != InstalmentStatus.MISSED:
            row.missed_on = day
        row.status = status.value


# Payments ----------------------------------------------------------------------------------


def credit_plan(
    *, uow: UnitOfWork, account: AccountRecord, amount_minor: int, paid_on: date, at: datetime,
    actor: str,
) -> int:  # fmt: skip
    """Apply a payment to the running plan's instalments; returns what was left over."""
    plan = uow.resolution.open_plan(account.id)
    if plan is None:
        return amount_minor
    rows = uow.resolution.instalments(plan.id)
    items, left = apply_payment(_core(rows), amount_minor)
    _store(rows, items, paid_on, plan.grace_days)
    state = plan_state(items, paid_on, plan.grace_days, plan.misses_to_break)
    plan.missed, plan.updated_at = state.missed, at
    if state.status is PlanStatus.COMPLETED:
        _end(uow, account, plan, PlanStatus.COMPLETED, "all instalments paid", paid_on, at, actor)
    elif plan.status == PlanStatus.MISSED and state.status is PlanStatus.ACTIVE:
        plan.status = PlanStatus.ACTIVE.value  # caught up
    return left


def debit_plan(
    *, uow: UnitOfWork, account: AccountRecord, amount_minor: int, on: date, at: datetime,
    actor: str,
) -> None:  # fmt: skip
    """Take a reversed payment back from the plan (re-opening a plan it had completed)."""
    plan = uow.resolution.open_plan(account.id) or _recently_completed(uow, account)
    if plan is None:
        return
    rows = uow.resolution.instalments(plan.id)
    items, _ = unapply_payment(_core(rows), amount_minor)
    _store(rows, items, on, plan.grace_days)
    if plan.status == PlanStatus.COMPLETED:
        before = {"status": plan.status}
        plan.status, plan.ended_on, plan.end_reason = PlanStatus.ACTIVE.value, None, None
        move(account, AccountStatus.IN_PLAN, at)
        audit(uow, at=at, actor=actor, action="plan.reopened", entity="payment_plan",
              entity_id=plan.id, before=before, after={"status": plan.status})  # fmt: skip
    plan.updated_at = at


def _recently_completed(uow: UnitOfWork, account: AccountRecord) -> PaymentPlanRecord | None:
    plans = uow.resolution.plans(account_id=account.id, limit=1)
    return plans[0] if plans and plans[0].status == PlanStatus.COMPLETED else None


def _end(
    uow: UnitOfWork, account: AccountRecord, plan: PaymentPlanRecord, status: PlanStatus,
    reason: str, on: date, at: datetime, actor: str,
) -> None:  # fmt: skip
    before = {"status": plan.status, "account": snapshot(account)}
    plan.status, plan.ended_on, plan.end_reason, plan.updated_at = status.value, on, reason, at
    if status is not PlanStatus.COMPLETED:
        _forgive_future_interest(uow, account, plan, on)
        move(account, AccountStatus.ACTIVE, at)
    elif plan.kind == "plan" and balance_minor(account) == 0:
        move(account, AccountStatus.PAID, at)
    audit(
        uow,
        at=at,
        actor=actor,
        action=f"plan.{status.value}",
        entity="payment_plan",
        entity_id=plan.id,
        before=before,
        after={"status": plan.status, "reason": reason, "account": snapshot(account)},
    )


def _forgive_future_interest(
    uow: UnitOfWork, account: AccountRecord, plan: PaymentPlanRecord, on: date
) -> int:
    """Remove from the balance the interest of instalments not yet due (never earned)."""
    rows = uow.resolution.instalments(plan.id)
    _, forgiven = payoff_amount(_core(rows), on)
    forgiven = min(forgiven, balance_minor(account))
    # The waterfall may already have paid the plan's interest off the balance's interest
    # component: what is forgiven comes off interest first, then principal.
    from_interest = min(forgiven, account.interest_minor)
    account.interest_minor -= from_interest
    account.principal_minor -= min(forgiven - from_interest, account.principal_minor)
    for row in rows:
        if row.due_on > on and not row.paid_minor >= row.amount_minor:
            unpaid_interest = max(0, row.interest_minor - row.paid_minor)
            row.amount_minor -= unpaid_interest
            row.interest_minor -= unpaid_interest
    return forgiven


# Daily review, payoff, cancel ----------------------------------------------------------------


def review_plan(
    *, uow: UnitOfWork, plan: PaymentPlanRecord, as_of: date, at: datetime, actor: str
) -> list[str]:
    """Mark instalments due or missed on ``as_of``; break the plan after too many misses.

    Returns the events: ``instalment_missed`` per newly missed instalment,
    ``plan_broken`` when it broke. Accounts on hold (a deferral) are skipped:
    a pause is not a miss.
    """
    account = uow.accounts.get(plan.account_id)
    if account.status == AccountStatus.ON_HOLD or plan.status in CLOSED_PLAN:
        return []
    rows = uow.resolution.instalments(plan.id)
    was_missed = {r.number for r in rows if r.status == InstalmentStatus.MISSED}
    items = tuple(_core(rows))
    _store(rows, items, as_of, plan.grace_days)
    events = [f"instalment_missed:{r.number}" for r in rows
              if r.status == InstalmentStatus.MISSED and r.number not in was_missed]  # fmt: skip
    for event in events:
        audit(
            uow,
            at=at,
            actor=actor,
            action="plan.instalment_missed",
            entity="payment_plan",
            entity_id=plan.id,
            before=None,
            after={"instalment": event.split(":")[1]},
        )
    state = plan_state(items, as_of, plan.grace_days, plan.misses_to_break)
    plan.missed = state.missed
    if state.status is PlanStatus.BROKEN:
        _end(uow, account, plan, PlanStatus.BROKEN, f"{state.missed} instalments missed",
             as_of, at, actor)  # fmt: skip
        events.append("plan_broken")
    elif state.status is PlanStatus.MISSED and plan.status != PlanStatus.MISSED:
        plan.status = PlanStatus.MISSED.value
    return events


def payoff_quote(*, uow: UnitOfWork, account: AccountRecord, as_of: date) -> PayoffQuote:
    """What pays the running plan off on ``as_of`` and the interest that would be forgiven."""
    plan = _open(uow, account)
    amount, forgiven = payoff_amount(_core(uow.resolution.instalments(plan.id)), as_of)
    return PayoffQuote(plan.id, amount, forgiven)


def pay_off(*, uow: UnitOfWork, account: AccountRecord, at: datetime, by: str) -> PayoffQuote:
    """Forgive the interest not yet earned so one payment of the quote finishes the plan.

    The payment itself is recorded with ``record_payment`` (it completes the plan).
    """
    plan = _open(uow, account)
    before = snapshot(account)
    forgiven = _forgive_future_interest(uow, account, plan, at.date())
    amount, _ = payoff_amount(_core(uow.resolution.instalments(plan.id)), at.date())
    plan.end_reason, plan.updated_at = "paid off early", at
    audit(uow, at=at, actor=by, action="plan.payoff_quoted", entity="account",
          entity_id=account.id, before=before,
          after={**snapshot(account), "plan_id": plan.id, "forgiven_minor": forgiven,
                 "payoff_minor": amount})  # fmt: skip
    return PayoffQuote(plan.id, amount, forgiven)


def cancel_plan(
    *, uow: UnitOfWork, plan_id: int, by: str, at: datetime, reason: str
) -> PaymentPlanRecord:
    """End a running plan by agreement (not a default): the account is ``active`` again."""
    plan = uow.resolution.plan(plan_id)
    if plan.status in CLOSED_PLAN:
        raise Conflict(f"plan {plan_id} is already {plan.status}")
    account = uow.accounts.get(plan.account_id)
    _end(uow, account, plan, PlanStatus.CANCELLED, reason, at.date(), at, by)
    return plan


def _open(uow: UnitOfWork, account: AccountRecord) -> PaymentPlanRecord:
    plan = uow.resolution.open_plan(account.id)
    if plan is None:
        raise Conflict(f"account {account.account_ref} has no running plan")
    return plan


def terms_from(
    *, account: AccountRecord, policy: ResolutionPolicy, count: int, frequency: str,
    down_payment_minor: int | None, first_due_on: date | None, as_of: date,
) -> PlanTerms:  # fmt: skip
    """Terms a person typed (CLI, workbench), checked against the policy."""
    try:
        chosen = Frequency(frequency)
    except ValueError:
        raise InvalidInput(
            f"'{frequency}' is not a frequency (weekly, fortnightly, monthly)"
        ) from None
    offer = custom_offer(
        balance_minor=balance_minor(account),
        currency=account.currency,
        rules=policy.plan_rules,
        as_of=as_of,
        count=count,
        frequency=chosen,
        down_payment_minor=down_payment_minor,
        first_due_on=first_due_on,
    )
    return offer.terms


def settlement_terms(
    *, currency: str, amount_minor: int, count: int, first_due_on: date
) -> PlanTerms:
    """A settlement paid in ``count`` monthly instalments, without interest."""
    return PlanTerms(currency=currency, financed_minor=amount_minor, down_payment_minor=0,
                     count=count, frequency=Frequency.MONTHLY, first_due_on=first_due_on,
                     interest_method=InterestMethod.NONE, annual_rate=Decimal(0))  # fmt: skip


cancel = cancel_plan  # the name the issue uses
