"""Promises, payment plans and their instalments, settlements and deferrals.

The ``promises`` table (records/outreach.py) gains what evaluating it needs:
``paid_minor`` (counted so far), ``resolved_on`` (kept, or the last day of
grace when it failed), ``grace_days`` and the ``policy_version`` it was taken
under. The tables here hold the other arrangements:

* ``payment_plans`` — the terms of a plan (down payment, count, frequency,
  interest) and its status; ``kind`` is ``plan`` or ``settlement`` (a
  settlement paid in a few instalments is a plan of that settlement);
* ``plan_instalments`` — the schedule, one row an instalment, with what was
  paid on it and its status (upcoming, due, paid, missed);
* ``settlements`` — an agreed lesser amount, who proposed and approved it, and
  the amount waived per balance component once it was paid;
* ``deferrals`` — a hardship pause with an end date; the account is on hold
  until then.

Every row stores the resolution policy version it was made under.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class PaymentPlanRecord(Base):
    __tablename__ = "payment_plans"
    __table_args__ = (Index("ix_payment_plans_account", "account_id", "status"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(String(16), default="plan")  # plan | settlement
    status: Mapped[str] = mapped_column(String(16), default="active")
    currency: Mapped[str] = mapped_column(String(3))
    balance_minor: Mapped[int] = mapped_column(BigInteger)  # owed when the plan began
    total_minor: Mapped[int] = mapped_column(BigInteger)  # the sum of the instalments
    interest_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    down_payment_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    count: Mapped[int]
    frequency: Mapped[str] = mapped_column(String(16))
    interest_method: Mapped[str] = mapped_column(String(16), default="none")
    annual_rate: Mapped[str] = mapped_column(String(32), default="0")  # a Decimal as text
    first_due_on: Mapped[date] = mapped_column(Date)
    grace_days: Mapped[int]
    misses_to_break: Mapped[int]
    missed: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    policy_version: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))


class PlanInstalmentRecord(Base):
    __tablename__ = "plan_instalments"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        Index("ix_plan_instalments_due", "status", "due_on"),
    )

    id: Mapped[IdPk]
    plan_id: Mapped[int] = mapped_column(BigId, ForeignKey("payment_plans.id"))
    number: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    principal_minor: Mapped[int] = mapped_column(BigInteger)
    interest_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(16), default="upcoming")
    paid_on: Mapped[date | None] = mapped_column(Date)
    missed_on: Mapped[date | None] = mapped_column(Date)


class SettlementRecord(Base):
    __tablename__ = "settlements"
    __table_args__ = (Index("ix_settlements_account", "account_id", "status"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    currency: Mapped[str] = mapped_column(String(3))
    balance_minor: Mapped[int] = mapped_column(BigInteger)  # owed when proposed
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[str] = mapped_column(String(16))  # the share waived, a Decimal as text
    form: Mapped[str] = mapped_column(String(16))  # lump_sum | short_plan
    instalments: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[date] = mapped_column(Date)  # the lump sum's (or the last instalment's) date
    status: Mapped[str] = mapped_column(String(20))
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_role: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_role: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tasks.id"))
    plan_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payment_plans.id"))
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    waived_minor: Mapped[int | None] = mapped_column(BigInteger)
    waived: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per balance component
    completed_on: Mapped[date | None] = mapped_column(Date)
    policy_version: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DeferralRecord(Base):
    __tablename__ = "deferrals"
    __table_args__ = (Index("ix_deferrals_status", "status", "ends_on"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    previous_status: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    policy_version: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(100))
