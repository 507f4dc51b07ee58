"""Users: creating them, passwords, a second factor, and signing in.

Passwords are hashed with Argon2id (argon2-cffi's defaults, re-hashed when the
parameters change) and never stored or logged in clear. A new user or a reset
gets a random one-time password that must be changed at the first sign-in.

Signing in is throttled and locked out from the record of attempts: five
failures for one username within 15 minutes lock it for 15 minutes, and twenty
failures from one client (a hash of its address) within 15 minutes refuse that
client, whichever username it tries. An unknown username costs the same hash
check as a known one, so timing does not tell which names exist. A user with a
TOTP secret (RFC 6238; optional) also gives the current six-digit code.

Every change to a user is audited; every attempt is recorded (never the
password typed). Services never commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import available_timezones

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from arrears.core.roles import parse_role
from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.kit.crypto import FieldCipher
from arrears.store.records import UserRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_
from arrears.workbench import sessions

ZONES = frozenset(available_timezones())

HASHER = PasswordHasher()
MIN_PASSWORD = 12  # the messages below say 12: change both together
MAX_FAILURES = 5
CLIENT_MAX_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ISSUER = "arrears"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
# Checked against when the username is unknown, so both paths cost one Argon2 verify.
_DUMMY = HASHER.hash(secrets.token_urlsafe(16))

Outcome = Literal["ok", "must_change", "failed", "locked", "totp_required", "disabled"]


@dataclass(frozen=True)
class NewPassword:
    user: UserRecord
    password: str  # shown once to whoever created or reset the user


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user: UserRecord | None = None
    locked_until: datetime | None = None


def add_user(
    *, uow: UnitOfWork, username: str, display_name: str, role: str, at: datetime, by: str,
    team: str | None = None, language: str = "zh-CN", time_zone: str | None = None,
) -> NewPassword:  # fmt: skip
    """A new active user with a one-time password."""
    name = _username(username)
    checked = parse_role(role)
    if language not in ("zh-CN", "en-US"):
        raise InvalidInput(f"language must be zh-CN or en-US, not '{language}'")
    zone = checked_zone(time_zone)
    team_id = uow.users.team(team, at).id if team else None
    password = _one_time()
    user = uow.users.add(
        username=name, display_name=display_name.strip() or name, role=checked.value,
        team_id=team_id, password_hash=HASHER.hash(password), active=True, daily_capacity=0,
        created_at=at, language=language, must_change_password=True, updated_at=at,
        time_zone=zone,
    )  # fmt: skip
    _audit(uow, user, "user.added", by, at, {"role": checked.value, "team": team,
                                              "time_zone": zone})  # fmt: skip
    return NewPassword(user, password)


def disable_user(*, uow: UnitOfWork, username: str, at: datetime, by: str) -> UserRecord:
    user = _user(uow, username)
    if not user.active:
        raise Conflict(f"user '{username}' is already disabled")
    user.active, user.disabled_at, user.updated_at = False, at, at
    ended = sessions.end_all(uow=uow, user=user, at=at)
    _audit(uow, user, "user.disabled", by, at, {"sessions_ended": ended})
    return user


def reset_password(*, uow: UnitOfWork, username: str, at: datetime, by: str) -> NewPassword:
    """A new one-time password; the old one stops working at once."""
    user = _user(uow, username)
    password = _one_time()
    user.password_hash, user.must_change_password = HASHER.hash(password), True
    user.password_changed_at = user.updated_at = at
    ended = sessions.end_all(uow=uow, user=user, at=at)
    _audit(uow, user, "user.password_reset", by, at, {"sessions_ended": ended})
    return NewPassword(user, password)


def checked_zone(zone: str | None) -> str | None:
    """An IANA time zone name as given (None or empty: none, pages show UTC)."""
    if not zone:
        return None
    if zone not in ZONES:
        raise InvalidInput(
            N_("time zone '%(zone)s' is not an IANA zone name such as Asia/Shanghai"), zone=zone
        )
    return zone


def set_time_zone(*, uow: UnitOfWork, user: UserRecord, zone: str | None, at: datetime,
                  by: str) -> None:  # fmt: skip
    """The zone the user's pages show times in (their own choice, or an administrator's)."""
    before, user.time_zone = user.time_zone, checked_zone(zone)
    user.updated_at = at
    _audit(uow, user, "user.time_zone", by, at, {"time_zone": user.time_zone,
                                                  "was": before})  # fmt: skip


def set_demo_password(*, uow: UnitOfWork, username: str, at: datetime, by: str) -> str:
    """A fresh random password that need not be changed: for the demo's printed logins only."""
    user = _user(uow, username)
    password = _one_time()
    user.password_hash, user.must_change_password = HASHER.hash(password), False
    user.password_changed_at = user.updated_at = at
    ended = sessions.end_all(uow=uow, user=user, at=at)
    _audit(uow, user, "user.demo_password", by, at, {"sessions_ended": ended})
    return password


