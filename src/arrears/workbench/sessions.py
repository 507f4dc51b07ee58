"""Staff sessions: a signed-in browser, checked on every request.

After :func:`arrears.workbench.users.authenticate` says yes, :func:`start`
opens a session: a random cookie value the browser keeps (only its SHA-256 is
stored, so a copy of the database opens no session) and a CSRF token every
form must echo. A session ends after 30 minutes without a request or 12 hours
after it began, at sign-out, when the user is disabled, or when their password
is reset (every open session of the user ends). :func:`current` answers who
is behind a cookie now, and moves the idle deadline on (at most once a minute).

A user who must change their password gets a session that may do only that
(``restricted``); pages check it on the server like any permission.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from arrears.store.records import StaffSessionRecord, UserRecord
from arrears.store.uow import UnitOfWork

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
# How stale ``last_seen_at`` may be before a request writes it again. Without this every click
# of every collector would update their session row; with it a busy person's session is written
# about once a minute, and the idle end can come at most this much early.
TOUCH = timedelta(minutes=1)


@dataclass(frozen=True)
class Started:
    cookie: str  # give to the browser (HttpOnly, Secure, SameSite=Strict); never stored
    session: StaffSessionRecord


@dataclass(frozen=True)
class Staff:
    """Who is behind a request: the user, the session, and whether only a password change is
    open to them."""

    user: UserRecord
    session: StaffSessionRecord
    restricted: bool

    def csrf_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.session.csrf, given or "")


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8")).hexdigest()


def start(
    *, uow: UnitOfWork, user: UserRecord, at: datetime, client_hash: str | None = None
) -> Started:
    """A new session for ``user`` (call only after a successful sign-in)."""
    cookie = secrets.token_urlsafe(32)
    session = uow.users.add_session(
        token_hash=_hash(cookie), user_id=user.id, csrf=secrets.token_urlsafe(24),
        created_at=at, last_seen_at=at, expires_at=at + ABSOLUTE, ended_at=None,
        client_hash=client_hash,
    )  # fmt: skip
    return Started(cookie, session)


def current(uow: UnitOfWork, cookie: str | None, *, at: datetime) -> Staff | None:
    """The signed-in user behind ``cookie``, or None (unknown, ended, expired, disabled)."""
    if not cookie:
        return None
    session = uow.users.session_by_hash(_hash(cookie))
    if session is None or session.ended_at is not None:
        return None
    if at >= session.expires_at or at - session.last_seen_at >= IDLE:
        session.ended_at = at
        return None
    user = uow.users.get(session.user_id)
    if not user.active:
        session.ended_at = at
        return None
    if at - session.last_seen_at >= TOUCH:
        session.last_seen_at = at
    return Staff(user, session, restricted=user.must_change_password)


def end(*, uow: UnitOfWork, staff: Staff, at: datetime) -> None:
    """Sign-out."""
    staff.session.ended_at = at


def end_all(*, uow: UnitOfWork, user: UserRecord, at: datetime) -> int:
    """End every open session of ``user`` (a reset or a disable); returns how many."""
    sessions = uow.users.open_sessions(user.id)
    for session in sessions:
        session.ended_at = at
    return len(sessions)
