"""What every arrangement does alike: move the account, audit, record, write to the debtor.

Promises, plans, settlements and deferrals are *arrangements*: agreements
about how an account will be resolved. Each one changes the account's
lifecycle status through the transition table (``core.accounts``), writes an
audit event with the values before and after, leaves an interaction on the
account's timeline, and may queue a message (a letter confirming a plan, a
reminder) in the outbox in the same transaction (DESIGN §4 rule 7). These
helpers do exactly that, so the four services say only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from arrears.core.accounts import AccountStatus, can_transition
from arrears.core.dedup import event_key
from arrears.store.records import AccountRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

RESOLUTION_STEP = "resolution"


@dataclass(frozen=True)
class Actor:
    """Who did it (a user name, ``portal``, ``daily``) and through which channel."""

    name: str
    channel: str


def balance_minor(account: AccountRecord) -> int:
    return (
        account.principal_minor + account.interest_minor + account.fees_minor + account.costs_minor
    )


def snapshot(account: AccountRecord) -> dict[str, Any]:
    return {"status": account.status, "holds": list(account.holds or []),
            "balance_minor": balance_minor(account)}  # fmt: skip


def move(account: AccountRecord, target: AccountStatus, at: datetime) -> bool:
    """Change the account's status when the lifecycle allows it; True when it changed."""
    if account.status == target.value or not can_transition(account.status, target):
        return False
    account.status = target.value
    account.updated_at = at
    return True


def audit(
    uow: UnitOfWork, *, at: datetime, actor: str, action: str, entity: str, entity_id: int,
    before: dict[str, Any] | None, after: dict[str, Any],
) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=actor, action=action, entity=entity, entity_id=str(entity_id),
        before=before, after=after,
    ))  # fmt: skip


def timeline(
    uow: UnitOfWork, *, account: AccountRecord, channel: str, at: datetime, outcome: str,
    notes: str, key: str, details: dict[str, Any], direction: str = "in",
) -> None:  # fmt: skip
    """One row on the account's timeline (idempotent by ``key``, an event key)."""
    uow.interactions.add_unique([{
        "account_id": account.id, "debtor_id": account.debtor_id, "channel": channel,
        "direction": direction, "occurred_at": at, "contact_value": None, "outcome": outcome,
        "notes": notes[:2000], "template": None, "dedup_key": key, "status": "recorded",
        "details": details,
    }])  # fmt: skip


def queue(
    uow: UnitOfWork,
    *,
    account: AccountRecord,
    channels: list[str],
    template: str | dict[str, str],
    event: str,
    parts: tuple[str, ...],
    at: datetime,
    details: dict[str, Any] | None = None,
) -> list[str]:
    """Queue ``template`` (or one per channel) on the first of ``channels`` the debtor has.

    The dedup key names the event and what identifies it (``event_key``), so
    running the same step twice never writes twice. ``details`` keeps the
    figures of the arrangement on the row (amounts, dates) for the message.
    Returns the keys newly queued (none when the message was already there).
    """
    reach = uow.resolution.reach(account.debtor_id)
    for channel in channels:
        contact = reach.get(channel)
        name = template.get(channel) if isinstance(template, dict) else template
        if contact is None or name is None:
            continue
        key = event_key(event, channel, *parts)
        added = uow.outbox.add(
            dedup_key=key, plan_date=None, partition=0, account_id=account.id,
            debtor_id=account.debtor_id, client_id=account.client_id, channel=channel,
            template=name, step=RESOLUTION_STEP, strategy=None, strategy_version=None,
            contact_to=contact, priority=1.0, not_before=at, created_at=at, updated_at=at,
            details={"event": event, **(details or {})},
        )  # fmt: skip
        return [key] if added is not None else []
    return []
