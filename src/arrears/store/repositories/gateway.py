"""Payment intents, gateway webhook events, API keys and gateway configuration."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.records.gateway import (
    ApiKeyRecord,
    GatewayConfigRecord,
    GatewayEventRecord,
    PaymentIntentRecord,
)
from arrears.store.repositories.base import Repository, dialect_insert


class GatewayRepository(Repository):
    # -- payment intents ---------------------------------------------------------------------
    def add_intent(self, **values: Any) -> PaymentIntentRecord:
        record = PaymentIntentRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def find_intent(
        self, gateway: str, intent_id: str, reference: str | None = None, *, lock: bool = False
    ) -> PaymentIntentRecord | None:
        """The intent the gateway calls ``intent_id`` (its checkout or its payment id),
        else the one with our ``reference``; locked for update on PostgreSQL when asked."""
        match = or_(
            PaymentIntentRecord.intent_id == intent_id,
            PaymentIntentRecord.provider_payment_id == intent_id,
        )
        if reference is not None:
            match = or_(match, PaymentIntentRecord.reference == reference)
        query = (
            select(PaymentIntentRecord)
            .where(PaymentIntentRecord.gateway == gateway, match)
            .order_by(PaymentIntentRecord.id)
            .limit(1)
        )
        if lock and self.dialect == "postgresql":
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def intent_by_reference(self, reference: str) -> PaymentIntentRecord | None:
        query = select(PaymentIntentRecord).where(PaymentIntentRecord.reference == reference)
        return self.session.scalars(query).first()

    def intents_of(self, account_id: int, limit: int = 100) -> list[PaymentIntentRecord]:
        query = (
            select(PaymentIntentRecord)
            .where(PaymentIntentRecord.account_id == account_id)
            .order_by(PaymentIntentRecord.created_at.desc(), PaymentIntentRecord.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def account_for_update(self, account_id: int) -> AccountRecord | None:
        """The account, read afresh and locked for update (PostgreSQL; SQLite has one writer)."""
        return self.session.get(
            AccountRecord, account_id, with_for_update=True, populate_existing=True
        )

    def payment(self, payment_id: int) -> PaymentRecord | None:
        return self.session.get(PaymentRecord, payment_id)

    # -- webhook events ----------------------------------------------------------------------
    def claim_event(
        self,
        *,
        gateway: str,
        event_id: str,
        kind: str,
        intent_id: str | None,
        payload: dict[str, Any],
        received_at: datetime,
    ) -> int | None:
        """Record a new event and return its row id; ``None`` when it was seen before.

        ON CONFLICT DO NOTHING: of two deliveries racing, one inserts and the other
        (on PostgreSQL, after waiting for the first to commit) gets nothing.
        """
        table = GatewayEventRecord.__table__
        statement = (
            dialect_insert(self.dialect, table)
            .values(
                gateway=gateway,
                event_id=event_id,
                kind=kind,
                intent_id=intent_id,
                payload=payload,
                received_at=received_at,
                result="received",
            )
            .on_conflict_do_nothing(index_elements=["gateway", "event_id"])
            .returning(table.c.id)
        )
        row = self.session.execute(statement).first()
        return None if row is None else int(row[0])

    def event(self, gateway: str, event_id: str) -> GatewayEventRecord | None:
        query = select(GatewayEventRecord).where(
            GatewayEventRecord.gateway == gateway, GatewayEventRecord.event_id == event_id
        )
        return self.session.scalars(query).first()

    def set_event_result(self, row_id: int, result: str) -> None:
        record = self.session.get(GatewayEventRecord, row_id)
        if record is not None:
            record.result = result

    def events_of(self, intent_ids: Sequence[str]) -> list[GatewayEventRecord]:
        query = (
            select(GatewayEventRecord)
            .where(GatewayEventRecord.intent_id.in_(list(intent_ids)))
            .order_by(GatewayEventRecord.id)
        )
        return list(self.session.scalars(query))

    # -- API keys ----------------------------------------------------------------------------
    def add_api_key(self, **values: Any) -> ApiKeyRecord:
        record = ApiKeyRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def api_key_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        query = select(ApiKeyRecord).where(ApiKeyRecord.key_hash == key_hash)
        return self.session.scalars(query).first()

    def api_key_by_prefix(self, prefix: str) -> ApiKeyRecord | None:
        query = select(ApiKeyRecord).where(ApiKeyRecord.prefix == prefix)
        return self.session.scalars(query).first()

    def api_keys(self, client_id: int | None = None) -> list[ApiKeyRecord]:
        query = select(ApiKeyRecord).order_by(ApiKeyRecord.client_id, ApiKeyRecord.id)
        if client_id is not None:
            query = query.where(ApiKeyRecord.client_id == client_id)
        return list(self.session.scalars(query))

    # -- gateway configuration ---------------------------------------------------------------
    def set_config(
        self, client_id: int | None, gateway: str, settings: dict[str, Any], at: datetime
    ) -> GatewayConfigRecord:
        query = select(GatewayConfigRecord).where(
            GatewayConfigRecord.client_id.is_(None)
            if client_id is None
            else GatewayConfigRecord.client_id == client_id
        )
        record = self.session.scalars(query).first()
        if record is None:
            record = GatewayConfigRecord(
                client_id=client_id, gateway=gateway, settings=settings, active=True, updated_at=at
            )
            self.session.add(record)
        else:
            record.gateway, record.settings, record.active = gateway, settings, True
            record.updated_at = at
        self.session.flush()
        return record

    def config_for(self, client_id: int | None) -> GatewayConfigRecord | None:
        """The client's active configuration, else the default one (``client_id`` null)."""
        query = select(GatewayConfigRecord).where(GatewayConfigRecord.active.is_(True))
        rows = list(self.session.scalars(query))
        own = [r for r in rows if client_id is not None and r.client_id == client_id]
        default = [r for r in rows if r.client_id is None]
        found = own or default
        return found[0] if found else None

    def configs(self) -> list[GatewayConfigRecord]:
        query = select(GatewayConfigRecord).order_by(GatewayConfigRecord.id)
        return list(self.session.scalars(query))
