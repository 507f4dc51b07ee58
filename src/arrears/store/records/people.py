"""Users of arrears (collectors, supervisors, ...), their teams and their sign-in attempts.

A password is kept only as an Argon2id hash; a TOTP secret (second factor,
optional) only encrypted with the field cipher. ``must_change_password`` is set
by a reset: the one-time password works once, to choose a new one. Sign-in
attempts are kept (never the password typed) so throttling and lockout can be
decided from the record and audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class TeamRecord(Base):
    __tablename__ = "teams"

    id: Mapped[IdPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    targets: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class UserRecord(Base):
    __tablename__ = "users"

    id: Mapped[IdPk]
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(24))
    team_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("teams.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_capacity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(String(16), default="zh-CN")
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: UTC
    totp_secret_enc: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class LoginAttemptRecord(Base):
    """One sign-in attempt: who it claimed to be, when, whether it worked."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[IdPk]
    username: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(24))  # ok | password | totp | locked | disabled
    client_hash: Mapped[str | None] = mapped_column(String(64))


class StaffSessionRecord(Base):
    """A signed-in browser of a user: only the hash of its cookie is stored."""

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_user", "user_id"),)

    id: Mapped[IdPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute end; idle time is counted from last_seen_at
    ended_at: Mapped[datetime | None]
    client_hash: Mapped[str | None] = mapped_column(String(64))
