"""What providers tell us after sending: delivered, failed, bounced.

An SMS delivery receipt names our deduplication key (the provider's
``reference``), which is the interaction's key: the interaction's status
becomes the provider's word and its outcome ``delivered`` or ``bounced`` (the
history the compliance rules and the channel reports read). An e-mail bounce
(a DSN) carries our key in the returned headers, or at least the Message-ID
the outbox recorded as provider id. A hard bounce or an undeliverable number
means the address does not work: it is marked do-not-contact, audited, so the
plan stops choosing it.
"""

from __future__ import annotations

from datetime import datetime

from arrears.channels.bounces import Bounce
from arrears.channels.receipts import Receipt
from arrears.store.records import InteractionRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

FAILED = frozenset({"failed", "undeliverable"})


def apply_receipt(uow: UnitOfWork, receipt: Receipt, actor: str) -> bool:
    """Update the interaction a receipt is about; False when it names nothing we sent."""
    interaction = _find(uow, "sms", receipt.reference, receipt.id)
    if interaction is None:
        return False
    _settle(uow, interaction, receipt.status, receipt.error, receipt.at, actor,
            hard=receipt.status == "undeliverable")  # fmt: skip
    return True


def apply_bounce(uow: UnitOfWork, bounce: Bounce, at: datetime, actor: str) -> bool:
    interaction = _find(uow, "email", bounce.dedup_key, bounce.message_id)
    if interaction is None:
        return False
    _settle(uow, interaction, "bounced", bounce.diagnostic, at, actor, hard=bounce.status == "hard")
    return True


def _find(
    uow: UnitOfWork, channel: str, key: str | None, provider_id: str | None
) -> InteractionRecord | None:
    if key:
        found = uow.interactions.by_key(key)
        if found is not None:
            return found
    if provider_id:
        row = uow.outbox.by_provider_id(channel, provider_id)
        if row is not None:
            return uow.interactions.by_key(row.dedup_key)
    return None


def _settle(
    uow: UnitOfWork, interaction: InteractionRecord, status: str, error: str | None,
    at: datetime, actor: str, *, hard: bool,
) -> None:  # fmt: skip
    before = {"status": interaction.status, "outcome": interaction.outcome}
    interaction.status = status
    interaction.outcome = "bounced" if status in FAILED or status == "bounced" else "delivered"
    interaction.details = {**(interaction.details or {}), "receipt_at": at.isoformat(),
                           "receipt_error": error}  # fmt: skip
    disabled = 0
    if hard and interaction.contact_value:
        disabled = uow.debtors.disable_contact(interaction.debtor_id, interaction.contact_value)
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=actor, action=f"interaction.{status}", entity="interaction",
        entity_id=str(interaction.id), before=before,
        after={"status": status, "outcome": interaction.outcome, "error": error,
               "contact_disabled": disabled},
    ))  # fmt: skip
