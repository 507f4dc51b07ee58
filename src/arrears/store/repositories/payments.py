"""Payments and reversals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from arrears.errors import Conflict
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.repositories.base import Repository, chunked, unique


class PaymentRepository(Repository):
    def known(self, client_id: int, references: Iterable[str]) -> dict[str, str | None]:
        """Payments already recorded under these references, with their row hashes."""
        out: dict[str, str | None] = {}
        for part in chunked(unique(references)):
            query = select(PaymentRecord.reference, PaymentRecord.row_hash).where(
                PaymentRecord.client_id == client_id, PaymentRecord.reference.in_(part)
            )
            out.update({ref: digest for ref, digest in self.session.execute(query)})
        return out

    def add(self, **values: Any) -> PaymentRecord:
        """Store a payment; Conflict when its reference was recorded meanwhile.

        Two requests carrying the same new reference can both pass the caller's
        "already recorded?" check when they run at once in two processes; the unique
        key then refuses the second, which is a conflict to retry, not a server error.
        """
        record = PaymentRecord(**values)
        self.session.add(record)
        try:
            self.session.flush()
        except IntegrityError:
            raise Conflict(
                f"payment reference '{values.get('reference')}' was recorded by another "
                "request at the same moment: retry to get its result"
            ) from None
        return record

    def by_reference(self, client_id: int, reference: str) -> PaymentRecord | None:
        query = select(PaymentRecord).where(
            PaymentRecord.client_id == client_id, PaymentRecord.reference == reference
        )
        return self.session.scalars(query).first()

    def latest_unreversed(self, account_id: int, amount_minor: int) -> PaymentRecord | None:
        query = (
            select(PaymentRecord)
            .where(
                PaymentRecord.account_id == account_id,
                PaymentRecord.kind == "payment",
                PaymentRecord.amount_minor == amount_minor,
                PaymentRecord.reversed_by_id.is_(None),
            )
            .order_by(PaymentRecord.paid_on.desc(), PaymentRecord.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def latest_standing(self, account_id: int) -> PaymentRecord | None:
        """The latest payment of the account that has not been reversed."""
        p = PaymentRecord
        query = (
            select(p)
            .where(p.account_id == account_id, p.kind == "payment", p.reversed_by_id.is_(None))
            .order_by(p.paid_on.desc(), p.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def mark_reversed(self, payment_id: int, reversal_id: int) -> None:
        self.session.execute(
            update(PaymentRecord)
            .where(PaymentRecord.id == payment_id)
            .values(reversed_by_id=reversal_id)
        )

    def of_account(self, account_id: int) -> list[PaymentRecord]:
        query = (
            select(PaymentRecord)
            .where(PaymentRecord.account_id == account_id)
            .order_by(PaymentRecord.paid_on, PaymentRecord.id)
        )
        return list(self.session.scalars(query))

    def accounts_for_update(self, client_id: int, refs: Iterable[str]) -> dict[str, AccountRecord]:
        out: dict[str, AccountRecord] = {}
        for part in chunked(unique(refs)):
            query = select(AccountRecord).where(
                AccountRecord.client_id == client_id, AccountRecord.account_ref.in_(part)
            )
            if self.dialect == "postgresql":
                query = query.with_for_update()
            out.update({record.account_ref: record for record in self.session.scalars(query)})
        return out

    def total(self, client_id: int) -> int:
        query = select(func.count(PaymentRecord.id)).where(PaymentRecord.client_id == client_id)
        return int(self.session.scalar(query) or 0)
