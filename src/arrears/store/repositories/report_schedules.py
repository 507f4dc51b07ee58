"""Scheduled report e-mails: the schedules people subscribe and each run's rendered file.

A schedule is due when it is active and its ``next_run_at`` has passed. A run is
a ``report_deliveries`` row, unique per schedule and slot: ``add_delivery``
returns None when the slot was already rendered, which is what makes the chore
safe to run twice. The dispatcher reads a delivery's file when it sends the
staff messages that point at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from arrears.store.records.analytics import ReportDeliveryRecord, ReportScheduleRecord
from arrears.store.repositories.base import Repository, dialect_insert


class ReportScheduleRepository(Repository):
    def add(self, **values: Any) -> ReportScheduleRecord:
        record = ReportScheduleRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, schedule_id: int) -> ReportScheduleRecord | None:
        found = self.session.get(ReportScheduleRecord, schedule_id)
        return None if found is None or found.status == "removed" else found

    def listing(self, *, created_by: str | None = None) -> list[ReportScheduleRecord]:
        """Every schedule not removed (one person's when ``created_by`` is given), oldest first."""
        r = ReportScheduleRecord
        query = select(r).where(r.status != "removed").order_by(r.id)
        if created_by is not None:
            query = query.where(r.created_by == created_by)
        return list(self.session.scalars(query))

    def due(self, now: datetime) -> list[ReportScheduleRecord]:
        r = ReportScheduleRecord
        query = select(r).where(r.status == "active", r.next_run_at <= now).order_by(r.id)
        return list(self.session.scalars(query))

    def add_delivery(self, **values: Any) -> int | None:
        """The new run's id; None when this schedule's slot already has one."""
        table = ReportDeliveryRecord.__table__
        statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
            index_elements=["schedule_id", "run_at"]
        )
        row = self.session.execute(statement.returning(table.c.id), [values]).first()
        return None if row is None else int(row[0])

    def deliveries(self, ids: Sequence[int]) -> dict[int, ReportDeliveryRecord]:
        d = ReportDeliveryRecord
        found = self.session.scalars(select(d).where(d.id.in_(list(ids))))
        return {r.id: r for r in found}

    def deliveries_of(self, schedule_id: int) -> list[ReportDeliveryRecord]:
        d = ReportDeliveryRecord
        query = select(d).where(d.schedule_id == schedule_id).order_by(d.run_at)
        return list(self.session.scalars(query))
