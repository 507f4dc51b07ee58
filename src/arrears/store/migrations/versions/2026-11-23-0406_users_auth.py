"""users: sign-in (Argon2 hashes, optional TOTP, reset) and login attempts

Revision ID: e5a1c0de0406
Revises: d15e7a0c0405
Create Date: 2026-11-23 04:06:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "e5a1c0de0406"
down_revision = "d15e7a0c0405"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=16), nullable=False, server_default="zh-CN")
        )
        batch_op.add_column(sa.Column("totp_secret_enc", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("disabled_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_at", UtcDateTime(timezone=True), nullable=True))
    op.create_table(
        "login_attempts",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_attempts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_username_at", table_name="login_attempts")
    op.drop_table("login_attempts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        for column in ("updated_at", "disabled_at", "password_changed_at",
                       "must_change_password", "totp_secret_enc", "language"):  # fmt: skip
            batch_op.drop_column(column)
