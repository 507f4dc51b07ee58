"""Who works which account, and the agencies accounts are placed with (委外).

* ``collector_profiles`` — what assignment needs to know of a user beyond the
  ``users`` row: the languages they speak, their skills (``b2b``, ``legal``,
  ``high_balance`` …) and how many accounts they can hold (``capacity``; null:
  the rules file's default).
* ``absences`` — a user away from one date to another (inclusive), with an
  optional named cover.
* ``account_owners`` — the ownership history of every account: one row per
  period with the owner, the collector covering for an absent owner, the team,
  the rule or person that decided it and why. The open row (``ended_at`` null)
  is the current state; ``accounts.assignee_id`` mirrors its owner. A handover
  closes a row and opens the next, so nothing about who had the account is lost.
  ``pinned`` marks an account a person moved by hand: rule runs leave it there.
* ``assignment_runs`` — one row per run of the rules: the date, the rules file
  version and digest, counts; every ownership row a run opened names it.
* ``agencies`` and ``placements`` — outside collection agencies with their
  commission rate (a Decimal as text, e.g. ``"0.18"``), and each period an
  account spent with one: placed balance, when, by whom, recalled when and why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class CollectorProfileRecord(Base):
    __tablename__ = "collector_profiles"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), primary_key=True)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    capacity: Mapped[int | None]  # accounts held; null: the rules file's default
    updated_at: Mapped[datetime]


class AbsenceRecord(Base):
    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_user_dates", "user_id", "starts_on", "ends_on"),)

    id: Mapped[IdPk]
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # inclusive
    cover_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class AssignmentRunRecord(Base):
    __tablename__ = "assignment_runs"

    id: Mapped[IdPk]
    as_of: Mapped[date] = mapped_column(Date)
    rules_version: Mapped[str] = mapped_column(String(64))
    rules_digest: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime]


class AccountOwnerRecord(Base):
    __tablename__ = "account_owners"
    __table_args__ = (
        Index("ix_account_owners_account", "account_id", "ended_at"),
        Index("ix_account_owners_owner", "owner_id", "ended_at"),
        Index("ix_account_owners_covering", "covering_id", "ended_at"),
        Index("ix_account_owners_team", "team_id", "owner_id", "ended_at"),
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    owner_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    covering_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    rule: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    run_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("assignment_runs.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    actor: Mapped[str] = mapped_column(String(100))


class AgencyRecord(Base):
    __tablename__ = "agencies"

    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    commission_rate: Mapped[str] = mapped_column(String(32))  # a Decimal as text: "0.18"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlacementRecord(Base):
    __tablename__ = "placements"
    __table_args__ = (
        Index("ix_placements_agency_status", "agency_id", "status"),
        Index("ix_placements_account", "account_id"),
    )

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    agency_id: Mapped[int] = mapped_column(BigId, ForeignKey("agencies.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    status: Mapped[str] = mapped_column(String(16))  # placed | recalled
    currency: Mapped[str] = mapped_column(String(3))
    placed_minor: Mapped[int] = mapped_column(BigInteger)  # the balance handed over
    prior_status: Mapped[str] = mapped_column(String(16))
    placed_at: Mapped[datetime]
    placed_by: Mapped[str] = mapped_column(String(100))
    recalled_at: Mapped[datetime | None]
    recalled_by: Mapped[str | None] = mapped_column(String(100))
    recall_reason: Mapped[str | None] = mapped_column(Text)
