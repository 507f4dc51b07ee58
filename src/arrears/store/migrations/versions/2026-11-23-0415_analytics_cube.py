"""analytics: daily cubes the dashboards filter and group instead of the interactions

Revision ID: b6f3a4c70415
Revises: a5e2f3b60414
Create Date: 2026-11-23 12:00:00

``analytics_cubes`` — one row per cube the nightly refresh builds
(``analytics.cubes``): the interactions summed by UTC day, by the dashboards'
filters (client, segment, strategy, team) and by each measure's own dimensions,
counts only, kept whole as one Parquet file (a few megabytes for a year of
twenty million interactions). ``as_of`` is the day it was built for: views
ending later are computed live.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "b6f3a4c70415"
down_revision = "a5e2f3b60414"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_cubes",
        sa.Column("cube", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cube", name=op.f("pk_analytics_cubes")),
    )


def downgrade() -> None:
    op.drop_table("analytics_cubes")
