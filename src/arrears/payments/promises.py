"""Taking a promise to pay and keeping track of it.

A collector on the phone, the debtor in the portal or a reply by SMS can take a
promise. :func:`take_promise` checks it against the client's resolution policy
(``promises`` in config/resolution: how far ahead, how small) and refuses with
the limit it breaks; an accepted promise moves the account to ``promised``, is
audited and shows on the account's timeline.

Whether a promise is kept is decided from the payments table, the one source of
truth (:func:`arrears.core.promises.evaluate_promise`): a payment re-evaluates
the account's promises at once (a promise is kept the moment the money reaches
its amount); the daily batch judges the ones whose grace period ran out
(partial or broken: the account returns to ``active`` and the planner sees the
event ``promise_broken``). A reversal can re-open a kept promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from arrears.core.accounts import AccountStatus
from arrears.core.dedup import event_key
from arrears.core.promises import PromiseStatus, check_promise, evaluate_promise
from arrears.errors import N_, Conflict
from arrears.payments.arrangements import audit, balance_minor, move, snapshot, timeline
from arrears.payments.policy import ResolutionPolicy
from arrears.store.records import AccountRecord, PromiseRecord
from arrears.store.uow import UnitOfWork

TAKES_PROMISES = frozenset({AccountStatus.ACTIVE, AccountStatus.PROMISED})


@dataclass(frozen=True)
class PromiseChange:
    promise_id: int
    account_id: int
    status: str  # the new status
    paid_minor: int


def take_promise(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    amount_minor: int,
    due_on: date,
    channel: str,
    taken_by: str,
    at: datetime,
    policy: ResolutionPolicy,
) -> PromiseRecord:
    """Record a promise within the policy; the account becomes ``promised``.

    Raises InvalidInput naming the policy limit broken, Conflict when the
    account is not in a state that takes promises (in a plan, disputed, ...).
    """
    if account.status not in TAKES_PROMISES:
        raise Conflict(
            N_("account %(ref)s is %(status)s: no promise now"),
            ref=account.account_ref,
            status=account.status,
        )
    check_promise(amount_minor=amount_minor, due_on=due_on, balance_minor=balance_minor(account),
                  as_of=at.date(), limits=policy.promise_limits)  # fmt: skip
    before = snapshot(account)
    promise = uow.resolution.add_promise(
        account_id=account.id, debtor_id=account.debtor_id, amount_minor=amount_minor,
        currency=account.currency, due_on=due_on, channel=channel, taken_by=taken_by,
        created_at=at, updated_at=at, grace_days=policy.promises.grace_days,
        policy_version=policy.version,
    )  # fmt: skip
    move(account, AccountStatus.PROMISED, at)
    audit(uow, at=at, actor=taken_by, action="promise.taken", entity="account",
          entity_id=account.id, before=before,
          after={**snapshot(account), "promise_id": promise.id, "amount_minor": amount_minor,
                 "due_on": due_on.isoformat(), "policy_version": policy.version})  # fmt: skip
    timeline(uow, account=account, channel=channel, at=at, outcome="promise",
             notes=f"promise to pay {amount_minor} {account.currency} by {due_on.isoformat()}",
             key=event_key("promise", str(promise.id)),
             details={"promise_id": promise.id, "taken_by": taken_by})  # fmt: skip
    return promise


def refresh_promises(
    *, uow: UnitOfWork, account: AccountRecord, as_of: date, at: datetime, actor: str,
    reopen_since: date | None = None,
) -> list[PromiseChange]:  # fmt: skip
    """Re-evaluate the account's pending promises (and, after a reversal, recent kept ones)."""
    promises = uow.resolution.pending_promises(account.id)
    if reopen_since is not None:
        promises += uow.resolution.promises_since(account.id, reopen_since)
    return [c for p in promises if (c := _evaluate(uow, account, p, as_of, at, actor))]


def _evaluate(
    uow: UnitOfWork, account: AccountRecord, promise: PromiseRecord, as_of: date,
    at: datetime, actor: str,
) -> PromiseChange | None:  # fmt: skip
    made_on = promise.created_at.date()
    outcome = evaluate_promise(
        amount_minor=promise.amount_minor, made_on=made_on, due_on=promise.due_on,
        payments=uow.resolution.counted_payments(account.id, made_on), as_of=as_of,
        grace_days=promise.grace_days or 0,
    )  # fmt: skip
    before = {"status": promise.status, "paid_minor": promise.paid_minor}
    promise.paid_minor = outcome.paid_minor
    if outcome.status.value == promise.status:
        return None
    promise.status, promise.resolved_on = outcome.status.value, outcome.resolved_on
    promise.updated_at = at
    others = any(p.id != promise.id for p in uow.resolution.pending_promises(account.id))
    _follow(account, outcome.status, at, others)
    audit(uow, at=at, actor=actor, action=f"promise.{outcome.status.value}", entity="promise",
          entity_id=promise.id, before=before,
          after={"status": promise.status, "paid_minor": outcome.paid_minor,
                 "account_status": account.status})  # fmt: skip
    return PromiseChange(promise.id, account.id, promise.status, outcome.paid_minor)


def _follow(
    account: AccountRecord, status: PromiseStatus, at: datetime, others_pending: bool
) -> None:
    """The account after a promise ends: arrangement over (active) unless paid, re-opened,
    or another promise is still pending."""
    if account.status != AccountStatus.PROMISED and status is not PromiseStatus.PENDING:
        return
    if status is PromiseStatus.PENDING:
        move(account, AccountStatus.PROMISED, at)  # a reversal re-opened it
    elif balance_minor(account) > 0 and not others_pending:
        move(account, AccountStatus.ACTIVE, at)


def cancel_promise(*, uow: UnitOfWork, promise_id: int, by: str, at: datetime) -> PromiseRecord:
    """Withdraw a pending promise (taken by mistake, replaced by a plan)."""
    promise = uow.resolution.promise(promise_id)
    if promise.status != PromiseStatus.PENDING:
        raise Conflict(f"promise {promise_id} is {promise.status}, not pending")
    account = uow.accounts.get(promise.account_id)
    before = {"status": promise.status, "account_status": account.status}
    promise.status, promise.updated_at = PromiseStatus.CANCELLED.value, at
    if not uow.resolution.pending_promises(account.id):
        move(account, AccountStatus.ACTIVE, at)
    audit(uow, at=at, actor=by, action="promise.cancelled", entity="promise",
          entity_id=promise.id, before=before,
          after={"status": promise.status, "account_status": account.status})  # fmt: skip
    return promise


def evaluate_promises(
    *, uow: UnitOfWork, as_of: date, at: datetime, actor: str
) -> list[PromiseChange]:
    """Judge every pending promise on ``as_of`` (the daily batch's promise step)."""
    changes: list[PromiseChange] = []
    for account_id in sorted({p.account_id for p in uow.resolution.pending_promises()}):
        account = uow.accounts.get(account_id)
        changes += refresh_promises(uow=uow, account=account, as_of=as_of, at=at, actor=actor)
    return changes
