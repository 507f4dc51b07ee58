"""The interest and fee accrual ledger, the accrual runs, and where each account stands.

* ``interest_accruals``: one row per account, kind (``interest`` | ``late_fee``) and
  period: the days, base, rates (contract, cap, used), convention, amount, the rule
  that bound the rate and, for a stopped stretch, why it was stopped. Unique per
  account, kind and period end, so running the same day twice adds nothing.
* ``interest_positions``: per account, the last accrued day and the sub-minor
  remainder carried to the next period (see ``core/interest.py``: rounding).
* ``interest_runs``: one row per ``accrue`` call (through date, totals, config version).

Rates are stored as decimal text ("0.138"): exact on both backends.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class InterestRunRecord(Base):
    """One accrual run."""

    __tablename__ = "interest_runs"

    id: Mapped[IdPk]
    through: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    config_version: Mapped[str] = mapped_column(String(200))
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    # {"interest": {"CNY": n}, "late_fee": {...}, "stopped": {"dispute": n, ...}}
    totals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime]


class InterestAccrualRecord(Base):
    """One ledger line: interest (or a late fee) of an account for a period."""

    __tablename__ = "interest_accruals"
    __table_args__ = (
        UniqueConstraint("account_id", "kind", "period_to"),
        Index("ix_interest_accruals_run", "run_id"),
    )

    id: Mapped[IdPk]
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("interest_runs.id"))
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(16))  # interest | late_fee
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    base_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[str | None] = mapped_column(String(24))
    contract_rate: Mapped[str | None] = mapped_column(String(24))
    cap_rate: Mapped[str | None] = mapped_column(String(24))
    convention: Mapped[str | None] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    rule: Mapped[str] = mapped_column(String(64))
    citation: Mapped[str] = mapped_column(String(500))
    stopped: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime]


class InterestPositionRecord(Base):
    """Where an account's accrual stands: the last accrued day and the carried remainder."""

    __tablename__ = "interest_positions"

    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), primary_key=True)
    accrued_through: Mapped[date] = mapped_column(Date)
    # Exact interest not yet posted, in units of 1/carry_den of a minor unit.
    carry: Mapped[int] = mapped_column(BigInteger, default=0)
    carry_den: Mapped[int] = mapped_column(BigInteger, default=1)
    run_id: Mapped[int] = mapped_column(BigId, ForeignKey("interest_runs.id"))
    updated_at: Mapped[datetime]
