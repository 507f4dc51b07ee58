"""scoring: the model registry and per-account scores

Revision ID: e3c0f1d40412
Revises: d1a9c0b30411
Create Date: 2026-11-23 04:12:00

* ``models`` — one row per trained model version: kind (lightgbm | scorecard),
  the training period and horizon, the features, the metrics, the status
  (candidate | champion | challenger | retired), the challenger's share, and
  where its artefact files are (with their SHA-256).
* ``account_scores`` — per account, model and day: the calibrated probability
  of paying within the horizon, the expected amount in the account's minor
  units, the tier and the reason codes; ``used`` marks the score of the arm
  the account is in (what the planner reads). Keyed by (as_of, account_id,
  model_id) with no surrogate id: a day of a million rows is written in bulk.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "e3c0f1d40412"
down_revision = "d1a9c0b30411"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("challenger_share", sa.Float(), nullable=True),
        sa.Column("trained_as_of", sa.Date(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("artefact_path", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('lightgbm', 'scorecard')", name=op.f("ck_models_kind")),
        sa.CheckConstraint(
            "status IN ('candidate', 'champion', 'challenger', 'retired')",
            name=op.f("ck_models_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
        sa.UniqueConstraint("version", name=op.f("uq_models_version")),
    )
    op.create_index("ix_models_name_status", "models", ["name", "status"])
    op.create_table(
        "account_scores",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("model_id", ID, nullable=False),
        sa.Column("arm", sa.String(length=16), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("expected_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_scores_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name=op.f("fk_account_scores_model_id_models")
        ),
        sa.PrimaryKeyConstraint("as_of", "account_id", "model_id", name=op.f("pk_account_scores")),
    )
    op.create_index("ix_account_scores_account", "account_scores", ["account_id", "as_of"])
    op.create_index("ix_account_scores_model", "account_scores", ["model_id", "as_of"])


def downgrade() -> None:
    op.drop_index("ix_account_scores_model", table_name="account_scores")
    op.drop_index("ix_account_scores_account", table_name="account_scores")
    op.drop_table("account_scores")
    op.drop_index("ix_models_name_status", table_name="models")
    op.drop_table("models")
