"""The debtor portal: links, verification attempts and sessions (all its SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from arrears.store.records.accounts import AccountRecord, PaymentRecord
from arrears.store.records.parties import ClientRecord, ContactPointRecord, DebtorRecord
from arrears.store.records.portal import (
    PortalAttemptRecord,
    PortalLinkRecord,
    PortalSessionRecord,
)
from arrears.store.repositories.base import Repository


class PortalRepository(Repository):
    # --- links -----------------------------------------------------------------------
    def add_link(
        self, *, link_key: str, account_id: int, debtor_id: int, issued_at: datetime,
        expires_at: datetime, issued_by: str,
    ) -> PortalLinkRecord:  # fmt: skip
        record = PortalLinkRecord(
            link_key=link_key, account_id=account_id, debtor_id=debtor_id, issued_at=issued_at,
            expires_at=expires_at, issued_by=issued_by,
        )  # fmt: skip
        self.session.add(record)
        self.session.flush()
        return record

    def link_by_key(self, link_key: str) -> PortalLinkRecord | None:
        query = select(PortalLinkRecord).where(PortalLinkRecord.link_key == link_key)
        return self.session.scalars(query).first()

    def link(self, link_id: int) -> PortalLinkRecord | None:
        return self.session.get(PortalLinkRecord, link_id)

    def links_of_account(self, account_id: int) -> Sequence[PortalLinkRecord]:
        query = (
            select(PortalLinkRecord)
            .where(PortalLinkRecord.account_id == account_id)
            .order_by(PortalLinkRecord.id)
        )
        return self.session.scalars(query).all()

    def verifiable_account(self, client_ids: Sequence[int]) -> AccountRecord | None:
        """The first open account whose debtor can pass the identity check (demos)."""
        query = (
            select(AccountRecord)
            .join(DebtorRecord, DebtorRecord.id == AccountRecord.debtor_id)
            .where(
                AccountRecord.status.in_(("active", "promised")),
                DebtorRecord.kind == "person",
                DebtorRecord.birth_date.is_not(None),
                DebtorRecord.postal_code.is_not(None),
                AccountRecord.principal_minor > 0,
                AccountRecord.client_id.in_(list(client_ids)),
            )
            .order_by(AccountRecord.id)
            .limit(1)
        )
        return self.session.scalars(query).first()

    # --- attempts --------------------------------------------------------------------
    def add_attempt(
        self, *, link_id: int, debtor_id: int, at: datetime, success: bool, client_hash: str | None
    ) -> None:
        self.session.add(PortalAttemptRecord(link_id=link_id, debtor_id=debtor_id,
                                             occurred_at=at, success=success,
                                             client_hash=client_hash))  # fmt: skip
        self.session.flush()

    def failures_since(self, debtor_id: int, since: datetime) -> list[datetime]:
        """Times of the debtor's failed checks after ``since`` and after the last success."""
        last_ok = self.session.scalar(
            select(func.max(PortalAttemptRecord.occurred_at)).where(
                PortalAttemptRecord.debtor_id == debtor_id, PortalAttemptRecord.success.is_(True)
            )
        )
        start = max(since, last_ok) if last_ok is not None else since
        query = (
            select(PortalAttemptRecord.occurred_at)
            .where(
                PortalAttemptRecord.debtor_id == debtor_id,
                PortalAttemptRecord.success.is_(False),
                PortalAttemptRecord.occurred_at > start,
            )
            .order_by(PortalAttemptRecord.occurred_at)
        )
        return list(self.session.scalars(query))

    def attempts_of(self, debtor_id: int) -> Sequence[PortalAttemptRecord]:
        query = (
            select(PortalAttemptRecord)
            .where(PortalAttemptRecord.debtor_id == debtor_id)
            .order_by(PortalAttemptRecord.id)
        )
        return self.session.scalars(query).all()

    # --- sessions --------------------------------------------------------------------
    def add_session(
        self, *, token_hash: str, link_id: int, csrf: str, locale: str, created_at: datetime,
        expires_at: datetime,
    ) -> PortalSessionRecord:  # fmt: skip
        record = PortalSessionRecord(token_hash=token_hash, link_id=link_id, csrf=csrf,
                                     locale=locale, created_at=created_at,
                                     expires_at=expires_at)  # fmt: skip
        self.session.add(record)
        self.session.flush()
        return record

    def session_by_hash(self, token_hash: str) -> PortalSessionRecord | None:
        query = select(PortalSessionRecord).where(PortalSessionRecord.token_hash == token_hash)
        return self.session.scalars(query).first()

    # --- what the pages read -----------------------------------------------------------
    def account(self, account_id: int) -> AccountRecord | None:
        return self.session.get(AccountRecord, account_id)

    def debtor(self, debtor_id: int) -> DebtorRecord | None:
        return self.session.get(DebtorRecord, debtor_id)

    def client(self, client_id: int) -> ClientRecord | None:
        return self.session.get(ClientRecord, client_id)

    def contact_points(self, debtor_id: int) -> Sequence[ContactPointRecord]:
        query = (
            select(ContactPointRecord)
            .where(ContactPointRecord.debtor_id == debtor_id)
            .order_by(ContactPointRecord.id)
        )
        return self.session.scalars(query).all()

    def payment(self, account_id: int, payment_id: int) -> PaymentRecord | None:
        record = self.session.get(PaymentRecord, payment_id)
        return record if record is not None and record.account_id == account_id else None