def change_password(
    *, uow: UnitOfWork, user: UserRecord, current: str, new: str, at: datetime
) -> None:
    """The user's own change; the current password must be right."""
    if not _verify(user.password_hash, current):
        raise InvalidInput(N_("the current password is not right"))
    _check_strength(new, user.username)
    user.password_hash, user.must_change_password = HASHER.hash(new), False
    user.password_changed_at = user.updated_at = at
    _audit(uow, user, "user.password_changed", user.username, at, {})


def enable_totp(
    *, uow: UnitOfWork, username: str, cipher: FieldCipher, at: datetime, by: str
) -> str:
    """Give the user a TOTP secret; returns the otpauth:// URI for their authenticator app."""
    user = _user(uow, username)
    secret = pyotp.random_base32()
    user.totp_secret_enc, user.updated_at = cipher.encrypt(secret), at
    _audit(uow, user, "user.totp_enabled", by, at, {})
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def authenticate(
    *, uow: UnitOfWork, username: str, password: str, at: datetime, cipher: FieldCipher,
    totp_code: str | None = None, client_hash: str | None = None,
) -> SignIn:  # fmt: skip
    """Check a sign-in; record the attempt; lock out after repeated failures."""
    name = username.strip().lower()
    refused = _refused(uow, name, client_hash, at)
    if refused is not None:
        _attempt(uow, name, None, at, False, "locked", client_hash)
        return refused
    user = uow.users.by_username(name)
    if not _verify(user.password_hash if user is not None else None, password) or user is None:
        return _failed(uow, name, user, at, "password", client_hash)
    if not user.active:
        _attempt(uow, name, user.id, at, False, "disabled", client_hash)
        return SignIn("disabled")
    if user.totp_secret_enc:
        if not totp_code:
            return SignIn("totp_required", user)
        secret = cipher.decrypt(user.totp_secret_enc)
        if not pyotp.TOTP(secret).verify(totp_code.strip(), for_time=at, valid_window=1):
            return _failed(uow, name, user, at, "totp", client_hash)
    _rehash_if_needed(user, password, at)
    _attempt(uow, name, user.id, at, True, "ok", client_hash)
    return SignIn("must_change" if user.must_change_password else "ok", user)


def _refused(uow: UnitOfWork, name: str, client_hash: str | None, at: datetime) -> SignIn | None:
    until = lock_until(uow, name, at)
    if until is not None:
        return SignIn("locked", locked_until=until)
    if client_hash and uow.users.failures_from(client_hash, at - WINDOW) >= CLIENT_MAX_FAILURES:
        return SignIn("locked", locked_until=at + LOCKOUT)
    return None


def lock_until(uow: UnitOfWork, username: str, at: datetime) -> datetime | None:
    """When the username's lockout ends, or None when it is not locked."""
    failures = uow.users.failures_since(username, at - WINDOW - LOCKOUT)
    until = None
    for last in range(MAX_FAILURES - 1, len(failures)):
        if failures[last] - failures[last - MAX_FAILURES + 1] <= WINDOW:
            until = failures[last] + LOCKOUT
    return until if until is not None and until > at else None


def _failed(
    uow: UnitOfWork, name: str, user: UserRecord | None, at: datetime, reason: str,
    client_hash: str | None,
) -> SignIn:  # fmt: skip
    _attempt(uow, name, user.id if user else None, at, False, reason, client_hash)
    until = lock_until(uow, name, at)
    if until is None:
        return SignIn("failed")
    if user is not None:
        _audit(uow, user, "user.locked_out", "system", at, {"until": until.isoformat()})
    return SignIn("locked", locked_until=until)


def _attempt(
    uow: UnitOfWork, name: str, user_id: int | None, at: datetime, success: bool, reason: str,
    client_hash: str | None,
) -> None:  # fmt: skip
    uow.users.add_attempt(username=name[:100], user_id=user_id, at=at, success=success,
                          reason=reason, client_hash=client_hash)  # fmt: skip


def _verify(stored: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _rehash_if_needed(user: UserRecord, password: str, at: datetime) -> None:
    if user.password_hash and HASHER.check_needs_rehash(user.password_hash):
        user.password_hash, user.updated_at = HASHER.hash(password), at


def _check_strength(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(N_("a password needs at least 12 characters"))
    if username.lower() in password.lower():
        raise InvalidInput(N_("a password must not contain the username"))
    if len(set(password)) < 6:
        raise InvalidInput(N_("a password needs more different characters"))


def _one_time() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, about 96 bits


def _username(value: str) -> str:
    name = value.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            f"'{value}' is not a username: 3-64 characters, letters, digits, '.', '_' or '-'"
        )
    return name


def _user(uow: UnitOfWork, username: str) -> UserRecord:
    user = uow.users.by_username(username.strip().lower())
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


def _audit(
    uow: UnitOfWork, user: UserRecord, action: str, by: str, at: datetime, after: dict[str, object]
) -> None:
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=by, action=action, entity="user", entity_id=str(user.id),
        after={"username": user.username, "role": user.role, "active": user.active, **after},
    ))  # fmt: skip
