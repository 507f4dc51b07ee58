"""Migrations keep the data that is already there."""

from __future__ import annotations

from sqlalchemy import Engine, text

from arrears.store.migrate import downgrade, upgrade


class TestMigratingAFilledDatabase:
    def test_accounts_imported_before_the_daily_plan_migration_survive_it(self, engine: Engine):
        downgrade(engine, "-1")
        with engine.begin() as connection:
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
        upgrade(engine)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT account_ref, arms FROM accounts")).one()
        assert row[0] == "A1"
        assert row[1] in ({}, "{}")
