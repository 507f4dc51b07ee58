"""Interactions: every call, message, letter and reply, in and out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from arrears.store.records import InteractionRecord
from arrears.store.repositories.base import Repository, chunked, dialect_insert


class InteractionRepository(Repository):
    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunked(list(rows), 5_000):
            self.session.execute(insert(InteractionRecord), list(part))

    def add_unique(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert rows whose ``dedup_key`` is new; a key already recorded is skipped."""
        table = InteractionRecord.__table__
        added = 0
        for part in chunked(list(rows), 2_000):
            statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
                index_elements=["dedup_key"]
            )
            added += len(self.session.execute(statement.returning(table.c.id), list(part)).all())
        return added

    def by_key(self, dedup_key: str) -> InteractionRecord | None:
        query = select(InteractionRecord).where(InteractionRecord.dedup_key == dedup_key)
        return self.session.scalars(query).first()

    def count(self) -> int:
        return int(self.session.scalar(select(func.count(InteractionRecord.id))) or 0)

    def of_account(self, account_id: int, limit: int = 200) -> list[InteractionRecord]:
        query = (
            select(InteractionRecord)
            .where(InteractionRecord.account_id == account_id)
            .order_by(InteractionRecord.occurred_at.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))
