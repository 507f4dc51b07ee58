"""assignment: teams' and users' skills, capacity and absences; account assignments and placements with agencies

Revision ID: a55a1e0b0408
Revises: f7a2b5e90407
Create Date: 2026-11-23 04:08:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from arrears.store.base import UtcDateTime

revision = "a55a1e0b0408"
down_revision = "f7a2b5e90407"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "collector_profiles",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        _fk("collector_profiles", "user_id", "users"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_collector_profiles")),
    )
    op.create_table(
        "absences",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cover_id", ID, nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(timezone=True), nullable=True),
        _fk("absences", "user_id", "users"),
        _fk("absences", "cover_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index("ix_absences_user_dates", "absences", ["user_id", "starts_on", "ends_on"])
    op.create_table(
        "assignment_runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("rules_digest", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_runs")),
    )
    op.create_table(
        "account_owners",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("team_id", ID, nullable=True),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("covering_id", ID, nullable=True),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        _fk("account_owners", "account_id", "accounts"),
        _fk("account_owners", "team_id", "teams"),
        _fk("account_owners", "owner_id", "users"),
        _fk("account_owners", "covering_id", "users"),
        _fk("account_owners", "run_id", "assignment_runs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_owners")),
    )
    op.create_index("ix_account_owners_account", "account_owners", ["account_id", "ended_at"])
    op.create_index("ix_account_owners_owner", "account_owners", ["owner_id", "ended_at"])
    op.create_index("ix_account_owners_covering", "account_owners", ["covering_id", "ended_at"])
    op.create_table(
        "agencies",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("commission_rate", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", name=op.f("uq_agencies_code")),
    )
    op.create_table(
        "placements",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("agency_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("placed_minor", sa.BigInteger(), nullable=False),
        sa.Column("prior_status", sa.String(length=16), nullable=False),
        sa.Column("placed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("placed_by", sa.String(length=100), nullable=False),
        sa.Column("recalled_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("recalled_by", sa.String(length=100), nullable=True),
        sa.Column("recall_reason", sa.Text(), nullable=True),
        _fk("placements", "account_id", "accounts"),
        _fk("placements", "agency_id", "agencies"),
        _fk("placements", "client_id", "clients"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    op.create_index("ix_placements_agency_status", "placements", ["agency_id", "status"])
    op.create_index("ix_placements_account", "placements", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_placements_account", table_name="placements")
    op.drop_index("ix_placements_agency_status", table_name="placements")
    op.drop_table("placements")
    op.drop_table("agencies")
    op.drop_index("ix_account_owners_covering", table_name="account_owners")
    op.drop_index("ix_account_owners_owner", table_name="account_owners")
    op.drop_index("ix_account_owners_account", table_name="account_owners")
    op.drop_table("account_owners")
    op.drop_table("assignment_runs")
    op.drop_index("ix_absences_user_dates", table_name="absences")
    op.drop_table("absences")
    op.drop_table("collector_profiles")
