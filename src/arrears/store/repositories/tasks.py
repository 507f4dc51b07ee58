"""Tasks: create (idempotently), list open work, close with an outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from arrears.errors import Conflict, NotFound
from arrears.store.records.tasks import TaskRecord
from arrears.store.repositories.base import Repository


class TaskRepository(Repository):
    def add(self, **values: Any) -> TaskRecord:
        """A new task; with a ``dedup_key`` already used, the existing task instead."""
        key = values.get("dedup_key")
        if key is not None:
            existing = self.session.scalars(
                select(TaskRecord).where(TaskRecord.dedup_key == key)
            ).first()
            if existing is not None:
                return existing
        record = TaskRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, task_id: int) -> TaskRecord:
        record = self.session.get(TaskRecord, task_id)
        if record is None:
            raise NotFound(f"no task {task_id}")
        return record

    def listing(
        self,
        *,
        status: str | None = "open",
        kind: str | None = None,
        account_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[TaskRecord]:
        query = select(TaskRecord).order_by(TaskRecord.due_at.is_(None), TaskRecord.due_at,
                                            TaskRecord.id).limit(limit)  # fmt: skip
        if status is not None:
            query = query.where(TaskRecord.status == status)
        if kind is not None:
            query = query.where(TaskRecord.kind == kind)
        if account_id is not None:
            query = query.where(TaskRecord.account_id == account_id)
        return self.session.scalars(query).all()

    def close(
        self, task_id: int, *, by: str, at: datetime, outcome: str | None, status: str = "done"
    ) -> TaskRecord:
        record = self.get(task_id)
        if record.status != "open":
            raise Conflict(f"task {task_id} is already {record.status}")
        record.status, record.closed_by, record.closed_at = status, by, at
        record.outcome = outcome
        return record
