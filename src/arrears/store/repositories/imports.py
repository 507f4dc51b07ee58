"""Import runs and their counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from arrears.store.records import ImportRecord
from arrears.store.repositories.base import Repository


class ImportRepository(Repository):
    def start(self, **values: Any) -> int:
        record = ImportRecord(status="running", **values)
        self.session.add(record)
        self.session.flush()
        return record.id

    def finish(self, import_id: int, *, at: datetime, **values: Any) -> None:
        self.session.execute(
            update(ImportRecord)
            .where(ImportRecord.id == import_id)
            .values(finished_at=at, **values)
        )

    def get(self, import_id: int) -> ImportRecord | None:
        return self.session.get(ImportRecord, import_id)

    def recent(self, client_id: int | None = None, limit: int = 20) -> list[ImportRecord]:
        query = select(ImportRecord).order_by(ImportRecord.id.desc()).limit(limit)
        if client_id is not None:
            query = query.where(ImportRecord.client_id == client_id)
        return list(self.session.scalars(query))
