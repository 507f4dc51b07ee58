"""The model registry and the scores: versions, statuses, bulk writes of a day's scores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select

from arrears.errors import NotFound
from arrears.store.records.scoring import AccountScoreRecord, ModelRecord
from arrears.store.repositories.base import Repository, chunked

ACTIVE = ("champion", "challenger")
WRITE_CHUNK = 2_000  # rows an INSERT: 11 columns stay under SQLite's parameter limit


class ScoringRepository(Repository):
    def add_model(self, **values: Any) -> ModelRecord:
        record = ModelRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def model(self, version: str) -> ModelRecord:
        record = self.session.scalars(
            select(ModelRecord).where(ModelRecord.version == version)
        ).first()
        if record is None:
            raise NotFound(f"no model version {version!r} (arrears model list shows them)")
        return record

    def models(self, name: str | None = None) -> Sequence[ModelRecord]:
        query = select(ModelRecord).order_by(ModelRecord.name, ModelRecord.id)
        if name is not None:
            query = query.where(ModelRecord.name == name)
        return self.session.scalars(query).all()

    def next_version(self, name: str) -> str:
        """``name-vN`` with N one past the versions of ``name`` so far."""
        count = self.session.scalar(select(func.count()).where(ModelRecord.name == name)) or 0
        return f"{name}-v{count + 1}"

    def active(self, name: str) -> list[ModelRecord]:
        """The champion and challengers of ``name``, champion first."""
        rows = self.session.scalars(
            select(ModelRecord)
            .where(ModelRecord.name == name, ModelRecord.status.in_(ACTIVE))
            .order_by(ModelRecord.id)
        ).all()
        return sorted(rows, key=lambda r: r.status != "champion")

    def names(self) -> list[str]:
        return list(self.session.scalars(select(ModelRecord.name).distinct().order_by(
            ModelRecord.name)))  # fmt: skip

    def clear_scores(self, as_of: date, model_ids: Sequence[int]) -> None:
        """Forget the day's scores of these models (a re-run of the day replaces them)."""
        self.session.execute(
            delete(AccountScoreRecord).where(
                AccountScoreRecord.as_of == as_of, AccountScoreRecord.model_id.in_(model_ids)
            )
        )

    def add_scores(self, rows: Sequence[dict[str, Any]]) -> int:
        for chunk in chunked(list(rows), WRITE_CHUNK):
            self.session.execute(insert(AccountScoreRecord), list(chunk))
        return len(rows)

    def score_days(self, model_id: int) -> list[date]:
        query = (
            select(AccountScoreRecord.as_of)
            .where(AccountScoreRecord.model_id == model_id)
            .distinct()
            .order_by(AccountScoreRecord.as_of)
        )
        return list(self.session.scalars(query))

    def of_account(self, account_id: int, limit: int = 10) -> Sequence[AccountScoreRecord]:
        """The account's newest scores (the used one of each day first)."""
        query = (
            select(AccountScoreRecord)
            .where(AccountScoreRecord.account_id == account_id)
            .order_by(AccountScoreRecord.as_of.desc(), AccountScoreRecord.used.desc())
            .limit(limit)
        )
        return self.session.scalars(query).all()

    def count(self, as_of: date | None = None) -> int:
        query = select(func.count()).select_from(AccountScoreRecord)
        if as_of is not None:
            query = query.where(AccountScoreRecord.as_of == as_of)
        return int(self.session.scalar(query) or 0)
