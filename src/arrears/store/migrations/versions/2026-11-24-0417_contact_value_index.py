"""contact points: the value index leaves addresses out

Revision ID: d8b5c6e90417
Revises: c7a4b5d80416
Create Date: 2026-11-24 05:40:00

Phones and e-mails are looked up by value (matching a debtor by name and
phone or e-mail, routing an inbound message to its sender); a postal address
never is. ``ix_contact_points_value`` becomes partial (``kind <> 'address'``):
about half the entries, a smaller index to keep up and to build after a first
load. The lookups say the same condition in the same words, so that SQLite and
PostgreSQL both use the index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d8b5c6e90417"
down_revision = "c7a4b5d80416"
branch_labels = None
depends_on = None

_NOT_AN_ADDRESS = "kind <> 'address'"


def upgrade() -> None:
    # Plain index operations (no batch): SQLite creates and drops indexes in place. A first
    # load killed with its indexes deferred may have left this one missing.
    op.drop_index("ix_contact_points_value", table_name="contact_points", if_exists=True)
    op.create_index("ix_contact_points_value", "contact_points", ["value"],
                    sqlite_where=sa.text(_NOT_AN_ADDRESS),
                    postgresql_where=sa.text(_NOT_AN_ADDRESS))  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_contact_points_value", table_name="contact_points")
    op.create_index("ix_contact_points_value", "contact_points", ["value"])
