"""workbench: the index "next account" walks

Revision ID: c7a4b5d80416
Revises: b6f3a4c70415
Create Date: 2026-11-23 12:05:00

``ix_planned_actions_queue`` (plan date, channel, status, priority, id)
replaces ``ix_planned_actions_date_status``: the same equality prefix, then
the order a collector's queue is served in, so "next account" reads today's
planned calls best first and stops at the first few the collector may work
instead of sorting all their accounts' actions on every click.
"""

from __future__ import annotations

from alembic import op

revision = "c7a4b5d80416"
down_revision = "b6f3a4c70415"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index operations (no batch): SQLite creates and drops indexes in place.
    op.drop_index("ix_planned_actions_date_status", table_name="planned_actions")
    op.create_index("ix_planned_actions_queue", "planned_actions",
                    ["plan_date", "channel", "status", "priority", "id"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_planned_actions_queue", table_name="planned_actions")
    op.create_index("ix_planned_actions_date_status", "planned_actions",
                    ["plan_date", "status", "channel"])  # fmt: skip
