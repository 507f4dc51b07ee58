"""The audit trail is append-only and hash-chained."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _event(n: int) -> AuditEvent:
    return AuditEvent(
        T0 + timedelta(minutes=n),
        "tester",
        "account.updated",
        "account",
        str(n),
        before={"principal_minor": n},
        after={"principal_minor": n + 1},
    )


class TestAuditChain:
    def test_events_appended_in_several_transactions_form_one_intact_chain(
        self, uow_factory: Callable[[], UnitOfWork]
    ):
        for start in (0, 3):
            with uow_factory() as uow:
                uow.audit.append_many([_event(start + i) for i in range(3)])
                uow.commit()
        with uow_factory() as uow:
            assert uow.audit.count() == 6
            assert uow.audit.verify() is None

    def test_editing_a_past_event_is_detected_at_that_event(
        self, uow_factory: Callable[[], UnitOfWork], engine: Engine
    ):
        with uow_factory() as uow:
            uow.audit.append_many([_event(i) for i in range(4)])
            uow.commit()
            ids = [e.id for e in uow.audit.for_entity("account", "2")]
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE audit_events SET actor = 'someone else' WHERE id = :i"), {"i": ids[0]}
            )
        with uow_factory() as uow:
            assert uow.audit.verify() == ids[0]

    def test_an_event_whose_transaction_rolls_back_leaves_no_trace(
        self, uow_factory: Callable[[], UnitOfWork]
    ):
        with uow_factory() as uow:
            uow.audit.append(_event(1))
        with uow_factory() as uow:
            assert uow.audit.count() == 0
            uow.audit.append(_event(2))
            uow.commit()
            assert uow.audit.verify() is None

    def test_instants_in_any_zone_are_stored_and_verified_in_utc(
        self, uow_factory: Callable[[], UnitOfWork]
    ):
        from zoneinfo import ZoneInfo

        local = datetime(2026, 3, 8, 1, 30, tzinfo=ZoneInfo("America/New_York"))
        with uow_factory() as uow:
            uow.audit.append(AuditEvent(local, "t", "x", "account", "1"))
            uow.commit()
        with uow_factory() as uow:
            (event,) = uow.audit.for_entity("account", "1")
            assert event.occurred_at == local
            assert event.occurred_at.tzinfo is not None
            assert uow.audit.verify() is None
