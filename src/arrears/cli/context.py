"""Composition for the command line: settings, database, clock, cipher.

Entry points are the only place that read settings and wire the parts
together (DESIGN §3). Commands that need the database call :func:`database`,
which creates a new SQLite file or migrates an old schema first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property

from arrears.config import Settings, get_settings
from arrears.kit.crypto import FieldCipher
from arrears.store.database import Database
from arrears.store.uow import UnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings

    @cached_property
    def database(self) -> Database:
        database = Database(self.settings.database_url)
        database.ensure_schema()
        return database

    def uow(self) -> UnitOfWork:
        return self.database.uow()

    @property
    def uow_factory(self) -> Callable[[], UnitOfWork]:
        return self.uow

    @cached_property
    def cipher(self) -> FieldCipher:
        return FieldCipher(self.settings.secret_key)

    def clock(self) -> datetime:
        """The wall clock, read only here at the edge (the core takes time as a parameter).

        ``ARREARS_NOW`` fixes it (demos, simulations, tests of the command line).
        """
        return self.settings.fixed_now or utc_now()


def app() -> App:
    return App(get_settings())


def today() -> date:
    return utc_now().date()
