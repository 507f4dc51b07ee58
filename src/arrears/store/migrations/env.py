"""Alembic environment: runs against the engine handed over by store.migrate."""

from __future__ import annotations

from alembic import context

from arrears.store.base import Base
from arrears.store.records import __all__ as _records  # noqa: F401 - registers every table

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the alembic command line: use sqlalchemy.url from alembic.ini
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///var/arrears.db")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    context.run_migrations()
