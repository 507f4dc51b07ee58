"""Phones and e-mails are looked up by value; addresses never are, and the value index
leaves them out. The lookups say the index's condition, so both databases use it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, text

pytestmark = pytest.mark.db

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PHONE = "+8613800000000"
ADDRESS = "1 Long St, Shanghai"


def _seed(uow) -> int:
    uow.clients.add(code="acme", name="Acme", at=AT)
    client = uow.clients.get_by_code("acme")
    assert client is not None
    shared = {"client_id": client.id, "created_at": AT, "updated_at": AT}
    [debtor] = uow.bulk.insert(
        "debtors", ("debtor_ref", "kind", "name", "name_key", "time_zones"),
        [("D1", "person", "Han Mei", "hanmei", ("Asia/Shanghai",))],
        constants=shared, with_ids=True,
    )  # fmt: skip
    uow.bulk.insert(
        "contact_points", ("debtor_id", "kind", "value"),
        [(debtor, "mobile", PHONE), (debtor, "address", ADDRESS)],
        constants={"first_seen_at": AT, "last_seen_at": AT},
    )  # fmt: skip
    return int(client.id)


def _plans(uow, lookup) -> list[str]:
    """The database's plan for every statement ``lookup`` runs (PostgreSQL told that a
    scan costs more than the index would, as it would on a table of real size)."""
    seen: list[tuple[str, Any]] = []
    connection = uow.session.connection()

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", remember)
    try:
        lookup()
    finally:
        event.remove(connection, "before_cursor_execute", remember)
    driver = connection.connection.dbapi_connection
    postgres = uow.session.get_bind().dialect.name == "postgresql"
    explain = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
    plans = []
    cursor = driver.cursor()
    try:
        if postgres:
            cursor.execute("SET LOCAL enable_seqscan = off")
        for statement, parameters in seen:
            cursor.execute(f"{explain} {statement}", parameters)
            plans.append("\n".join(str(row) for row in cursor.fetchall()))
    finally:
        cursor.close()
    return plans


def test_the_value_index_leaves_addresses_out(uow_factory, engine):
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            sql = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_contact_points_value'"
        else:
            sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_contact_points_value'"
        definition = connection.execute(text(sql)).scalar_one()
    assert "address" in definition and "WHERE" in definition.upper()


def test_an_inbound_sender_is_found_through_the_index_and_never_as_an_address(uow_factory):
    with uow_factory() as uow:
        _seed(uow)
        assert [p.kind for p in uow.inbound.points_with_value(PHONE)] == ["mobile"]
        assert uow.inbound.points_with_value(ADDRESS) == []
        [plan] = _plans(uow, lambda: uow.inbound.points_with_value(PHONE))
        assert "ix_contact_points_value" in plan


def test_matching_by_name_and_contact_uses_the_index_and_ignores_addresses(uow_factory):
    with uow_factory() as uow:
        client_id = _seed(uow)
        d = uow.debtors
        found = d.ids_by_contact(client_id, [("hanmei", PHONE), ("hanmei", ADDRESS)])
        assert list(found) == [("hanmei", PHONE)]
        plans = _plans(uow, lambda: d.ids_by_contact(client_id, [("hanmei", PHONE)]))
        assert any("ix_contact_points_value" in plan for plan in plans)
