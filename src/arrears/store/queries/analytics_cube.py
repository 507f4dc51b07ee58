"""The analytics cubes: reading every interaction once, keeping and reading each cube.

The nightly refresh reads the interactions in one sequential pass, in batches
(a range read through the time index costs more per row than the whole table),
sums them into the cubes (``analytics.cubes``) and keeps each cube whole as one
Parquet file in ``analytics_cubes``: a dashboard reads a few megabytes and
filters and groups them in memory, where a ``GROUP BY`` over millions of cube
rows in the database took seconds. Both SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import String, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from arrears.store.queries.analytics import _parsed
from arrears.store.records import InteractionRecord
from arrears.store.records.analytics import AnalyticsCubeRecord

INTERACTION_SCHEMA: dict[str, Any] = {
    "account_id": pl.Int64, "channel": pl.String, "direction": pl.String,
    "occurred_at": pl.Datetime("us", "UTC"), "user_id": pl.Int64, "outcome": pl.String,
    "status": pl.String,
}  # fmt: skip


def interaction_batches(session: Session, rows: int = 1_000_000) -> Iterator[pl.DataFrame]:
    """Every interaction on an account, ``rows`` at a time, in one pass over the table."""
    i = InteractionRecord
    query = select(i.account_id, i.channel, i.direction, cast(i.occurred_at, String), i.user_id,
                   i.outcome, i.status).where(i.account_id.is_not(None))  # fmt: skip
    text = {**INTERACTION_SCHEMA, "occurred_at": pl.String}
    parsed = _parsed("occurred_at", INTERACTION_SCHEMA["occurred_at"])
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # The driver's cursor, in the session's transaction: its rows are the tuples a frame is
        # built from, without a SQLAlchemy row and a copy of each (a third of the read's CPU).
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            while part := cursor.fetchmany(rows):
                yield pl.DataFrame(part, schema=text, orient="row").with_columns(parsed)
        finally:
            cursor.close()
        return
    # Options on the statement, not the connection: they would stay on the session's connection.
    streamed = query.execution_options(stream_results=True, yield_per=rows)
    for chunk in connection.execute(streamed).partitions(rows):
        frame = pl.DataFrame([tuple(r) for r in chunk], schema=text, orient="row")
        yield frame.with_columns(parsed)


def keep_cube(session: Session, cube: str, *, payload: bytes, rows: int, as_of: date,
              at: datetime) -> None:  # fmt: skip
    """Replace the cube ``cube`` (a Parquet file of ``rows`` rows) built for ``as_of``."""
    c = AnalyticsCubeRecord
    session.execute(delete(c).where(c.cube == cube))
    session.execute(insert(c), [{"cube": cube, "as_of": as_of, "rows": rows, "payload": payload,
                                 "built_at": at}])  # fmt: skip


def built(session: Session, cube: str) -> date | None:
    """The day the cube was last built for, or None when it never was."""
    found = session.scalar(
        select(AnalyticsCubeRecord.as_of).where(AnalyticsCubeRecord.cube == cube)
    )
    return found if isinstance(found, date) else None


def cube_file(session: Session, cube: str) -> bytes | None:
    """The cube's Parquet file, or None when it was never built."""
    found = session.scalar(
        select(AnalyticsCubeRecord.payload).where(AnalyticsCubeRecord.cube == cube)
    )
    return bytes(found) if found is not None else None


def stamp(session: Session, cube: str) -> tuple[date, datetime, int, int] | None:
    """What identifies one build of the cube without reading it: the day it was built for,
    when, its rows and the size of its file (a process keeps the decoded file by this)."""
    c = AnalyticsCubeRecord
    size = func.octet_length(c.payload) if _postgres(session) else func.length(c.payload)
    row = session.execute(select(c.as_of, c.built_at, c.rows, size).where(c.cube == cube)).first()
    return (row[0], row[1], int(row[2]), int(row[3])) if row else None


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def drop_cube(session: Session, cube: str) -> None:
    """Forget the cube ``cube`` (what it summed has changed; the next refresh builds it)."""
    session.execute(delete(AnalyticsCubeRecord).where(AnalyticsCubeRecord.cube == cube))
