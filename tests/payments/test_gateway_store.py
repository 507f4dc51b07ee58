"""The gateway tables: the migration creates exactly what the records declare; events claim once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from arrears.store.base import Base

pytestmark = pytest.mark.db
TABLES = {"payment_intents", "gateway_events", "api_keys", "gateway_configs"}
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _table(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return str(table.name)
        if name in TABLES:
            return str(name)
    return None


def test_the_migration_matches_the_records(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    ours = [d for d in diffs if _table(d) in TABLES]
    assert ours == []


def test_an_event_is_claimed_once(uow_factory):
    with uow_factory() as uow:
        first = uow.gateway.claim_event(
            gateway="fake",
            event_id="evt_1",
            kind="succeeded",
            intent_id="i",
            payload={},
            received_at=AT,
        )
        again = uow.gateway.claim_event(
            gateway="fake",
            event_id="evt_1",
            kind="succeeded",
            intent_id="i",
            payload={},
            received_at=AT,
        )
        other = uow.gateway.claim_event(
            gateway="stripe",
            event_id="evt_1",
            kind="failed",
            intent_id="i",
            payload={},
            received_at=AT,
        )
        uow.commit()
    assert first is not None and again is None and other is not None
