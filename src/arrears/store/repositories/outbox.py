"""The outbox: enqueueing planned messages, claiming due rows, recording outcomes.

Claiming is the heart of it. A worker takes up to ``limit`` due rows in one
statement and marks them ``sending`` with a lease; on PostgreSQL the inner
select uses ``FOR UPDATE SKIP LOCKED`` so several workers never take the same
row and never wait on each other; SQLite has one writer at a time, so one
worker is the rule there. A row whose lease ran out (its worker died) is due
again and is retried with the same deduplication key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update

from arrears.core.dedup import planned_key
from arrears.store.records import (
    ChannelConfigRecord,
    OutboxAttemptRecord,
    OutboxRecord,
    PlannedActionRecord,
)
from arrears.store.repositories.base import Repository, chunked, dialect_insert

# Channels whose planned actions become outbox rows; calls go to the dialler list.
AUTOMATED = ("sms", "email", "letter")


class OutboxRepository(Repository):
    def enqueue_planned(self, plan_date: date, partition: int, now: datetime) -> int:
        """Outbox rows for the partition's planned automated messages; returns how many are new.

        Runs in the transaction that wrote the plan. Re-running a day's plan keeps
        rows already there (same key) and cancels pending rows the new plan dropped.
        """
        planned = self._planned_messages(plan_date, partition)
        rows = [self._row(p, plan_date, partition, now) for p in planned]
        added = 0
        table = OutboxRecord.__table__
        for part in chunked(rows, 2_000):
            statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
                index_elements=["dedup_key"]
            )
            result = self.session.execute(statement.returning(table.c.id), list(part))
            added += len(result.all())
        self._cancel_dropped(plan_date, partition, {r["dedup_key"] for r in rows}, now)
        return added

    def _planned_messages(self, plan_date: date, partition: int) -> list[Any]:
        p = PlannedActionRecord
        query = select(
            p.account_id, p.debtor_id, p.client_id, p.channel, p.template, p.action, p.step,
            p.strategy, p.strategy_version, p.contact_to, p.priority, p.not_before,
        ).where(
            p.plan_date == plan_date, p.partition == partition, p.status == "planned",
            p.channel.in_(AUTOMATED), p.contact_to.is_not(None),
        )  # fmt: skip
        return list(self.session.execute(query))

    @staticmethod
    def _row(p: Any, plan_date: date, partition: int, now: datetime) -> dict[str, Any]:
        template = p.template
        if template is None and p.action and ":" in p.action:
            template = p.action.split(":", 1)[1]  # letter:formal_demand -> formal_demand
        return {
            "dedup_key": planned_key(plan_date, p.account_id, p.step, p.channel),
            "plan_date": plan_date, "partition": partition, "account_id": p.account_id,
            "debtor_id": p.debtor_id, "client_id": p.client_id, "channel": p.channel,
            "template": template, "step": p.step, "strategy": p.strategy,
            "strategy_version": p.strategy_version, "contact_to": p.contact_to,
            "priority": p.priority, "status": "pending", "attempts": 0,
            "not_before": p.not_before or now, "findings": [], "details": {},
            "created_at": now, "updated_at": now,
        }  # fmt: skip

    def _cancel_dropped(
        self, plan_date: date, partition: int, keep: set[str], now: datetime
    ) -> None:
        o = OutboxRecord
        pending = select(o.id, o.dedup_key).where(
            o.plan_date == plan_date, o.partition == partition, o.status == "pending"
        )
        dropped = [id_ for id_, key in self.session.execute(pending) if key not in keep]
        for part in chunked(dropped):
            self.session.execute(
                update(o).where(o.id.in_(part)).values(
                    status="cancelled", last_error="no longer in the day's plan", updated_at=now
                )
            )  # fmt: skip

    def add(self, **values: Any) -> int | None:
        """One message outside the plan; None when its key is already in the outbox."""
        table = OutboxRecord.__table__
        defaults = {"status": "pending", "attempts": 0, "findings": [], "details": {}}
        statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
            index_elements=["dedup_key"]
        )
        row = self.session.execute(
            statement.returning(table.c.id), [{**defaults, **values}]
        ).first()
        return None if row is None else int(row[0])

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk insert (tools and benchmarks); keys must be new."""
        defaults = {"status": "pending", "attempts": 0, "findings": [], "details": {}}
        for part in chunked(list(rows), 5_000):
            self.session.execute(insert(OutboxRecord), [{**defaults, **r} for r in part])

    def claim(
        self, worker: str, now: datetime, limit: int, lease: timedelta, channels: Sequence[str] = ()
    ) -> list[OutboxRecord]:
        """Take up to ``limit`` due rows: pending and due, or sending with a lapsed lease."""
        o = OutboxRecord
        due = or_(
            and_(o.status == "pending", o.not_before <= now),
            and_(o.status == "sending", o.lease_until < now),
        )
        inner = select(o.id).where(due)
        if channels:
            inner = inner.where(o.channel.in_(list(channels)))
        inner = inner.order_by(o.not_before, o.priority.desc(), o.id).limit(limit)
        if self.dialect == "postgresql":
            inner = inner.with_for_update(skip_locked=True)
        statement = (
            update(o)
            .where(o.id.in_(inner.scalar_subquery()))
            .values(status="sending", lease_owner=worker, lease_until=now + lease,
                    attempts=o.attempts + 1, updated_at=now)
            .returning(o)
        )  # fmt: skip
        claimed = list(
            self.session.scalars(statement, execution_options={"synchronize_session": False})
        )
        return sorted(claimed, key=lambda r: r.id)

    def settle(self, changes: Sequence[dict[str, Any]]) -> None:
        """Write the outcome of claimed rows (bulk update by primary key ``id``)."""
        for part in chunked(list(changes), 2_000):
            self.session.execute(update(OutboxRecord), list(part))

    def log_attempts(self, attempts: Sequence[dict[str, Any]]) -> None:
        for part in chunked(list(attempts), 5_000):
            self.session.execute(insert(OutboxAttemptRecord), list(part))

    def attempts_of(self, outbox_id: int) -> list[OutboxAttemptRecord]:
        a = OutboxAttemptRecord
        query = select(a).where(a.outbox_id == outbox_id).order_by(a.id)
        return list(self.session.scalars(query))

    def get(self, outbox_id: int) -> OutboxRecord | None:
        return self.session.get(OutboxRecord, outbox_id)

    def by_key(self, dedup_key: str) -> OutboxRecord | None:
        return self.session.scalars(
            select(OutboxRecord).where(OutboxRecord.dedup_key == dedup_key)
        ).first()

    def by_provider_id(self, channel: str, provider_id: str) -> OutboxRecord | None:
        o = OutboxRecord
        query = select(o).where(o.channel == channel, o.provider_id == provider_id)
        return self.session.scalars(query).first()

    def requeue(self, now: datetime, ids: Sequence[int] = (), status: str | None = None) -> int:
        """Make dead, held or cancelled rows pending again (by id, or every row of a status)."""
        o = OutboxRecord
        query = update(o).where(o.status.in_(("dead", "held", "cancelled")))
        if ids:
            query = query.where(o.id.in_(list(ids)))
        elif status is not None:
            query = query.where(o.status == status)
        else:
            return 0
        values = {"status": "pending", "not_before": now, "attempts": 0, "updated_at": now}
        return int(self.session.execute(query.values(**values)).rowcount or 0)  # type: ignore[attr-defined]

    def counts(self, plan_date: date | None = None) -> list[tuple[str, str, int]]:
        """(channel, status, count), for one plan date or all."""
        o = OutboxRecord
        query = select(o.channel, o.status, func.count(o.id)).group_by(o.channel, o.status)
        if plan_date is not None:
            query = query.where(o.plan_date == plan_date)
        return [
            (c, s, int(n)) for c, s, n in self.session.execute(query.order_by(o.channel, o.status))
        ]

    def listing(
        self, status: str | None = None, channel: str | None = None, limit: int = 50
    ) -> list[OutboxRecord]:
        o = OutboxRecord
        query = select(o)
        if status is not None:
            query = query.where(o.status == status)
        if channel is not None:
            query = query.where(o.channel == channel)
        return list(
            self.session.scalars(query.order_by(o.updated_at.desc(), o.id.desc()).limit(limit))
        )

    # Channel configuration -------------------------------------------------------------

    def channel_configs(self) -> list[ChannelConfigRecord]:
        c = ChannelConfigRecord
        return list(
            self.session.scalars(select(c).where(c.active).order_by(c.client_id, c.channel))
        )

    def set_channel_config(
        self,
        client_id: int | None,
        channel: str,
        adapter: str,
        settings: dict[str, Any],
        sender: str | None,
        now: datetime,
    ) -> ChannelConfigRecord:
        c = ChannelConfigRecord
        query = select(c).where(c.channel == channel)
        query = query.where(
            c.client_id.is_(None) if client_id is None else c.client_id == client_id
        )
        record = self.session.scalars(query).first()
        if record is None:
            record = ChannelConfigRecord(client_id=client_id, channel=channel)
            self.session.add(record)
        record.adapter, record.settings, record.sender = adapter, settings, sender
        record.active, record.updated_at = True, now
        self.session.flush()
        return record
