"""Users, teams and sign-in attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from arrears.errors import Conflict, NotFound
from arrears.store.records import (
    LoginAttemptRecord,
    StaffSessionRecord,
    TeamRecord,
    UserRecord,
)
from arrears.store.repositories.base import Repository


class UserRepository(Repository):
    def by_username(self, username: str) -> UserRecord | None:
        return self.session.scalars(
            select(UserRecord).where(UserRecord.username == username)
        ).first()

    def get(self, user_id: int) -> UserRecord:
        record = self.session.get(UserRecord, user_id)
        if record is None:
            raise NotFound(f"no user {user_id}")
        return record

    def add(self, **values: Any) -> UserRecord:
        if self.by_username(values["username"]) is not None:
            raise Conflict(f"user '{values['username']}' already exists")
        record = UserRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def listing(self) -> Sequence[UserRecord]:
        return self.session.scalars(select(UserRecord).order_by(UserRecord.username)).all()

    def team(self, name: str, at: datetime) -> TeamRecord:
        """The team called ``name``, created when it does not exist yet."""
        found = self.session.scalars(select(TeamRecord).where(TeamRecord.name == name)).first()
        if found is None:
            found = TeamRecord(name=name, targets={}, created_at=at)
            self.session.add(found)
            self.session.flush()
        return found

    def team_name(self, team_id: int | None) -> str | None:
        if team_id is None:
            return None
        team = self.session.get(TeamRecord, team_id)
        return team.name if team is not None else None

    def add_attempt(self, **values: Any) -> None:
        self.session.add(LoginAttemptRecord(**values))
        self.session.flush()

    def failures_since(self, username: str, since: datetime) -> list[datetime]:
        """Times of failed attempts for ``username`` after ``since`` and after its last success.

        Attempts refused because the name was already locked do not count: the lockout ends
        when it says, however often someone knocks meanwhile.
        """
        a = LoginAttemptRecord
        last_ok = self.session.scalar(
            select(func.max(a.at)).where(a.username == username, a.success.is_(True))
        )
        start = max(since, last_ok) if last_ok is not None else since
        query = select(a.at).where(
            a.username == username, a.success.is_(False), a.reason != "locked", a.at > start
        ).order_by(a.at)  # fmt: skip
        return list(self.session.scalars(query))

    def failures_from(self, client_hash: str, since: datetime) -> int:
        """Failed attempts from one client (any username) since ``since``."""
        a = LoginAttemptRecord
        query = select(func.count()).where(
            a.client_hash == client_hash, a.success.is_(False), a.at > since
        )
        return int(self.session.scalar(query) or 0)

    def add_session(self, **values: Any) -> StaffSessionRecord:
        record = StaffSessionRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def session_by_hash(self, token_hash: str) -> StaffSessionRecord | None:
        s = StaffSessionRecord
        return self.session.scalars(select(s).where(s.token_hash == token_hash)).first()

    def open_sessions(self, user_id: int) -> Sequence[StaffSessionRecord]:
        s = StaffSessionRecord
        return self.session.scalars(
            select(s).where(s.user_id == user_id, s.ended_at.is_(None))
        ).all()
