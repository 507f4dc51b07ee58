"""Alembic environment: runs against the engine handed over by store.migrate.

On SQLite, batch mode alters a table by copying it and dropping the old one;
with foreign keys enforced SQLite refuses to drop a table other rows point
at. So foreign keys are switched off for the migration (SQLite's documented
procedure for table rebuilds) and the whole database is checked with
``PRAGMA foreign_key_check`` before the migration's transaction commits.
"""

from __future__ import annotations

from alembic import context

from arrears.store.base import Base
from arrears.store.records import __all__ as _records  # noqa: F401 - registers every table

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the alembic command line: use sqlalchemy.url from alembic.ini
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///var/arrears.db")

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # outside any transaction: SQLite ignores this pragma inside one
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,  # SQLite alters tables by copying them
                compare_type=True,
            )
            context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the migration left rows pointing at missing rows")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
