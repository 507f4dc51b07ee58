"""Accounts and B2B invoices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from arrears.errors import Conflict, NotFound
from arrears.store.records import AccountRecord, ClientRecord, InvoiceRecord
from arrears.store.repositories.base import Repository, chunked, insert_returning_ids, unique

ACCOUNT_FIELDS = (
    "account_ref",
    "debtor_id",
    "product",
    "currency",
    "principal_minor",
    "interest_minor",
    "fees_minor",
    "costs_minor",
    "credit_minor",
    "original_minor",
    "opened_on",
    "due_on",
    "charged_off_on",
    "last_payment_on",
    "last_payment_minor",
    "status",
    "jurisdiction",
    "source",
    "row_hash",
)


@dataclass(frozen=True, slots=True)
class KnownAccount:
    id: int
    row_hash: str | None
    debtor_id: int


class AccountRepository(Repository):
    def known(self, client_id: int, refs: Iterable[str]) -> dict[str, KnownAccount]:
        """Accounts of the client with these refs, with the hash of their last row."""
        out: dict[str, KnownAccount] = {}
        for part in chunked(unique(refs)):
            query = select(
                AccountRecord.account_ref,
                AccountRecord.id,
                AccountRecord.row_hash,
                AccountRecord.debtor_id,
            ).where(AccountRecord.client_id == client_id, AccountRecord.account_ref.in_(part))
            for ref, id_, digest, debtor_id in self.session.execute(query):
                out[ref] = KnownAccount(id_, digest, debtor_id)
        return out

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        return insert_returning_ids(self.session, AccountRecord.__table__, rows)

    def get_many(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        columns = [AccountRecord.id, *(getattr(AccountRecord, f) for f in ACCOUNT_FIELDS)]
        for part in chunked(unique(ids)):
            for row in self.session.execute(select(*columns).where(AccountRecord.id.in_(part))):
                out[row.id] = dict(row._mapping)
        return out

    def get(self, account_id: int) -> AccountRecord:
        """The account with this id; NotFound when there is none."""
        record = self.session.get(AccountRecord, account_id)
        if record is None:
            raise NotFound(f"no account {account_id}")
        return record

    def find(self, ref: str, client: str | None = None) -> AccountRecord | None:
        """An account by its ref (and client code when refs repeat across clients)."""
        query = select(AccountRecord).where(AccountRecord.account_ref == ref)
        if client is not None:
            query = query.join(ClientRecord, ClientRecord.id == AccountRecord.client_id).where(
                ClientRecord.code == client
            )
        found = list(self.session.scalars(query.limit(2)))
        if len(found) > 1:
            raise Conflict(f"account '{ref}' exists for several clients: name one with --client")
        return found[0] if found else None

    def get_by_ref(self, client_id: int, ref: str) -> AccountRecord | None:
        query = select(AccountRecord).where(
            AccountRecord.client_id == client_id, AccountRecord.account_ref == ref
        )
        return self.session.scalars(query).first()

    def update_many(self, changes: Sequence[dict[str, Any]]) -> None:
        """Apply per-account changes; each dict has ``id`` and the new values."""
        for values in changes:
            fields = {k: v for k, v in values.items() if k != "id"}
            self.session.execute(
                update(AccountRecord).where(AccountRecord.id == values["id"]).values(**fields)
            )

    def set_state(self, changes: Sequence[dict[str, Any]]) -> None:
        """Bulk by id: each dict has ``id`` and the new ``status`` and/or ``holds``."""
        for part in chunked(list(changes), 5_000):
            self.session.execute(update(AccountRecord), list(part))

    def touch_hashes(self, pairs: Sequence[tuple[int, str]], at: datetime) -> None:
        """Remember the row a changed-but-equivalent account was read from."""
        if not pairs:
            return
        # ORM bulk UPDATE by primary key: one executemany.
        self.session.execute(
            update(AccountRecord), [{"id": i, "row_hash": h, "updated_at": at} for i, h in pairs]
        )

    def count(self, client_id: int | None = None) -> int:
        query = select(func.count(AccountRecord.id))
        if client_id is not None:
            query = query.where(AccountRecord.client_id == client_id)
        return int(self.session.scalar(query) or 0)

    # -- invoices ---------------------------------------------------------------
    def known_invoices(
        self, account_ids: Iterable[int]
    ) -> dict[tuple[int, str], tuple[int, str | None]]:
        out: dict[tuple[int, str], tuple[int, str | None]] = {}
        for part in chunked(unique(account_ids)):
            query = select(
                InvoiceRecord.account_id,
                InvoiceRecord.invoice_no,
                InvoiceRecord.id,
                InvoiceRecord.row_hash,
            ).where(InvoiceRecord.account_id.in_(part))
            for account_id, number, id_, digest in self.session.execute(query):
                out[(account_id, number)] = (id_, digest)
        return out

    def insert_invoices(self, rows: Sequence[dict[str, Any]]) -> None:
        insert_returning_ids(self.session, InvoiceRecord.__table__, rows)

    def update_invoice(self, invoice_id: int, values: dict[str, Any]) -> None:
        self.session.execute(
            update(InvoiceRecord).where(InvoiceRecord.id == invoice_id).values(**values)
        )

    def invoices_of(self, account_id: int) -> list[InvoiceRecord]:
        query = (
            select(InvoiceRecord)
            .where(InvoiceRecord.account_id == account_id)
            .order_by(InvoiceRecord.due_on, InvoiceRecord.invoice_no)
        )
        return list(self.session.scalars(query))

    def roll_up_invoices(self, account_ids: Iterable[int], at: datetime) -> None:
        """A B2B account's balance is its open invoices'; its due date the oldest one's."""
        i = InvoiceRecord
        for part in chunked(unique(account_ids)):
            query = (
                select(
                    i.account_id,
                    func.sum(i.open_minor),
                    func.sum(i.interest_minor),
                    func.sum(i.fees_minor),
                    func.sum(i.costs_minor),
                    func.min(i.due_on),
                    func.sum(i.amount_minor),
                )
                .where(
                    i.account_id.in_(part),
                    (i.open_minor + i.interest_minor + i.fees_minor + i.costs_minor) > 0,
                )
                .group_by(i.account_id)
            )
            for account_id, principal, interest, fees, costs, due, original in self.session.execute(
                query
            ):
                self.session.execute(
                    update(AccountRecord)
                    .where(AccountRecord.id == account_id)
                    .values(
                        principal_minor=int(principal),
                        interest_minor=int(interest),
                        fees_minor=int(fees),
                        costs_minor=int(costs),
                        due_on=due,
                        original_minor=int(original),
                        updated_at=at,
                    )
                )
