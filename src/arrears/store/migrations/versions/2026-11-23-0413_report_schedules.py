"""analytics: scheduled report e-mails

Revision ID: f4d1e2a50413
Revises: e3c0f1d40412
Create Date: 2026-11-23 09:00:00

* ``report_schedules`` — a report (with its filters) subscribed to a schedule
  (daily, weekly on a weekday, monthly on a day, at a local time in a zone), a
  format, recipients and a language; ``next_run_at`` is the next slot in UTC,
  indexed with the status for the chore that finds the due ones.
* ``report_deliveries`` — each run's rendered file, unique per schedule and slot
  so a run is rendered and enqueued once however often the chore runs.
* ``outbox.kind`` — ``debtor`` (every existing row) or ``staff``: a staff message
  has no account, debtor or client, so those columns become nullable.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "f4d1e2a50413"
down_revision = "e3c0f1d40412"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTIES = ("account_id", "debtor_id", "client_id")


def upgrade() -> None:
    op.create_table(
        "report_schedules",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("report", sa.String(length=64), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("at_time", sa.String(length=5), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_run_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedules")),
    )
    op.create_index("ix_report_schedules_due", "report_schedules", ["status", "next_run_at"])
    op.create_table(
        "report_deliveries",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("schedule_id", ID, nullable=False),
        sa.Column("run_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["report_schedules.id"],
            name=op.f("fk_report_deliveries_schedule_id_report_schedules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_deliveries")),
        sa.UniqueConstraint(
            "schedule_id", "run_at", name=op.f("uq_report_deliveries_schedule_id_run_at")
        ),
    )  # fmt: skip
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="debtor")
        )
        for column in PARTIES:
            batch_op.alter_column(column, existing_type=ID, nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_attempts WHERE outbox_id IN "
               "(SELECT id FROM outbox WHERE kind = 'staff')")  # fmt: skip
    op.execute("DELETE FROM outbox WHERE kind = 'staff'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for column in PARTIES:
            batch_op.alter_column(column, existing_type=ID, nullable=False)
        batch_op.drop_column("kind")
    op.drop_table("report_deliveries")
    op.drop_index("ix_report_schedules_due", table_name="report_schedules")
    op.drop_table("report_schedules")
