"""The schema comes from migrations, on both backends."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from arrears.store.migrate import current_revision, downgrade, head_revision, upgrade

TABLES = {
    "clients",
    "debtors",
    "contact_points",
    "debtor_facts",
    "accounts",
    "invoices",
    "payments",
    "interactions",
    "audit_events",
    "users",
    "teams",
    "imports",
}


class TestMigrations:
    def test_a_fresh_database_is_at_the_newest_revision_with_every_table(self, engine: Engine):
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES

    def test_downgrade_to_empty_and_back_up_again_works(self, engine: Engine):
        downgrade(engine, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert current_revision(engine) == head_revision()

    def test_upgrading_twice_changes_nothing(self, engine: Engine):
        upgrade(engine)
        assert current_revision(engine) == head_revision()
