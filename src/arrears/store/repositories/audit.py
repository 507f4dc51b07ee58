"""The append-only, hash-chained audit trail.

Each event's hash covers its content and the previous event's hash. Events
are appended inside the caller's transaction, so an audited change and its
audit event commit or roll back together. On PostgreSQL an advisory lock
serialises appenders so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, text

from arrears.store.records import AuditEventRecord
from arrears.store.repositories.base import Repository

GENESIS = "0" * 64
_LOCK_KEY = 0x41525245  # "ARRE": any constant shared by all appenders


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What happened, ready to append."""

    occurred_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


def jsonable(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Dates and other scalars as JSON-safe values (ISO dates)."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, date | datetime):
            out[key] = value.isoformat()
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def event_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    body = json.dumps(
        {
            k: row[k]
            for k in ("occurred_at", "actor", "action", "entity", "entity_id", "before", "after")
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


class AuditRepository(Repository):
    _head: str | None = None

    def forget_head(self) -> None:
        """Called after commit/rollback: the next append reads the head again."""
        self._head = None

    def _current_head(self) -> str:
        if self._head is None:
            if self.dialect == "postgresql":
                self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            last = self.session.scalar(
                select(AuditEventRecord.hash).order_by(AuditEventRecord.id.desc()).limit(1)
            )
            self._head = last or GENESIS
        return self._head

    def append(self, event: AuditEvent) -> None:
        self.append_many([event])

    def append_many(self, events: Sequence[AuditEvent]) -> None:
        if not events:
            return
        prev = self._current_head()
        rows = []
        for event in events:
            at = event.occurred_at.astimezone(UTC)
            row = {
                "occurred_at": at,
                "actor": event.actor,
                "action": event.action,
                "entity": event.entity,
                "entity_id": event.entity_id,
                "before": jsonable(event.before),
                "after": jsonable(event.after),
            }
            digest = event_hash(prev, {**row, "occurred_at": at.isoformat()})
            rows.append({**row, "prev_hash": prev, "hash": digest})
            prev = digest
        self.session.execute(insert(AuditEventRecord), rows)
        self._head = prev

    def for_entity(self, entity: str, entity_id: str) -> list[AuditEventRecord]:
        query = (
            select(AuditEventRecord)
            .where(AuditEventRecord.entity == entity, AuditEventRecord.entity_id == entity_id)
            .order_by(AuditEventRecord.id)
        )
        return list(self.session.scalars(query))

    def count(self, action: str | None = None) -> int:
        query = select(func.count(AuditEventRecord.id))
        if action:
            query = query.where(AuditEventRecord.action == action)
        return int(self.session.scalar(query) or 0)

    def verify(self) -> int | None:
        """The id of the first event whose hash does not match, or None.

        Reads plain rows, not ORM objects: the chain is walked end to end, and
        building an object per event cost most of the time.
        """
        prev = GENESIS
        e = AuditEventRecord
        query = select(e.id, e.occurred_at, e.actor, e.action, e.entity, e.entity_id, e.before,
                       e.after, e.prev_hash, e.hash).order_by(e.id)  # fmt: skip
        rows = self.session.execute(query.execution_options(yield_per=5_000))
        for r in rows:
            row = {"occurred_at": r.occurred_at.isoformat(), "actor": r.actor, "action": r.action,
                   "entity": r.entity, "entity_id": r.entity_id, "before": r.before,
                   "after": r.after}  # fmt: skip
            if r.prev_hash != prev or event_hash(prev, row) != r.hash:
                return int(r.id)
            prev = r.hash
        return None
