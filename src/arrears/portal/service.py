"""The debtor portal's use cases: links, identity checks, sessions, what a page shows.

A debtor arrives with a signed link (:mod:`arrears.portal.tokens`). The link
opens a *session* — a browser cookie of which only the hash is stored — that
is anonymous until the debtor proves who they are: birth date, the last four
characters of their national id or of the account number, and the postal
code, each where we hold it. Every check is recorded (never the values typed)
and audited; five failures within thirty minutes lock the debtor out of every
link for thirty minutes, and the lockout itself is audited. Nothing about the
debt — not even that there is one — is shown before the check succeeds.

Afterwards every view of personal data is audited and every action is an
interaction on the account's timeline (:mod:`arrears.portal.actions`).
Services never commit: the page handler owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from arrears.core.dedup import event_key
from arrears.errors import InvalidInput, NotFound
from arrears.portal import i18n, tokens
from arrears.store.records import AccountRecord, ClientRecord, DebtorRecord
from arrears.store.records.portal import PortalLinkRecord, PortalSessionRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=30)
LOCKOUT = timedelta(minutes=30)
SESSION_IDLE = timedelta(minutes=30)
DEFAULT_LINK_DAYS = 14
ACTOR = "debtor:portal"


# --- links --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    link: PortalLinkRecord
    token: str


def issue_link(
    *, uow: UnitOfWork, account: AccountRecord, secret: bytes, at: datetime, by: str,
    days: int = DEFAULT_LINK_DAYS,
) -> IssuedLink:  # fmt: skip
    """A new link to ``account`` for its debtor, valid for ``days``."""
    if not 1 <= days <= tokens.MAX_AGE_DAYS:
        raise InvalidInput(f"a portal link lasts 1 to {tokens.MAX_AGE_DAYS} days, not {days}")
    link = uow.portal.add_link(
        link_key=tokens.new_link_key(), account_id=account.id, debtor_id=account.debtor_id,
        issued_at=at, expires_at=at + timedelta(days=days), issued_by=by,
    )  # fmt: skip
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=by, action="portal.link_issued", entity="account",
        entity_id=str(account.id), after={"link_id": link.id, "expires_at": link.expires_at},
    ))  # fmt: skip
    return IssuedLink(link, tokens.issue(link.link_key, secret=secret, at=at))


def open_link(
    uow: UnitOfWork, token: str, *, secret: bytes, at: datetime
) -> PortalLinkRecord | None:
    """The live link a token names; None for a forged, expired, revoked or unknown one."""
    key = tokens.read(token, secret=secret, at=at)
    if key is None:
        return None
    link = uow.portal.link_by_key(key)
    if link is None or link.revoked_at is not None or link.expires_at <= at:
        return None
    if uow.portal.account(link.account_id) is None:
        return None
    return link


def revoke_link(uow: UnitOfWork, link: PortalLinkRecord, *, by: str, at: datetime) -> None:
    link.revoked_at = at
    uow.audit.append(AuditEvent(occurred_at=at, actor=by, action="portal.link_revoked",
                                entity="account", entity_id=str(link.account_id),
                                after={"link_id": link.id}))  # fmt: skip


# --- sessions -------------------------------------------------------------------------------


def _hash(secret_value: str) -> str:
    return hashlib.sha256(secret_value.encode()).hexdigest()


def start_session(
    uow: UnitOfWork, link: PortalLinkRecord, *, at: datetime
) -> tuple[str, PortalSessionRecord]:
    """A new anonymous session on ``link``: the cookie value and the stored row."""
    debtor = uow.portal.debtor(link.debtor_id)
    value = secrets.token_urlsafe(32)
    record = uow.portal.add_session(
        token_hash=_hash(value), link_id=link.id, csrf=secrets.token_urlsafe(32),
        locale=i18n.normalize(debtor.language if debtor else None), created_at=at,
        expires_at=at + SESSION_IDLE,
    )  # fmt: skip
    return value, record


def current_session(
    uow: UnitOfWork, link: PortalLinkRecord, cookie: str | None, *, at: datetime
) -> PortalSessionRecord | None:
    """The live session of this cookie on this link (its idle time restarts)."""
    if not cookie or len(cookie) > 100:
        return None
    record = uow.portal.session_by_hash(_hash(cookie))
    if record is None or record.link_id != link.id or record.ended_at is not None:
        return None
    if record.expires_at <= at:
        return None
    record.expires_at = at + SESSION_IDLE
    return record


def csrf_ok(session: PortalSessionRecord, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf, str(given))


def end_session(uow: UnitOfWork, session: PortalSessionRecord, *, at: datetime) -> None:
    session.ended_at = at
    link = _link(uow, session)
    uow.audit.append(AuditEvent(occurred_at=at, actor=ACTOR, action="portal.signed_out",
                                entity="debtor", entity_id=str(link.debtor_id),
                                after={"session_id": session.id}))  # fmt: skip


def set_locale(session: PortalSessionRecord, locale: str) -> None:
    session.locale = i18n.normalize(locale)


def _link(uow: UnitOfWork, session: PortalSessionRecord) -> PortalLinkRecord:
    link = uow.portal.link(session.link_id)
    if link is None:
        raise NotFound("the link of this session is gone")
    return link


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What the debtor typed on the verification page (never stored)."""

    birth_date: str = ""
    last_digits: str = ""
    postal_code: str = ""


