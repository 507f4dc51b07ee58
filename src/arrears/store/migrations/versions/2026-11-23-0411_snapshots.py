"""analytics: daily snapshots of account state and channel costs

Revision ID: d1a9c0b30411
Revises: c5e2d1a00410
Create Date: 2026-11-23 04:11:00

* ``account_snapshots`` — one row per account and day (the nightly refresh, or
  the backfill's reconstruction): status, segment, strategy, arms, assignee,
  team, bucket, days past due and balances in minor units. Keyed by
  (as_of, account_id) with no foreign keys: history outlives the rows it
  describes, and a day of a million rows is written in bulk.
* ``snapshot_totals`` — the day's snapshot summed by client, currency, status,
  bucket, segment, strategy and team: what the dashboards read.
* ``snapshot_runs`` — the refresh log: which days exist, how they were made
  (``refresh`` exact, ``backfill`` reconstructed) and how long it took.
* ``report_cache`` — report tables the refresh precomputed for the dashboards'
  default views (Arrow IPC bytes), keyed by report and scope.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "d1a9c0b30411"
down_revision = "c5e2d1a00410"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _money(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "account_snapshots",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("strategy", sa.String(length=64), nullable=True),
        sa.Column("arms", sa.String(length=400), nullable=True),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("team_id", ID, nullable=True),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("dpd", sa.Integer(), nullable=False),
        _money("principal_minor"),
        _money("interest_minor"),
        _money("fees_minor"),
        _money("costs_minor"),
        _money("balance_minor"),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("as_of", "account_id", name=op.f("pk_account_snapshots")),
    )
    op.create_table(
        "snapshot_totals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("strategy", sa.String(length=64), nullable=True),
        sa.Column("team_id", ID, nullable=True),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        _money("balance_minor"),
        _money("principal_minor"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_totals")),
    )
    op.create_index("ix_snapshot_totals_as_of", "snapshot_totals", ["as_of", "client_id"])
    # Every period report reads interactions by time; without this each one scans the table.
    op.create_index("ix_interactions_occurred_at", "interactions", ["occurred_at"])
    op.create_table(
        "snapshot_runs",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("accounts", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_snapshot_runs")),
    )
    op.create_table(
        "report_cache",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("report", sa.String(length=64), nullable=False),
        sa.Column("scope_key", sa.String(length=400), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_cache")),
        sa.UniqueConstraint("report", "scope_key", name=op.f("uq_report_cache_report_scope_key")),
    )


def downgrade() -> None:
    op.drop_table("report_cache")
    op.drop_table("snapshot_runs")
    op.drop_index("ix_interactions_occurred_at", table_name="interactions")
    op.drop_index("ix_snapshot_totals_as_of", table_name="snapshot_totals")
    op.drop_table("snapshot_totals")
    op.drop_table("account_snapshots")
