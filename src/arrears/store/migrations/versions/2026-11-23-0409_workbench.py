"""workbench: what the collector's day records (work locks, queue indexes, reminders)

Revision ID: b0a7c4e50409
Revises: a55a1e0b0408
Create Date: 2026-11-23 04:09:00

Dispositions and notes live on ``interactions`` (``outcome``, ``notes``) and
follow-ups and reminders on ``tasks`` (``assignee_id``, ``due_at``): this
revision adds only the "being worked by" locks and the indexes the queue, the
search and the reminders need on a million accounts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "b0a7c4e50409"
down_revision = "a55a1e0b0408"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "work_locks",
        sa.Column("account_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("taken_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_work_locks_account_id_accounts")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_work_locks_user_id_users")),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_work_locks")),
    )  # fmt: skip
    op.create_index("ix_work_locks_user", "work_locks", ["user_id"])
    op.create_index("ix_accounts_assignee_status", "accounts", ["assignee_id", "status"])
    # A team's unassigned queue: open ownership rows with a team and no owner.
    op.create_index("ix_account_owners_team", "account_owners", ["team_id", "owner_id", "ended_at"])
    op.create_index("ix_tasks_assignee_status_due", "tasks", ["assignee_id", "status", "due_at"])
    # Prefix search on the matching form of names (LIKE 'x%' needs pattern ops on PostgreSQL).
    op.create_index("ix_debtors_name_key", "debtors", ["name_key"],
                    postgresql_ops={"name_key": "text_pattern_ops"})  # fmt: skip
    op.create_index("ix_accounts_ref", "accounts", ["account_ref"],
                    postgresql_ops={"account_ref": "text_pattern_ops"})  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_accounts_ref", table_name="accounts")
    op.drop_index("ix_debtors_name_key", table_name="debtors")
    op.drop_index("ix_tasks_assignee_status_due", table_name="tasks")
    op.drop_index("ix_account_owners_team", table_name="account_owners")
    op.drop_index("ix_accounts_assignee_status", table_name="accounts")
    op.drop_index("ix_work_locks_user", table_name="work_locks")
    op.drop_table("work_locks")
