"""The daily plan: plan runs, planned and suppressed actions, and each account's
segment and experiment arms.

Revision ID: a6603f94a363
Revises: e9e2449338d9
Create Date: 2026-11-22 23:03:10.313036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import arrears.store.base

revision = "a6603f94a363"
down_revision = "e9e2449338d9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_runs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("partitions", sa.Integer(), nullable=False),
        sa.Column("partitions_done", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", arrears.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", arrears.store.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_runs")),
    )
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_runs_plan_date"), ["plan_date"], unique=False)

    op.create_table(
        "planned_actions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "debtor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "client_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=64), nullable=True),
        sa.Column("strategy_version", sa.String(length=64), nullable=True),
        sa.Column("segment", sa.String(length=64), nullable=True),
        sa.Column("experiment", sa.String(length=64), nullable=True),
        sa.Column("arm", sa.String(length=64), nullable=True),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=24), nullable=True),
        sa.Column("template", sa.String(length=100), nullable=True),
        sa.Column("contact_to", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("not_before", arrears.store.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("expected_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suppressed_by", sa.String(length=64), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", arrears.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_planned_actions_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_planned_actions_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.id"], name=op.f("fk_planned_actions_debtor_id_debtors")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["plan_runs.id"], name=op.f("fk_planned_actions_run_id_plan_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_actions")),
        sa.UniqueConstraint(
            "plan_date",
            "account_id",
            "step",
            name=op.f("uq_planned_actions_plan_date_account_id_step"),
        ),
    )
    with op.batch_alter_table("planned_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_planned_actions_account", ["account_id", "plan_date"], unique=False
        )
        batch_op.create_index(
            "ix_planned_actions_date_status", ["plan_date", "status", "channel"], unique=False
        )

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("segment_since", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("arms", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("arms")
        batch_op.drop_column("segment_since")
        batch_op.drop_column("segment")

    with op.batch_alter_table("planned_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_planned_actions_date_status")
        batch_op.drop_index("ix_planned_actions_account")

    op.drop_table("planned_actions")
    with op.batch_alter_table("plan_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_runs_plan_date"))

    op.drop_table("plan_runs")
