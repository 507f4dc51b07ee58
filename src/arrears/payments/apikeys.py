"""API keys for the payments JSON API: issue, authenticate, revoke.

A key is ``ak_<prefix>_<secret>``: ``prefix`` (8 hex digits) is stored in clear
to tell keys apart in listings; the whole key is stored only as its SHA-256
(32 random bytes of secret make a slow hash unnecessary). The key is shown
once, when it is issued, and never written to logs or the audit trail. Each
key belongs to one client and carries scopes:

- ``payments:write`` — record payments and reversals;
- ``accounts:read`` — read balances and payments of the client's accounts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

SCOPES: tuple[str, ...] = ("payments:write", "accounts:read")
_MARK = "ak_"
_MAX_LENGTH = 128


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: int
    prefix: str
    key: str  # shown once; not stored
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    """Who is calling: the key's id, its client and what it may do."""

    key_id: int
    client_id: int
    prefix: str
    scopes: tuple[str, ...]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_key(
    *,
    uow: UnitOfWork,
    client_id: int,
    name: str,
    scopes: Sequence[str] = SCOPES,
    at: datetime,
    actor: str,
) -> IssuedKey:
    """A new key for the client (the caller shows ``key`` once)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("a key needs a name of 1 to 100 characters")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput(f"scopes must be some of {', '.join(SCOPES)}")
    prefix = secrets.token_hex(4)
    key = f"{_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    record = uow.gateway.add_api_key(
        client_id=client_id,
        name=name,
        prefix=prefix,
        key_hash=key_hash(key),
        scopes=sorted(set(scopes)),
        created_by=actor,
        created_at=at,
    )
    _audit(uow, "api_key.created", record.id, client_id, prefix, name, at, actor)
    return IssuedKey(record.id, prefix, key, tuple(sorted(set(scopes))))


def authenticate(*, uow: UnitOfWork, key: str, at: datetime) -> ApiPrincipal | None:
    """The principal of a valid, unrevoked key; ``None`` for anything else."""
    if not key.startswith(_MARK) or len(key) > _MAX_LENGTH:
        return None
    record = uow.gateway.api_key_by_hash(key_hash(key))
    if record is None or record.revoked_at is not None:
        return None
    record.last_used_at = at
    return ApiPrincipal(record.id, record.client_id, record.prefix, tuple(record.scopes))


def revoke_key(*, uow: UnitOfWork, prefix: str, at: datetime, actor: str) -> None:
    """Revoke the key with ``prefix``; it stops working at once."""
    record = uow.gateway.api_key_by_prefix(prefix)
    if record is None:
        raise NotFound(f"no API key with prefix '{prefix}'")
    if record.revoked_at is not None:
        raise Conflict(f"API key '{prefix}' is already revoked")
    record.revoked_at = at
    _audit(uow, "api_key.revoked", record.id, record.client_id, prefix, record.name, at, actor)


def _audit(
    uow: UnitOfWork,
    action: str,
    key_id: int,
    client_id: int,
    prefix: str,
    name: str,
    at: datetime,
    actor: str,
) -> None:
    after = {"client_id": client_id, "prefix": prefix, "name": name}
    uow.audit.append(
        AuditEvent(occurred_at=at, actor=actor, action=action, entity="api_key",
                   entity_id=str(key_id), before=None, after=after)
    )  # fmt: skip
