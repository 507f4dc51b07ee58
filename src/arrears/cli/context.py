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

from sqlalchemy import Engine

from arrears.config import Settings, get_settings
from arrears.kit.crypto import FieldCipher
from arrears.store.db import make_engine
from arrears.store.migrate import needs_upgrade, upgrade
from arrears.store.uow import UnitOfWork


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.database_url)
        if needs_upgrade(engine):
            upgrade(engine)
        return engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork.for_engine(self.engine)

    @property
    def uow_factory(self) -> Callable[[], UnitOfWork]:
        return self.uow

    @cached_property
    def cipher(self) -> FieldCipher:
        return FieldCipher(self.settings.secret_key)

    clock: Callable[[], datetime] = staticmethod(utc_now)  # type: ignore[assignment]


def app() -> App:
    return App(get_settings())


def today() -> date:
    return utc_now().date()
