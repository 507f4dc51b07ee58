"""Helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

T = TypeVar("T")

# SQLite allows 32,766 bound parameters per statement; stay well below it.
IN_CHUNK = 5_000


def chunked(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def unique(values: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(values))


class Repository:
    """A repository keeps the session of its unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name


def dialect_insert(dialect: str, table: Any) -> Any:
    """An INSERT that supports ON CONFLICT on both SQLite and PostgreSQL."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """``count`` new primary keys for ``table``, taken before the rows are inserted.

    Giving ids up front lets a batch be written with one ``executemany`` (an INSERT
    with RETURNING in parameter order falls back to one statement a row on SQLite).
    PostgreSQL hands out ids from the table's sequence, safe under concurrency.
    SQLite has one writer at a time: an UPDATE first takes the write lock, so nobody
    can take the same ids between reading the maximum and inserting. It matches no
    row: a row whose key is set, even to itself, has every reference to it checked,
    which without an index on the referring column is a scan (a first load defers
    those indexes).
    """
    if count == 0:
        return []
    name = table.name
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) FROM generate_series(1, :n)"
        )
        return [int(row[0]) for row in session.execute(query, {"n": count})]
    session.execute(text(f"UPDATE {name} SET id = id WHERE 0"))
    start = int(session.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar() or 0)
    return list(range(start + 1, start + 1 + count))


def insert_returning_ids(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert many rows and return their new ids in the order given."""
    if not rows:
        return []
    ids = reserve_ids(session, table, len(rows))
    session.execute(insert(table), [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)])
    return ids
