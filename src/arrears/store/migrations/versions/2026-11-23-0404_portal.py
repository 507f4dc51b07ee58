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


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "portal_links",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("link_key", sa.String(length=64), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("debtor_id", ID, nullable=False),
        _at("issued_at"),
        _at("expires_at"),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        _at("revoked_at", nullable=True),
        _at("last_used_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_portal_links_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.id"], name=op.f("fk_portal_links_debtor_id_debtors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_links")),
        sa.UniqueConstraint("link_key", name=op.f("uq_portal_links_link_key")),
    )
    op.create_index("ix_portal_links_account", "portal_links", ["account_id"])
    op.create_table(
        "portal_attempts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("link_id", ID, nullable=False),
        sa.Column("debtor_id", ID, nullable=False),
        _at("occurred_at"),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"], ["portal_links.id"], name=op.f("fk_portal_attempts_link_id_portal_links")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.id"], name=op.f("fk_portal_attempts_debtor_id_debtors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_attempts")),
    )
    op.create_index(
        "ix_portal_attempts_debtor_time", "portal_attempts", ["debtor_id", "occurred_at"]
    )
    op.create_table(
        "portal_sessions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("link_id", ID, nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("verified_at", nullable=True),
        sa.Column("pending_intent", sa.String(length=100), nullable=True),
        _at("ended_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"], ["portal_links.id"], name=op.f("fk_portal_sessions_link_id_portal_links")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_sessions_token_hash")),
    )
    op.create_index("ix_portal_sessions_link", "portal_sessions", ["link_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_link", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_index("ix_portal_attempts_debtor_time", table_name="portal_attempts")
    op.drop_table("portal_attempts")
    op.drop_index("ix_portal_links_account", table_name="portal_links")
    op.drop_table("portal_links")
