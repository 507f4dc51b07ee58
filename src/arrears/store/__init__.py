"""Persistence: the only package that speaks SQL.

``records`` declares the tables (SQLAlchemy 2 ``Mapped`` classes named
``<Noun>Record``), ``repositories`` holds every query, ``uow`` owns the
transaction, and ``migrations`` (Alembic) creates and evolves the schema — the
schema is never made with ``create_all``. The same code runs on SQLite (the
embedded default) and PostgreSQL.
"""
