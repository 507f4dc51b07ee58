"""interest and fees: the accrual ledger

Revision ID: 7674bf528dce
Revises: 5c42c7f0be7d
Create Date: 2026-11-23 04:02:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "7674bf528dce"
down_revision = "5c42c7f0be7d"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "interest_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("config_version", sa.String(length=200), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_runs")),
    )
    op.create_table(
        "interest_accruals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("base_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=24), nullable=True),
        sa.Column("contract_rate", sa.String(length=24), nullable=True),
        sa.Column("cap_rate", sa.String(length=24), nullable=True),
        sa.Column("convention", sa.String(length=16), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("citation", sa.String(length=500), nullable=False),
        sa.Column("stopped", sa.String(length=32), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_interest_accruals_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["interest_runs.id"], name=op.f("fk_interest_accruals_run_id_interest_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_accruals")),
        sa.UniqueConstraint(
            "account_id",
            "kind",
            "period_to",
            name=op.f("uq_interest_accruals_account_id_kind_period_to"),
        ),
    )
    with op.batch_alter_table("interest_accruals", schema=None) as batch_op:
        batch_op.create_index("ix_interest_accruals_run", ["run_id"], unique=False)
    op.create_table(
        "interest_positions",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("accrued_through", sa.Date(), nullable=False),
        sa.Column("carry", sa.BigInteger(), nullable=False),
        sa.Column("carry_den", sa.BigInteger(), nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"],
            name=op.f("fk_interest_positions_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["interest_runs.id"], name=op.f("fk_interest_positions_run_id_interest_runs")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_interest_positions")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("interest_positions")
    with op.batch_alter_table("interest_accruals", schema=None) as batch_op:
        batch_op.drop_index("ix_interest_accruals_run")
    op.drop_table("interest_accruals")
    op.drop_table("interest_runs")
