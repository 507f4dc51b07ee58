"""Shared fixtures: databases on both backends, the CLI, a fixed clock."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from arrears.kit.crypto import FieldCipher
from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork
from tests.fixtures import database
from tests.fixtures.postgres import postgres_server

BACKENDS = ["sqlite", "postgresql"]
TEST_KEY = bytes(range(32))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return database.sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _postgres() -> Iterator[tuple[str, Engine]]:
    with postgres_server() as url:
        admin = database.postgres_template(url)
        yield url, admin
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path
) -> Iterator[str]:
    """A freshly migrated database on each backend."""
    if request.param == "sqlite":
        yield database.sqlite_copy(_sqlite_template, tmp_path)
        return
    url, admin = request.getfixturevalue("_postgres")
    copy = database.postgres_copy(admin, url)
    yield copy
    database.postgres_drop(admin, copy)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    return lambda: UnitOfWork.for_engine(engine)


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(TEST_KEY)


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli_env(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """Environment for running the CLI against the test database."""
    from arrears.config import get_settings

    env = {
        "ARREARS_DATABASE_URL": database_url,
        "ARREARS_VAR_DIR": str(tmp_path / "var"),
        "ARREARS_SECRET_KEY": TEST_KEY.hex(),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


os.environ.setdefault("ARREARS_ENV", "testing")


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Chromium for page tests (tests/fixtures/browser.py)."""
    from tests.fixtures.browser import launch

    with launch() as chromium:
        yield chromium
