"""tasks for people: refunds, call backs, approvals, reviews

Revision ID: 1e12f1cc717e
Revises: 81ff994c1147
Create Date: 2026-11-23 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "1e12f1cc717e"
down_revision = "81ff994c1147"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("client_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=True),
        sa.Column("debtor_id", ID, nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=True),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_tasks_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_tasks_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.id"], name=op.f("fk_tasks_debtor_id_debtors")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_tasks_assignee_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_tasks_dedup_key")),
    )
    op.create_index("ix_tasks_status_kind", "tasks", ["status", "kind"])
    op.create_index("ix_tasks_account", "tasks", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_account", table_name="tasks")
    op.drop_index("ix_tasks_status_kind", table_name="tasks")
    op.drop_table("tasks")
