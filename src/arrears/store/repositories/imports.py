"""Import runs and their counts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, select, text, update

from arrears.store.records import ImportRecord
from arrears.store.repositories.accounts import KnownAccount
from arrears.store.repositories.base import Repository, chunked, unique
from arrears.store.repositories.debtors import PAIRS_CHUNK, json_keys


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

    def known_accounts(self, client_id: int, refs: Iterable[str]) -> dict[str, KnownAccount]:
        """The client's accounts with these refs, with the hash of the row each was last
        imported from: ``AccountRepository.known`` for a batch of an import, the refs
        sent as one JSON parameter instead of an IN list of thousands."""
        out: dict[str, KnownAccount] = {}
        query = text(
            "SELECT a.account_ref, a.id, a.row_hash, a.debtor_id FROM "
            f"{json_keys(self.dialect)} CROSS JOIN accounts a "
            "WHERE a.client_id = :client AND a.account_ref = w.k"
        ).columns(account_ref=String(), id=Integer(), row_hash=String(), debtor_id=Integer())
        for part in chunked(unique(refs), PAIRS_CHUNK):
            params = {"keys": json.dumps(part), "client": client_id}
            # fetchall: one driver call per chunk, not one Result.fetchone per row.
            for ref, id_, digest, debtor_id in self.session.execute(query, params).all():
                out[ref] = KnownAccount(id_, digest, debtor_id)
        return out
