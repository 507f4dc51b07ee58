"""A database as the entry points see it: a URL, its schema, units of work.

Entry points (CLI, web, simulator) build one :class:`Database` and never touch
SQLAlchemy themselves.
"""

from __future__ import annotations

from arrears.store.db import make_engine
from arrears.store.migrate import current_revision, head_revision, needs_upgrade, upgrade
from arrears.store.uow import UnitOfWork


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        return self.engine.url.render_as_string(hide_password=True)

    def ensure_schema(self) -> None:
        """Create a new database or migrate an old one to the newest schema."""
        if needs_upgrade(self.engine):
            upgrade(self.engine)

    def upgrade(self) -> tuple[str | None, str | None]:
        """Migrate to the newest schema; returns the revisions before and after."""
        before = current_revision(self.engine)
        upgrade(self.engine)
        with self.uow() as uow:  # an import that stopped with its indexes deferred
            uow.bulk.restore_indexes()
        return before, current_revision(self.engine)

    def revisions(self) -> tuple[str | None, str | None]:
        """The current and the newest revision."""
        return current_revision(self.engine), head_revision()

    def uow(self) -> UnitOfWork:
        return UnitOfWork.for_engine(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
