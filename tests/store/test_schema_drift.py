"""The migrations build exactly the schema the records describe (both backends)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from arrears.store.base import Base

pytestmark = pytest.mark.db


def test_the_migrated_schema_matches_the_records(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []
