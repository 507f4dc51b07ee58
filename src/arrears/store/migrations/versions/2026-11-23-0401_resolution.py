"""resolution: promises evaluated, payment plans and instalments, settlements, deferrals

Revision ID: 5c42c7f0be7d
Revises: 1e12f1cc717e
Create Date: 2026-11-23 04:01:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "5c42c7f0be7d"
down_revision = "1e12f1cc717e"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(column: str, table: str, source: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{source}_{column}_{table}")
    )


def _parties(source: str) -> list[Any]:
    return [
        sa.Column("account_id", ID, nullable=False),
        sa.Column("debtor_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        _fk("account_id", "accounts", source),
        _fk("debtor_id", "debtors", source),
        _fk("client_id", "clients", source),
    ]


def upgrade() -> None:
    with op.batch_alter_table("promises") as batch:
        batch.add_column(
            sa.Column("paid_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("resolved_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("grace_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("policy_version", sa.String(length=200), nullable=True))
    _payment_plans()
    _plan_instalments()
    _settlements()
    _deferrals()


def _payment_plans() -> None:
    op.create_table(
        "payment_plans",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_parties("payment_plans"),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.Column("down_payment_minor", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("interest_method", sa.String(length=16), nullable=False),
        sa.Column("annual_rate", sa.String(length=32), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("misses_to_break", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("policy_version", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
    )
    op.create_index("ix_payment_plans_account", "payment_plans", ["account_id", "status"])


def _plan_instalments() -> None:
    op.create_table(
        "plan_instalments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("plan_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("principal_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("missed_on", sa.Date(), nullable=True),
        _fk("plan_id", "payment_plans", "plan_instalments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_instalments")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_plan_instalments_plan_id_number")),
    )
    op.create_index("ix_plan_instalments_due", "plan_instalments", ["status", "due_on"])


def _settlements() -> None:
    op.create_table(
        "settlements",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_parties("settlements"),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.String(length=16), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=100), nullable=False),
        sa.Column("proposed_role", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_role", sa.String(length=16), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("task_id", ID, nullable=True),
        sa.Column("plan_id", ID, nullable=True),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("waived_minor", sa.BigInteger(), nullable=True),
        sa.Column("waived", sa.JSON(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("policy_version", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        _fk("task_id", "tasks", "settlements"),
        _fk("plan_id", "payment_plans", "settlements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
    )
    op.create_index("ix_settlements_account", "settlements", ["account_id", "status"])


def _deferrals() -> None:
    op.create_table(
        "deferrals",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        *_parties("deferrals"),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("previous_status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("policy_version", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferrals")),
    )
    op.create_index("ix_deferrals_status", "deferrals", ["status", "ends_on"])
    op.create_index("ix_deferrals_account_id", "deferrals", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_deferrals_account_id", table_name="deferrals")
    op.drop_index("ix_deferrals_status", table_name="deferrals")
    op.drop_table("deferrals")
    op.drop_index("ix_settlements_account", table_name="settlements")
    op.drop_table("settlements")
    op.drop_index("ix_plan_instalments_due", table_name="plan_instalments")
    op.drop_table("plan_instalments")
    op.drop_index("ix_payment_plans_account", table_name="payment_plans")
    op.drop_table("payment_plans")
    with op.batch_alter_table("promises") as batch:
        batch.drop_column("policy_version")
        batch.drop_column("grace_days")
        batch.drop_column("resolved_on")
        batch.drop_column("paid_minor")
