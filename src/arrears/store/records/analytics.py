"""Daily snapshots of account state, their totals, the refresh log and precomputed reports.

A snapshot row is what one account looked like at the end of one day: its
status, segment, strategy, arms, assignee and team, ageing bucket and balances
(integer minor units). Trends, roll rates and vintages read snapshots instead of
replaying history, so they are exact for the days the nightly refresh wrote and
cheap on millions of accounts. ``snapshot_totals`` sums a day by the dashboards'
filters; ``snapshot_runs`` says which days exist and whether each was written
by the refresh (exact) or reconstructed by the backfill (approximate).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk, MinorUnits


class AccountSnapshotRecord(Base):
    __tablename__ = "account_snapshots"

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16))
    segment: Mapped[str | None] = mapped_column(String(64))
    strategy: Mapped[str | None] = mapped_column(String(64))
    arms: Mapped[str | None] = mapped_column(String(400))  # canonical JSON {experiment: arm}
    assignee_id: Mapped[int | None] = mapped_column(BigId)
    team_id: Mapped[int | None] = mapped_column(BigId)
    bucket: Mapped[str] = mapped_column(String(16))
    dpd: Mapped[int]
    principal_minor: Mapped[MinorUnits]
    interest_minor: Mapped[MinorUnits]
    fees_minor: Mapped[MinorUnits]
    costs_minor: Mapped[MinorUnits]
    balance_minor: Mapped[MinorUnits]
    currency: Mapped[str] = mapped_column(String(3))
    placed_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)


class SnapshotTotalRecord(Base):
    __tablename__ = "snapshot_totals"
    __table_args__ = (Index("ix_snapshot_totals_as_of", "as_of", "client_id"),)

    id: Mapped[IdPk]
    as_of: Mapped[date] = mapped_column(Date)
    client_id: Mapped[int] = mapped_column(BigId)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    bucket: Mapped[str] = mapped_column(String(16))
    segment: Mapped[str | None] = mapped_column(String(64))
    strategy: Mapped[str | None] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(BigId)
    accounts: Mapped[int] = mapped_column(BigInteger)
    balance_minor: Mapped[MinorUnits]
    principal_minor: Mapped[MinorUnits]


class SnapshotRunRecord(Base):
    __tablename__ = "snapshot_runs"

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # refresh | backfill
    accounts: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]


class ReportCacheRecord(Base):
    """A report table the refresh precomputed (Arrow IPC), for a dashboard's default view."""

    __tablename__ = "report_cache"
    __table_args__ = (UniqueConstraint("report", "scope_key"),)

    id: Mapped[IdPk]
    report: Mapped[str] = mapped_column(String(64))
    scope_key: Mapped[str] = mapped_column(String(400))
    as_of: Mapped[date] = mapped_column(Date)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
