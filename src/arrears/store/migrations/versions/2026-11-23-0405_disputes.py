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


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("debtor_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("prior_status", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolved_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("details_json", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_disputes_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_id"], ["debtors.id"], name=op.f("fk_disputes_debtor_id_debtors")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_disputes_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_account", "disputes", ["account_id"])
    op.create_table(
        "documents",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("dispute_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_documents_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_documents_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index("ix_documents_account", "documents", ["account_id"])
    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("inconvenient_times", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.drop_column("inconvenient_times")
    op.drop_index("ix_documents_account", table_name="documents")
    op.drop_table("documents")
    op.drop_index("ix_disputes_account", table_name="disputes")
    op.drop_table("disputes")
