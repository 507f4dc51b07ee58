"""Clients (creditors)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from arrears.errors import NotFound
from arrears.store.records import ClientRecord
from arrears.store.repositories.base import Repository


class ClientRepository(Repository):
    def get_by_code(self, code: str) -> ClientRecord | None:
        return self.session.scalars(select(ClientRecord).where(ClientRecord.code == code)).first()

    def add(
        self,
        *,
        code: str,
        name: str,
        at: datetime,
        jurisdiction: str | None = None,
        currency: str | None = None,
    ) -> ClientRecord:
        record = ClientRecord(
            code=code,
            name=name,
            jurisdiction=jurisdiction,
            currency=currency,
            settings={},
            created_at=at,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, client_id: int) -> ClientRecord:
        record = self.session.get(ClientRecord, client_id)
        if record is None:
            raise NotFound(f"no client {client_id}")
        return record

    def code_of(self, client_id: int) -> str:
        return str(
            self.session.scalar(select(ClientRecord.code).where(ClientRecord.id == client_id))
        )

    def list(self) -> list[ClientRecord]:
        return list(self.session.scalars(select(ClientRecord).order_by(ClientRecord.code)))