@dataclass(frozen=True)
class Verdict:
    status: Literal["verified", "failed", "locked", "unavailable"]
    remaining: int = 0
    locked_until: datetime | None = None
    cookie: str | None = None  # verified: the session's new cookie value (rotated)


def _squash(value: str | None) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _last4(value: str | None) -> str:
    return _squash(value)[-4:]


def _checks(debtor: DebtorRecord, account: AccountRecord, answers: Answers) -> list[bool]:
    """One result per factor we hold; the last digits match the id or the account."""
    results: list[bool] = []
    if debtor.birth_date is not None:
        results.append(_parse_date(answers.birth_date) == debtor.birth_date)
    given = _last4(answers.last_digits)
    candidates = {_last4(debtor.national_id_last4), _last4(account.account_ref)} - {""}
    results.append(len(given) == 4 and any(hmac.compare_digest(given, c) for c in candidates))
    if debtor.postal_code:
        results.append(hmac.compare_digest(_squash(answers.postal_code),
                                           _squash(debtor.postal_code)))  # fmt: skip
    return results


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def lock_state(uow: UnitOfWork, debtor_id: int, *, at: datetime) -> Verdict | None:
    """A ``locked`` verdict while the debtor is locked out, else None.

    Locked: ``MAX_FAILURES`` failures (since the last success) within any
    ``FAILURE_WINDOW``, until ``LOCKOUT`` after the last of them.
    """
    failures = uow.portal.failures_since(debtor_id, at - FAILURE_WINDOW - LOCKOUT)
    until = None
    for last in range(MAX_FAILURES - 1, len(failures)):
        if failures[last] - failures[last - MAX_FAILURES + 1] <= FAILURE_WINDOW:
            until = failures[last] + LOCKOUT
    if until is not None and until > at:
        return Verdict("locked", 0, until)
    return None


