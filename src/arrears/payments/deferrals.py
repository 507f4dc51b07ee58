"""Hardship deferrals: collection paused until a date, then resumed by itself.

A debtor who lost a job, is ill or is seeking debt advice may be given time
(CONC 7.3.4 R: forbearance; the UK Debt Respite Scheme's 60-day breathing
space; a CN lender's 延期还款). :func:`add_deferral` puts the account
``on_hold`` with a hold ``{"kind": "deferral", "since", "until"}`` — the
compliance engine stops contact while the hold is there — for at most the
policy's ``deferrals.max_days``. The daily batch ends deferrals whose date has
passed (:func:`end_deferral`): the hold is lifted and the account returns to
the status it had (``active``, or ``in_plan`` when a plan was running).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from arrears.core.accounts import AccountStatus, can_transition
from arrears.core.dedup import event_key
from arrears.errors import Conflict, InvalidInput
from arrears.payments.arrangements import audit, move, snapshot, timeline
from arrears.payments.policy import ResolutionPolicy
from arrears.store.records import AccountRecord
from arrears.store.records.resolution import DeferralRecord
from arrears.store.uow import UnitOfWork

HOLD_KIND = "deferral"


def add_deferral(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    until: date,
    reason: str,
    by: str,
    channel: str,
    at: datetime,
    policy: ResolutionPolicy,
) -> DeferralRecord:
    """Pause collection until ``until`` (inclusive); the account goes ``on_hold``.

    Raises InvalidInput (no reason, a date in the past or beyond ``max_days``),
    Conflict (a deferral is already running, or the account cannot be held).
    """
    today = at.date()
    _check(uow, account, until, reason, today, policy)
    before = snapshot(account)
    deferral = uow.resolution.add_deferral(
        account_id=account.id, debtor_id=account.debtor_id, client_id=account.client_id,
        starts_on=today, ends_on=until, reason=reason, status="active",
        previous_status=account.status, channel=channel, created_by=by,
        policy_version=policy.version, created_at=at,
    )  # fmt: skip
    hold = {"kind": HOLD_KIND, "since": today.isoformat(), "until": until.isoformat(),
            "deferral_id": deferral.id}  # fmt: skip
    account.holds = [*(account.holds or []), hold]
    move(account, AccountStatus.ON_HOLD, at)
    account.updated_at = at
    audit(uow, at=at, actor=by, action="deferral.started", entity="account",
          entity_id=account.id, before=before,
          after={**snapshot(account), "deferral_id": deferral.id, "reason": reason,
                 "policy_version": policy.version})  # fmt: skip
    timeline(
        uow,
        account=account,
        channel=channel,
        at=at,
        outcome="deferral",
        notes=f"collection paused until {until.isoformat()}: {reason}",
        key=event_key("deferral", str(deferral.id)),
        details={"deferral_id": deferral.id},
    )
    return deferral


def _check(
    uow: UnitOfWork, account: AccountRecord, until: date, reason: str, today: date,
    policy: ResolutionPolicy,
) -> None:  # fmt: skip
    if not reason.strip():
        raise InvalidInput("a deferral needs a reason")
    latest = today + timedelta(days=policy.deferrals.max_days)
    if not today < until <= latest:
        raise InvalidInput(
            f"deferrals.max_days: the end date must be after today and at most "
            f"{policy.deferrals.max_days} days ahead ({latest}), not {until}"
        )
    if uow.resolution.active_deferral(account.id) is not None:
        raise Conflict(f"account {account.account_ref} already has a running deferral")
    if account.status != AccountStatus.ON_HOLD and not can_transition(
        account.status, AccountStatus.ON_HOLD
    ):
        raise Conflict(f"account {account.account_ref} is {account.status}: it cannot be held")


def end_deferral(
    *, uow: UnitOfWork, deferral_id: int, by: str, at: datetime, reason: str = "ended"
) -> DeferralRecord:
    """Lift the hold; the account returns to its status before the deferral when it may."""
    deferral = uow.resolution.deferral(deferral_id)
    if deferral.status != "active":
        raise Conflict(f"deferral {deferral_id} is already {deferral.status}")
    account = uow.accounts.get(deferral.account_id)
    before = snapshot(account)
    account.holds = [
        h
        for h in account.holds or []
        if not (h.get("kind") == HOLD_KIND and h.get("deferral_id") == deferral.id)
    ]
    if not any(h.get("kind") for h in account.holds) and account.status == AccountStatus.ON_HOLD:
        back = AccountStatus(deferral.previous_status)
        if back == AccountStatus.ON_HOLD or not move(account, back, at):
            move(account, AccountStatus.ACTIVE, at)
    deferral.status, deferral.ended_at, deferral.ended_by = "ended", at, by
    account.updated_at = at
    audit(
        uow,
        at=at,
        actor=by,
        action="deferral.ended",
        entity="account",
        entity_id=account.id,
        before=before,
        after={**snapshot(account), "deferral_id": deferral.id, "reason": reason},
    )
    return deferral
