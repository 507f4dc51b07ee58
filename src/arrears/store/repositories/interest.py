"""The interest and fee accrual ledger: runs, ledger lines, positions, balances."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import polars as pl
from sqlalchemy import Table, bindparam, func, select, text, update

from arrears.store.queries import interest as queries
from arrears.store.records import AccountRecord
from arrears.store.records.interest import (
    InterestAccrualRecord,
    InterestPositionRecord,
    InterestRunRecord,
)
from arrears.store.repositories.base import Repository, chunked, dialect_insert

_BATCH = 5_000
_LOCK_KEY = 0x494E5452  # "INTR": serialises accrual runs on PostgreSQL


class InterestRepository(Repository):
    def candidates(
        self, through: date, account_ids: Sequence[int] | None = None
    ) -> tuple[pl.DataFrame, dict[int, list[Any]]]:
        """Open accounts not yet accrued through ``through`` (see queries.interest)."""
        return queries.accrual_candidates(self.session, through, account_ids)

    def start_run(self, *, through: date, actor: str, config_version: str, at: datetime) -> int:
        """Record a run; call it before reading candidates.

        It serialises runs: on PostgreSQL an advisory lock held to the end of the
        transaction, on SQLite the write lock this INSERT takes. A second run then
        reads the positions the first one committed and adds nothing twice.
        """
        if self.dialect == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        record = InterestRunRecord(
            through=through, actor=actor, config_version=config_version, accounts=0, rows=0,
            totals={}, started_at=at,
        )  # fmt: skip
        self.session.add(record)
        self.session.flush()
        return record.id

    def finish_run(self, run_id: int, *, accounts: int, rows: int, totals: dict[str, Any]) -> None:
        self.session.execute(
            update(InterestRunRecord)
            .where(InterestRunRecord.id == run_id)
            .values(accounts=accounts, rows=rows, totals=totals)
        )

    def insert_accruals(self, rows: Sequence[dict[str, Any]]) -> None:
        """Ledger lines in bulk; a line already there (same account, kind, end) is kept."""
        table = InterestAccrualRecord.__table__
        statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
            index_elements=["account_id", "kind", "period_to"]
        )
        for part in chunked(list(rows), _BATCH):
            self.session.execute(statement, list(part))

    def save_positions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Upsert each account's accrued-through date and carry."""
        table = InterestPositionRecord.__table__
        insert = dialect_insert(self.dialect, table)
        statement = insert.on_conflict_do_update(
            index_elements=["account_id"],
            set_={
                name: insert.excluded[name]
                for name in ("accrued_through", "carry", "carry_den", "run_id", "updated_at")
            },
        )
        for part in chunked(list(rows), _BATCH):
            self.session.execute(statement, list(part))

    def add_to_balances(self, changes: Sequence[dict[str, Any]], at: datetime) -> None:
        """Add ``interest`` and ``fees`` (minor units) to each account ``id``, in SQL."""
        table = cast(Table, AccountRecord.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                interest_minor=table.c.interest_minor + bindparam("b_interest"),
                fees_minor=table.c.fees_minor + bindparam("b_fees"),
                updated_at=at,
            )
        )
        params = [
            {"b_id": c["id"], "b_interest": c["interest"], "b_fees": c["fees"]} for c in changes
        ]
        for part in chunked(params, _BATCH):
            self.session.execute(statement, list(part))

    def ledger(self, account_id: int) -> list[dict[str, Any]]:
        return queries.ledger(self.session, account_id)

    def position(self, account_id: int) -> InterestPositionRecord | None:
        return self.session.get(InterestPositionRecord, account_id)

    def runs(self, limit: int = 20) -> list[InterestRunRecord]:
        query = select(InterestRunRecord).order_by(InterestRunRecord.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def count(self, kind: str | None = None) -> int:
        query = select(func.count(InterestAccrualRecord.id))
        if kind is not None:
            query = query.where(InterestAccrualRecord.kind == kind)
        return int(self.session.scalar(query) or 0)