def verify(
    uow: UnitOfWork, session: PortalSessionRecord, answers: Answers, *, at: datetime,
    client_hash: str | None = None,
) -> Verdict:  # fmt: skip
    """Check the debtor's answers; record and audit the attempt; lock out after failures."""
    link = _link(uow, session)
    locked = lock_state(uow, link.debtor_id, at=at)
    if locked is not None:
        _audit_debtor(uow, link, "portal.verify_refused_locked", at,
                      {"locked_until": locked.locked_until})  # fmt: skip
        return locked
    debtor = uow.portal.debtor(link.debtor_id)
    account = uow.portal.account(link.account_id)
    if debtor is None or account is None:
        return Verdict("unavailable")
    results = _checks(debtor, account, answers)
    if len(results) < 2:
        _audit_debtor(uow, link, "portal.verify_unavailable", at, {"factors": len(results)})
        return Verdict("unavailable")
    ok = all(results)
    uow.portal.add_attempt(link_id=link.id, debtor_id=debtor.id, at=at, success=ok,
                           client_hash=client_hash)  # fmt: skip
    if ok:
        session.verified_at, session.expires_at, link.last_used_at = at, at + SESSION_IDLE, at
        cookie = _rotate(session)
        _audit_debtor(uow, link, "portal.verified", at, {"session_id": session.id})
        _interaction(uow, link, at, "portal_verified", {"session_id": session.id})
        return Verdict("verified", cookie=cookie)
    locked = lock_state(uow, debtor.id, at=at)
    failures = len(uow.portal.failures_since(debtor.id, at - FAILURE_WINDOW))
    _audit_debtor(
        uow,
        link,
        "portal.verify_failed",
        at,
        {"failures": failures, "matched": sum(results), "factors": len(results)},
    )
    if locked is not None:
        _audit_debtor(uow, link, "portal.locked_out", at, {"until": locked.locked_until})
        return locked
    return Verdict("failed", max(0, MAX_FAILURES - failures))


def _rotate(session: PortalSessionRecord) -> str:
    """New cookie and CSRF values once verified: a value known before (fixation) is worthless."""
    value = secrets.token_urlsafe(32)
    session.token_hash, session.csrf = _hash(value), secrets.token_urlsafe(32)
    return value


def _audit_debtor(
    uow: UnitOfWork, link: PortalLinkRecord, action: str, at: datetime, after: dict[str, Any]
) -> None:
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=ACTOR, action=action, entity="debtor", entity_id=str(link.debtor_id),
        after={"link_id": link.id, "account_id": link.account_id, **after},
    ))  # fmt: skip


def _interaction(
    uow: UnitOfWork, link: PortalLinkRecord, at: datetime, outcome: str,
    details: dict[str, Any], notes: str | None = None,
) -> None:  # fmt: skip
    uow.interactions.add_unique([{
        "account_id": link.account_id, "debtor_id": link.debtor_id, "channel": "portal",
        "direction": "in", "occurred_at": at, "contact_value": None, "outcome": outcome,
        "notes": notes, "template": None,
        "dedup_key": event_key("portal", outcome, str(link.id), at.isoformat(),
                               secrets.token_hex(4))[:200],
        "status": "recorded", "details": details,
    }])  # fmt: skip


# --- the verified debtor --------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """A verified session with the records a page works on."""

    session: PortalSessionRecord
    link: PortalLinkRecord
    account: AccountRecord
    debtor: DebtorRecord
    client: ClientRecord

    @property
    def zone(self) -> str | None:
        zones = list(self.debtor.time_zones or [])
        return str(zones[0]) if zones else None


def verified(uow: UnitOfWork, session: PortalSessionRecord | None) -> Verified | None:
    """The records behind a verified session; None when the session is not verified."""
    if session is None or session.verified_at is None:
        return None
    link = _link(uow, session)
    account = uow.portal.account(link.account_id)
    debtor = uow.portal.debtor(link.debtor_id)
    client = uow.portal.client(account.client_id) if account is not None else None
    if account is None or debtor is None or client is None:
        return None
    return Verified(session, link, account, debtor, client)


def audit_view(uow: UnitOfWork, who: Verified, page: str, *, at: datetime) -> None:
    """Every view of personal data is audited (which page, which session)."""
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=ACTOR, action="portal.viewed", entity="account",
        entity_id=str(who.account.id), after={"page": page, "session_id": who.session.id},
    ))  # fmt: skip


def record(
    uow: UnitOfWork, who: Verified, outcome: str, *, at: datetime,
    details: dict[str, Any] | None = None, notes: str | None = None,
    before: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """An action of the debtor: an interaction on the timeline and an audit event."""
    payload = {"session_id": who.session.id, **(details or {})}
    _interaction(uow, who.link, at, outcome, payload, notes)
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=ACTOR, action=f"portal.{outcome.removeprefix('portal_')}",
        entity="account", entity_id=str(who.account.id), before=before, after=payload,
    ))  # fmt: skip
