"""Plan runs, planned actions and the accounts' strategy assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from arrears.store.records import AccountRecord, PlannedActionRecord, PlanRunRecord
from arrears.store.repositories.base import Repository, chunked


class PlanRepository(Repository):
    def resumable(self, plan_date: date) -> PlanRunRecord | None:
        """The latest run of this date when it did not finish (killed or failed)."""
        query = (
            select(PlanRunRecord)
            .where(PlanRunRecord.plan_date == plan_date)
            .order_by(PlanRunRecord.id.desc())
            .limit(1)
        )
        run = self.session.scalars(query).first()
        return run if run is not None and run.status != "done" else None

    def get_run(self, run_id: int) -> PlanRunRecord:
        run = self.session.get(PlanRunRecord, run_id)
        if run is None:
            raise LookupError(f"plan run {run_id} does not exist")
        return run

    def start(self, **values: Any) -> PlanRunRecord:
        run = PlanRunRecord(status="running", partitions_done=[], counts={}, **values)
        self.session.add(run)
        self.session.flush()
        return run

    def mark_done(self, run: PlanRunRecord, partition: int) -> None:
        run.partitions_done = sorted({*run.partitions_done, partition})

    def finish(self, run: PlanRunRecord, *, at: datetime, status: str, **values: Any) -> None:
        run.status = status
        run.finished_at = at
        for key, value in values.items():
            setattr(run, key, value)

    def replace_partition(
        self, plan_date: date, partition: int, rows: Sequence[dict[str, Any]]
    ) -> None:
        """Delete this partition's actions of the date and insert the new ones."""
        self.session.execute(
            delete(PlannedActionRecord).where(
                PlannedActionRecord.plan_date == plan_date,
                PlannedActionRecord.partition == partition,
            )
        )
        for part in chunked(list(rows), 5_000):
            self.session.execute(insert(PlannedActionRecord), list(part))

    def assign(self, changes: Sequence[dict[str, Any]]) -> None:
        """Record strategy, segment (and since when) and arms on accounts (bulk, by id)."""
        for part in chunked(list(changes), 5_000):
            self.session.execute(update(AccountRecord), list(part))

    def summary(self, plan_date: date) -> list[tuple[str, str | None, int]]:
        """(status, channel, count) for the date."""
        p = PlannedActionRecord
        query = (
            select(p.status, p.channel, func.count(p.id))
            .where(p.plan_date == plan_date)
            .group_by(p.status, p.channel)
            .order_by(p.status, p.channel)
        )
        return [(s, c, int(n)) for s, c, n in self.session.execute(query)]

    def top_suppressions(self, plan_date: date, limit: int = 10) -> list[tuple[str, int]]:
        p = PlannedActionRecord
        query = (
            select(p.suppressed_by, func.count(p.id))
            .where(p.plan_date == plan_date, p.status == "suppressed")
            .group_by(p.suppressed_by)
            .order_by(func.count(p.id).desc(), p.suppressed_by)
            .limit(limit)
        )
        return [(str(rule), int(n)) for rule, n in self.session.execute(query)]

    def for_account(
        self, account_id: int, plan_date: date | None = None
    ) -> list[PlannedActionRecord]:
        p = PlannedActionRecord
        query = select(p).where(p.account_id == account_id)
        if plan_date is None:
            latest = select(func.max(p.plan_date)).where(p.account_id == account_id)
            query = query.where(p.plan_date == latest.scalar_subquery())
        else:
            query = query.where(p.plan_date == plan_date)
        return list(self.session.scalars(query.order_by(p.priority.desc(), p.id)))

    def latest_date(self) -> date | None:
        """The date of the latest finished plan."""
        query = select(func.max(PlanRunRecord.plan_date)).where(PlanRunRecord.status == "done")
        return self.session.scalar(query)

    def count(self, plan_date: date) -> int:
        p = PlannedActionRecord
        query = select(func.count(p.id)).where(p.plan_date == plan_date)
        return int(self.session.scalar(query) or 0)

    def open_account_count(self, client_id: int | None = None) -> int:
        a = AccountRecord
        query = select(func.count(a.id)).where(
            a.status.in_(
                ("active", "promised", "in_plan", "disputed", "on_hold", "legal", "placed")
            )
        )
        if client_id is not None:
            query = query.where(a.client_id == client_id)
        return int(self.session.scalar(query) or 0)
