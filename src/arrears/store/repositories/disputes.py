"""Disputes, documents and the contact preferences a debtor sets themselves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from arrears.errors import NotFound
from arrears.store.records import ContactPointRecord, DebtorRecord
from arrears.store.records.disputes import DisputeRecord, DocumentRecord
from arrears.store.repositories.base import Repository


class DisputeRepository(Repository):
    def add(self, **values: Any) -> DisputeRecord:
        record = DisputeRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def get(self, dispute_id: int) -> DisputeRecord:
        record = self.session.get(DisputeRecord, dispute_id)
        if record is None:
            raise NotFound(f"no dispute {dispute_id}")
        return record

    def of_account(self, account_id: int) -> Sequence[DisputeRecord]:
        d = DisputeRecord
        return self.session.scalars(
            select(d).where(d.account_id == account_id).order_by(d.opened_at, d.id)
        ).all()

    def listing(self, *, status: str | None = "open", limit: int = 100) -> Sequence[DisputeRecord]:
        d = DisputeRecord
        query = select(d).order_by(d.opened_at, d.id).limit(limit)
        if status is not None:
            query = query.where(d.status == status)
        return self.session.scalars(query).all()

    def add_document(self, **values: Any) -> DocumentRecord:
        record = DocumentRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def documents(self, account_id: int) -> Sequence[DocumentRecord]:
        d = DocumentRecord
        return self.session.scalars(
            select(d).where(d.account_id == account_id).order_by(d.created_at, d.id)
        ).all()

    def document(self, account_id: int, document_id: int) -> DocumentRecord:
        """The document, only when it belongs to ``account_id`` (no reading across accounts)."""
        record = self.session.get(DocumentRecord, document_id)
        if record is None or record.account_id != account_id:
            raise NotFound(f"no document {document_id} on this account")
        return record

    def debtor(self, debtor_id: int) -> DebtorRecord:
        record = self.session.get(DebtorRecord, debtor_id)
        if record is None:
            raise NotFound(f"no debtor {debtor_id}")
        return record

    def contact_points(self, debtor_id: int) -> Sequence[ContactPointRecord]:
        p = ContactPointRecord
        return self.session.scalars(
            select(p).where(p.debtor_id == debtor_id).order_by(p.kind, p.id)
        ).all()
