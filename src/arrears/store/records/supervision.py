"""Overrides of compliance REVIEW findings: who let a held action through, or refused it, and why.

The compliance engine answers REVIEW when a rule wants a person to look before
a contact goes ahead (a rapid repeat call, a message to an opted-out address
that the law may still require, ...). The plan keeps such an action with
status ``review``; the dispatcher holds an outbox row ``held``. A compliance
officer decides each one: an **approved** override names the REVIEW rules it
accepts, and the action goes on (an automated message through the outbox,
judged again at send time for everything else); a **refused** one is
suppressed. A BLOCK is never overridable, so no row here ever names one.

``planned_action_id`` or ``outbox_id`` says which item was decided (an
approved planned message gets its outbox row, ``outbox_id``, too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class OverrideRecord(Base):
    __tablename__ = "overrides"
    __table_args__ = (
        Index("ix_overrides_decided_at", "decided_at"),
        Index("ix_overrides_account", "account_id"),
    )

    id: Mapped[IdPk]
    planned_action_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("planned_actions.id"))
    outbox_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("outbox.id"))
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    channel: Mapped[str | None] = mapped_column(String(24))
    rules: Mapped[list[Any]] = mapped_column(default=list)  # the REVIEW rule ids decided
    findings: Mapped[list[Any]] = mapped_column(default=list)  # as they stood when decided
    decision: Mapped[str] = mapped_column(String(16))  # approved | refused
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_role: Mapped[str] = mapped_column(String(24))
    decided_at: Mapped[datetime]
