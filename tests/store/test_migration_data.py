"""Migrations keep the data that is already there."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from arrears.store.migrate import downgrade, upgrade


def _one_account(connection: Connection) -> None:
    """Client 1, debtor 1 and account 1, in the columns every revision has."""
    connection.execute(
        text(
            "INSERT INTO clients (code, name, settings, created_at)"
            " VALUES ('c', 'C', '{}', '2026-01-01 00:00:00')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO debtors (client_id, kind, name, name_key, language, time_zones,"
            " risk_flags, has_conflicts, created_at, updated_at)"
            " VALUES (1, 'person', 'A', 'a', 'en-US', '[]', '[]', false,"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO accounts (client_id, account_ref, debtor_id, currency,"
            " principal_minor, interest_minor, fees_minor, costs_minor, credit_minor,"
            " due_on, status, holds, created_at, updated_at)"
            " VALUES (1, 'A1', 1, 'USD', 100, 0, 0, 0, 0, '2026-01-01', 'active', '[]',"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    )


class TestMigratingAFilledDatabase:
    def test_accounts_imported_before_the_daily_plan_migration_survive_it(self, engine: Engine):
        downgrade(engine, "-1")
        with engine.begin() as connection:
            _one_account(connection)
        upgrade(engine)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT account_ref, arms FROM accounts")).one()
        assert row[0] == "A1"
        assert row[1] in ({}, "{}")


class TestRebuildingATableThatOthersReferTo:
    """Migration 0413 rebuilds ``outbox`` on SQLite (a new NOT NULL column): the
    rows of ``outbox_attempts`` that point at it must survive, and the rebuild must
    not trip the foreign keys (SQLite's procedure turns them off, then checks)."""

    BEFORE_KIND = "e3c0f1d40412"

    def test_messages_and_their_attempts_survive_the_outbox_rebuild(self, engine: Engine):
        downgrade(engine, self.BEFORE_KIND)
        with engine.begin() as connection:
            _one_account(connection)
            connection.execute(
                text(
                    "INSERT INTO outbox (dedup_key, partition, account_id, debtor_id, client_id,"
                    " channel, contact_to, priority, status, attempts, not_before, findings,"
                    " details, created_at, updated_at)"
                    " VALUES ('k1', 0, 1, 1, 1, 'email', 'a@example.com', 1.0, 'sent', 1,"
                    " '2026-01-01 00:00:00', '[]', '{}', '2026-01-01 00:00:00',"
                    " '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO outbox_attempts (outbox_id, attempt, worker, at, result)"
                    " SELECT id, 1, 'w', '2026-01-01 00:00:00', 'sent' FROM outbox"
                )
            )
        upgrade(engine)
        with engine.connect() as connection:
            message = connection.execute(text("SELECT id, dedup_key, kind FROM outbox")).one()
            attempt = connection.execute(text("SELECT outbox_id FROM outbox_attempts")).one()
        assert message[1:] == ("k1", "debtor")  # existing messages are the debtors'
        assert attempt[0] == message[0]
