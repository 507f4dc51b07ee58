"""Tasks: work a person must do, created by the system or by someone else.

A refund for an overpayment, a call back the debtor asked for in the portal, a
settlement above the collector's authority waiting for approval, a dispute to
verify: each is a task with a kind, the account it is about, who should do it
(a role, or a named user) and when. ``dedup_key`` makes creating a task
idempotent, so a webhook retried by a gateway does not ask for two refunds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class TaskRecord(Base):
    """One piece of work for a person (refund, call back, approval, review, follow-up)."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_status_kind", "status", "kind"),
        Index("ix_tasks_account", "account_id"),
        Index("ix_tasks_assignee_status_due", "assignee_id", "status", "due_at"),
    )

    id: Mapped[IdPk]
    kind: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("clients.id"))
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("debtors.id"))
    title: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    role: Mapped[str | None] = mapped_column(String(24))  # who may do it: collector, supervisor...
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done | cancelled
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(Text)
