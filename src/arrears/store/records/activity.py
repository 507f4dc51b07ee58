"""Interactions with debtors and the audit trail.

The audit trail is append-only and hash-chained: each event stores the hash of
the one before it, so deleting or editing a past event breaks the chain and
``verify`` finds where.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class InteractionRecord(Base):
    """A call, message, letter, visit or portal event about an account."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_account_time", "account_id", "occurred_at"),
        Index("ix_interactions_user_time", "user_id", "occurred_at"),
        Index("ix_interactions_occurred_at", "occurred_at"),  # analytics' period queries
    )

    id: Mapped[IdPk]
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    channel: Mapped[str] = mapped_column(String(24))
    direction: Mapped[str] = mapped_column(String(4))  # out | in
    occurred_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    contact_value: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    template: Mapped[str | None] = mapped_column(String(100))
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str | None] = mapped_column(String(24))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditEventRecord(Base):
    """Who did what to which record, when, with the values before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor", "actor", "id"),
    )

    id: Mapped[IdPk]
    occurred_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
