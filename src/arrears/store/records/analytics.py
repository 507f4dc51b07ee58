"""Daily snapshots of account state, their totals, the refresh log and precomputed reports.

A snapshot row is what one account looked like at the end of one day: its
status, segment, strategy, arms, assignee and team, ageing bucket and balances
(integer minor units). Trends, roll rates and vintages read snapshots instead of
replaying history, so they are exact for the days the nightly refresh wrote and
cheap on millions of accounts. ``snapshot_totals`` sums a day by the dashboards'
filters; ``snapshot_runs`` says which days exist and whether each was written
by the refresh (exact) or reconstructed by the backfill (approximate).
``report_schedules`` and ``report_deliveries`` are the scheduled report e-mails:
what was subscribed, and each run's file (sent through the outbox as staff mail).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, LargeBinary, String, UniqueConstraint
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


class ReportScheduleRecord(Base):
    """A report someone subscribed to: which report and filters, when, in what format, to whom.

    ``filters`` holds the report's options (client, segment, strategy, team, time
    zone, cost dimension, days in the period); ``next_run_at`` is the next slot
    (UTC) the chore sends, moved on after each run. ``status``: active, paused or
    removed (kept, with its deliveries, for the audit trail).
    """

    __tablename__ = "report_schedules"
    __table_args__ = (Index("ix_report_schedules_due", "status", "next_run_at"),)

    id: Mapped[IdPk]
    report: Mapped[str] = mapped_column(String(64))
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cadence: Mapped[str] = mapped_column(String(16))  # daily | weekly | monthly
    weekday: Mapped[int | None]  # weekly: 0 Monday … 6 Sunday
    day_of_month: Mapped[int | None]  # monthly: 1-31, the month's last day when shorter
    at_time: Mapped[str] = mapped_column(String(5))  # local HH:MM
    time_zone: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))  # csv | xlsx | pdf
    recipients: Mapped[list[Any]] = mapped_column(default=list)  # e-mail addresses
    language: Mapped[str] = mapped_column(String(8))  # zh-CN | en-US
    status: Mapped[str] = mapped_column(String(16), default="active")
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReportDeliveryRecord(Base):
    """One run of a schedule: the rendered file, kept once and attached to each recipient's
    message. Unique per schedule and slot, so a run is rendered and sent once."""

    __tablename__ = "report_deliveries"
    __table_args__ = (UniqueConstraint("schedule_id", "run_at"),)

    id: Mapped[IdPk]
    schedule_id: Mapped[int] = mapped_column(BigId, ForeignKey("report_schedules.id"))
    run_at: Mapped[datetime]
    as_of: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    recipients: Mapped[int]
    created_at: Mapped[datetime]


class AnalyticsCubeRecord(Base):
    """A daily cube the refresh built (``analytics.cubes``), whole, as one Parquet file: the
    dashboards read it and filter and group it in memory. ``as_of``: the day it was built for
    (views ending later are computed live)."""

    __tablename__ = "analytics_cubes"

    cube: Mapped[str] = mapped_column(String(32), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    built_at: Mapped[datetime]
