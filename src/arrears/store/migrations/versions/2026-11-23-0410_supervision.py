"""supervision: approvals and overrides of compliance REVIEW findings

Revision ID: c5e2d1a00410
Revises: b0a7c4e50409
Create Date: 2026-11-23 04:10:00

``overrides`` records each decision on a held REVIEW item. Indexes for the
console: the audit trail by time and by actor (filters, "who is working now"),
interactions by user and time (a collector's figures). Settlement approvals
need no table of their own (``settlements.status = 'pending_approval'``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "c5e2d1a00410"
down_revision = "b0a7c4e50409"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "overrides",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("planned_action_id", ID, nullable=True),
        sa.Column("outbox_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("channel", sa.String(length=24), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_role", sa.String(length=24), nullable=False),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=False),
        _fk("overrides", "planned_action_id", "planned_actions"),
        _fk("overrides", "outbox_id", "outbox"),
        _fk("overrides", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
    )
    op.create_index("ix_overrides_decided_at", "overrides", ["decided_at"])
    op.create_index("ix_overrides_account", "overrides", ["account_id"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor", "id"])
    op.create_index("ix_interactions_user_time", "interactions", ["user_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_interactions_user_time", table_name="interactions")
    op.drop_index("ix_audit_events_actor", table_name="audit_events")
    op.drop_index("ix_audit_events_occurred_at", table_name="audit_events")
    op.drop_index("ix_overrides_account", table_name="overrides")
    op.drop_index("ix_overrides_decided_at", table_name="overrides")
    op.drop_table("overrides")
