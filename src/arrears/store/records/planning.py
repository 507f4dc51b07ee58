"""The daily plan: runs and the actions they planned or suppressed.

A plan run decides, for one date, what happens to every open account. Each
decision is a row of ``planned_actions`` — planned (with the earliest instant
it may happen) or suppressed (with why) — carrying everything needed to
explain it later: strategy and version, segment, experiment arm, step, the
compliance findings with their rules and citations, the priority and the
expected value. ``(plan_date, account_id, step)`` is unique, so re-running
a date replaces nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class PlanRunRecord(Base):
    __tablename__ = "plan_runs"

    id: Mapped[IdPk]
    plan_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|done|failed
    # Versions of the strategies and rulebooks used: stamped for audit.
    versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    partitions: Mapped[int] = mapped_column(default=0)
    partitions_done: Mapped[list[Any]] = mapped_column(default=list)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class PlannedActionRecord(Base):
    __tablename__ = "planned_actions"
    __table_args__ = (
        UniqueConstraint("plan_date", "account_id", "step"),
        # The collector's "next account" walks this in priority order and stops at
        # the first of their accounts (the ``id`` breaks ties the same way).
        Index("ix_planned_actions_queue", "plan_date", "channel", "status", "priority", "id"),
        Index("ix_planned_actions_account", "account_id", "plan_date"),
    )

    id: Mapped[IdPk]
    plan_date: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("plan_runs.id"))
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    partition: Mapped[int] = mapped_column(default=0)
    strategy: Mapped[str | None] = mapped_column(String(64))
    strategy_version: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64))
    experiment: Mapped[str | None] = mapped_column(String(64))
    arm: Mapped[str | None] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))  # "-" when no step applies (suppressed)
    action: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(24))
    template: Mapped[str | None] = mapped_column(String(100))
    contact_to: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # planned | suppressed
    verdict: Mapped[str | None] = mapped_column(String(16))
    not_before: Mapped[datetime | None]
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    expected_value_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(Text)
    suppressed_by: Mapped[str | None] = mapped_column(String(64))  # rule id, "capacity", ...
    findings: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]
