"""Interactions: every call, message, letter and reply, in and out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from arrears.store.records import InteractionRecord
from arrears.store.repositories.base import Repository, chunked


class InteractionRepository(Repository):
    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        for part in chunked(list(rows), 5_000):
            self.session.execute(insert(InteractionRecord), list(part))

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
