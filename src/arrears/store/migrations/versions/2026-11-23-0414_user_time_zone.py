"""people: a staff member's time zone

Revision ID: a5e2f3b60414
Revises: f4d1e2a50413
Create Date: 2026-11-23 09:30:00

``users.time_zone`` — the IANA zone staff pages show times in (timeline,
tasks, "not before" of the compliance banner); NULL shows UTC, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a5e2f3b60414"
down_revision = "f4d1e2a50413"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
