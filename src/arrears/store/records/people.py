"""Users of arrears (collectors, supervisors, ...) and their teams."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
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
