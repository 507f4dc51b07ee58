"""Bulk writes: many rows of one table in one ``executemany``, no per-row ORM work.

An import writes tens of thousands of debtors, accounts and contact points a
batch. SQLAlchemy's Core ``executemany`` builds a parameter dictionary and runs
every type's bind processor for every value of every row; for a batch that is
most of the import's time. :class:`BulkWriter` takes plain tuples instead:

* the per-row values, in the order of the ``columns`` named;
* the values shared by every row of the batch (``constants``: the client, the
  import, the instant) and the Python-side defaults of the columns not named,
  both converted once per call (on SQLite written into the statement as literals:
  bound to every row, they were a third of the parameters);
* each per-row value converted with the dialect's own bind processor (so a
  value is stored exactly as the ORM would store it: ISO dates and UTC
  instants on SQLite, JSON text), a JSON value of an immutable type once per
  distinct value.

The rows then go to the driver as they are: SQLite's ``executemany``, and on
PostgreSQL ``COPY … FROM STDIN`` for plain inserts and psycopg's pipelined
``executemany`` for upserts. New primary keys are reserved up front
(:func:`.repositories.base.reserve_ids`), so the caller learns the ids of the
rows it wrote in the order it gave them.

A load into empty tables (a new installation's first portfolio) builds the
secondary indexes of :data:`LOADED_TABLES` once at the end instead of row by row
(:meth:`BulkWriter.indexes_deferred`): a sorted build instead of an insertion at
a random place of each index for every row. On PostgreSQL a load analyses each
table it has doubled before the next batch (:meth:`BulkWriter.keep_loading`), so
that its own lookups are planned for the rows there are.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import repeat
from typing import Any

from sqlalchemy import JSON, Column, Connection, Date, Index, Table, inspect, select, text
from sqlalchemy.orm import Session

from arrears.store.base import Base
from arrears.store.repositories.base import Repository, reserve_ids

Row = tuple[Any, ...]
# Rows per executemany (SQLite) or COPY (PostgreSQL): bounds the driver's buffers.
CHUNK = 10_000
# SQLite page cache while an import writes (see BulkWriter.loading), in KiB.
LOADING_CACHE_KIB = 128 * 1024
# WAL pages after which a commit copies the log back into the database, while an import
# writes (SQLite's default: 1,000 pages, 4 MiB, less than one batch writes).
LOADING_CHECKPOINT_PAGES = 32_768
# SQLite settings while an import writes: pragma -> value (temp_store 2: in memory).
_LOADING = {
    "cache_size": -LOADING_CACHE_KIB,
    "temp_store": 2,
    "wal_autocheckpoint": LOADING_CHECKPOINT_PAGES,
}
# Rows a load adds to a PostgreSQL table before its statistics may be refreshed (see
# BulkWriter._analyze_grown).
ANALYZE_AFTER_ROWS = 10_000
# The tables an import of accounts writes a row or more per row of its file: their
# secondary indexes may be built after a load into empty tables (indexes_deferred).
LOADED_TABLES = ("debtors", "contact_points", "accounts")


class BulkWriter(Repository):
    """Inserts and upserts of many rows of one table, within the unit of work."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # While loading() runs on PostgreSQL: rows inserted per table since its
        # statistics were last refreshed (see _analyze_grown).
        self._since_analyze: dict[str, int] | None = None

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        constants: Mapping[str, Any] | None = None,
        with_ids: bool = False,
    ) -> list[int]:
        """Insert the rows; with ``with_ids`` the new ids, in the order of the rows."""

        def chunk(plan: _Plan, start: int, ids: list[int] | None) -> list[Row]:
            return plan.convert(rows, start, ids)

        return self._insert(table, list(columns), len(rows), chunk, constants, with_ids)

    def insert_columns(
        self,
        table: str,
        data: Mapping[str, Sequence[Any]],
        *,
        constants: Mapping[str, Any] | None = None,
        with_ids: bool = False,
    ) -> list[int]:
        """:meth:`insert` of rows given as columns (name -> the rows' values, every
        column as long): the caller makes no tuple per row, and they are not taken
        apart again into columns to be converted."""
        values = list(data.values())
        count = len(values[0]) if values else 0
        if any(len(column) != count for column in values):
            raise ValueError(f"the columns of {table} have different lengths")

        def chunk(plan: _Plan, start: int, ids: list[int] | None) -> list[Row]:
            return plan.join([column[start : start + CHUNK] for column in values], start, ids)

        return self._insert(table, list(data), count, chunk, constants, with_ids)

    def _insert(
        self,
        table: str,
        names: list[str],
        count: int,
        chunk: Callable[[_Plan, int, list[int] | None], list[Row]],
        constants: Mapping[str, Any] | None,
        with_ids: bool,
    ) -> list[int]:
        if not count:
            return []
        target = _table(table)
        if self._since_analyze is not None:
            self._since_analyze[target.name] = self._since_analyze.get(target.name, 0) + count
        ids = reserve_ids(self.session, target, count) if with_ids else None
        plan = _Plan(self, target, names, constants or {}, with_ids=with_ids)
        chunks = (chunk(plan, start, ids) for start in range(0, count, CHUNK))
        if self.dialect == "postgresql":
            self._copy(plan, chunks)
        else:
            self._executemany(plan.insert_sql(self.dialect), chunks)
        return ids or []

    def upsert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        keys: Sequence[str],
        update: Sequence[str] = (),
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        """Insert the rows; a row whose ``keys`` exist updates the ``update`` columns
        (none: the stored row is kept as it is)."""
        if not rows:
            return
        plan = _Plan(self, _table(table), list(columns), constants or {})
        if update:
            changes = ", ".join(f"{name} = excluded.{name}" for name in update)
            action = f"DO UPDATE SET {changes}"
        else:
            action = "DO NOTHING"
        sql = f"{plan.insert_sql(self.dialect)} ON CONFLICT ({', '.join(keys)}) {action}"
        self._executemany(sql, (plan.convert(rows, s, None) for s in range(0, len(rows), CHUNK)))

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Settings for writing many large batches, each committed on its own.

        Held for a whole import, not one batch: on SQLite the connection's page cache
        grows to :data:`LOADING_CACHE_KIB` and temporary b-trees stay in memory. With the
        default 2 MiB the index pages of random keys (contact values, names, account
        refs) written by one batch are read again from the file by the next, and each
        batch's dirty pages spill to the WAL before its commit; the cost per row then
        grows with what is stored. :meth:`keep_loading` reapplies the settings after a
        commit in case the pool handed out another connection. The previous values are
        restored at the end, so the pooled connection keeps its usual footprint.
        Durability is untouched (WAL, ``synchronous=NORMAL``, a commit per batch): a
        crash loses at most the batch in flight, which the next run of the import redoes.
        The log is checkpointed every :data:`LOADING_CHECKPOINT_PAGES` instead of after
        every batch: an index page that each batch changes is then copied back into the
        database once per checkpoint, not once per batch.
        """
        if self.dialect == "postgresql":
            self._since_analyze = {}  # rows inserted per table, from here (keep_loading)
            try:
                yield
            finally:
                self._since_analyze = None
            return
        if self.dialect != "sqlite":
            yield
            return
        previous = _pragmas(self._driver(), _LOADING)
        try:
            self.keep_loading()
            yield
        finally:
            _set_pragmas(self._driver(), previous)

    def keep_loading(self) -> None:
        """Apply the settings of :meth:`loading` to the connection in use (cheap when
        they already are: one PRAGMA read). On PostgreSQL, refresh the planner's
        statistics of the tables the load has grown (:meth:`_analyze_grown`)."""
        if self.dialect == "postgresql":
            self._analyze_grown()
            return
        if self.dialect != "sqlite":
            return
        driver = self._driver()
        if _pragmas(driver, ["cache_size"])["cache_size"] != _LOADING["cache_size"]:
            _set_pragmas(driver, _LOADING)

    def _analyze_grown(self) -> None:
        """``ANALYZE`` each table the load has at least doubled since its statistics
        were taken (and by :data:`ANALYZE_AFTER_ROWS` at least).

        PostgreSQL plans a query with the statistics of when it was planned, and keeps
        the plan of a prepared statement (psycopg prepares one after five runs). The
        import's lookups were planned while the tables were empty: the plan that reads
        every account of the client and hashes them costs nothing then, and each batch
        then read all the accounts loaded so far. A table's statistics are refreshed
        each time it doubles (about seven times over a 1M-row load, a sample of 30,000
        rows each); ``ANALYZE`` invalidates the plans made before. It runs in the
        batch's transaction: a dry run's rollback takes it back with the rest.
        """
        grown = self._since_analyze
        if not grown:
            return
        for table, added in list(grown.items()):
            if added < ANALYZE_AFTER_ROWS:
                continue
            rows = self.session.execute(
                text(
                    "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = CAST(:t AS regclass)"
                ),
                {"t": table},
            ).scalar_one()
            if added >= rows:  # reltuples: the rows when the statistics were taken
                self.session.execute(text(f"ANALYZE {table}"))
                grown[table] = 0

    @contextmanager
    def indexes_deferred(self) -> Iterator[bool]:
        """While a load into empty tables runs, their secondary indexes do not exist.

        Yields whether they were deferred: only when every table of
        :data:`LOADED_TABLES` is empty (the first load of an installation). Their
        unique keys stay, so every key is still enforced and every lookup an import
        makes of a store it began empty (refs, account keys) is still an index probe;
        the secondary indexes serve the matching of debtors the import did not write
        (there are none) and the rest of the product. Each is dropped, in a
        transaction of its own, and built again from the records' definitions when
        the load ends, whether it succeeded or not. If the process dies in between,
        the next import and ``arrears db upgrade`` build them
        (:meth:`restore_indexes`); meanwhile the data is whole and queries are slower.
        """
        if not self._all_empty(LOADED_TABLES):
            yield False
            return
        indexes = deferrable_indexes()
        connection = self.session.connection()
        for index in indexes:
            # checkfirst: another first load that began meanwhile may have dropped it.
            index.drop(connection, checkfirst=True)
        self.session.commit()
        try:
            yield True
        except BaseException:
            self.session.rollback()  # the batch in flight is dropped anyway; free the lock
            raise
        finally:
            self.restore_indexes()

    def restore_indexes(self) -> list[str]:
        """Build and commit the deferred indexes a stopped load left missing; their names."""
        built = build_missing_indexes(self.session.connection())
        self.session.commit()
        return built

    def _all_empty(self, tables: Sequence[str]) -> bool:
        return all(
            self.session.execute(select(1).select_from(_table(name)).limit(1)).first() is None
            for name in tables
        )

    def _executemany(self, sql: str, chunks: Iterable[list[Row]]) -> None:
        cursor = self._driver().cursor()
        try:
            for rows in chunks:
                cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def _copy(self, plan: _Plan, chunks: Iterable[list[Row]]) -> None:
        sql = f"COPY {plan.table.name} ({', '.join(plan.names)}) FROM STDIN"
        with self._driver().cursor() as cursor, cursor.copy(sql) as copy:
            for rows in chunks:
                for row in rows:
                    copy.write_row(row)

    def _driver(self) -> Any:
        """The driver's connection inside the unit of work's transaction."""
        return self.session.connection().connection.dbapi_connection


def deferrable_indexes() -> list[Index]:
    """The secondary (not unique) indexes of :data:`LOADED_TABLES`, as the records
    define them.

    Accounts by debtor among them: the database would check the references to a
    debtor through it when the debtor's key changed, which an import never does
    (reserving ids touches no row, see :func:`.repositories.base.reserve_ids`).
    """
    return [
        index
        for name in LOADED_TABLES
        for index in sorted(_table(name).indexes, key=lambda index: str(index.name))
        if not index.unique
    ]


def build_missing_indexes(connection: Connection) -> list[str]:
    """Build whichever of :func:`deferrable_indexes` is missing; the names built.

    Cheap when none is (one catalogue lookup each): run at the start of every import
    and by ``arrears db upgrade``, after a load that stopped with its indexes deferred.
    """
    inspector = inspect(connection)
    missing = [
        index
        for index in deferrable_indexes()
        # every index of the records belongs to its table
        if index.table is not None and not inspector.has_index(index.table.name, str(index.name))
    ]
    with _sorting(connection, bool(missing)):
        for index in missing:
            index.create(connection)
    return [str(index.name) for index in missing]


# SQLite settings while indexes are built: pragma -> value. The sort of each index's keys
# then goes through temporary files in runs of the default cache's size (2,000 KiB),
# sorted by helper threads: a 1M-row first load built its eight indexes in 3.3-3.9 s
# instead of 7.3-7.9 s with the loading settings (one sort in a 128 MiB cache, in memory;
# SQLite sorts with threads only when temporary files are files). The files are the
# operating system's (SQLITE_TMPDIR, else TMPDIR, else /var/tmp), removed as they close.
def _sort_settings() -> dict[str, int]:
    return {"cache_size": -2000, "temp_store": 1, "threads": max(1, (os.cpu_count() or 2) - 1)}


@contextmanager
def _sorting(connection: Connection, needed: bool) -> Iterator[None]:
    """:func:`_sort_settings` on a SQLite connection while indexes are built."""
    if not needed or connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    settings = _sort_settings()
    previous = _pragmas(driver, settings)
    try:
        _set_pragmas(driver, settings)
        yield
    finally:
        _set_pragmas(driver, previous)


def _pragmas(driver: Any, names: Iterable[str]) -> dict[str, int]:
    """The values of these SQLite pragmas on the driver's connection."""
    return {name: int(driver.execute(f"PRAGMA {name}").fetchone()[0]) for name in names}


def _set_pragmas(driver: Any, values: Mapping[str, int]) -> None:
    for name, value in values.items():
        driver.execute(f"PRAGMA {name} = {int(value)}")


def _table(name: str) -> Table:
    table = Base.metadata.tables.get(name)
    if table is None:
        raise ValueError(f"no table named {name!r}")
    return table


class _Plan:
    """The statement's columns and how each value is converted for the driver."""

    def __init__(
        self,
        writer: BulkWriter,
        table: Table,
        names: list[str],
        constants: Mapping[str, Any],
        *,
        with_ids: bool = False,
    ) -> None:
        dialect = writer.session.get_bind().dialect
        self.table = table
        fixed = {**_defaults(table, set(names) | set(constants)), **constants}
        unknown = [n for n in [*names, *fixed] if n not in table.columns]
        if unknown:
            raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
        # Reserved ids come as a column of their own, first (see convert).
        self.names = [*(["id"] if with_ids else []), *names, *fixed]
        # Shared values: converted once, appended to every row.
        self.tail = tuple(
            _converter(table.columns[n], dialect)([v])[0]
            if _has_processor(table.columns[n], dialect) else v
            for n, v in fixed.items()
        )  # fmt: skip
        # On SQLite the shared values are literals in the statement where they can be (the
        # driver binds a value shared by every row as dearly as one that differs: about a
        # third of an import's parameters); the others are bound to each row.
        self.literals = [
            _sqlite_literal(value) if dialect.name == "sqlite" else None for value in self.tail
        ]
        self.bound_tail = tuple(
            v for v, literal in zip(self.tail, self.literals, strict=True) if literal is None
        )
        self.converters = [
            (i, _converter(table.columns[n], dialect))
            for i, n in enumerate(names)
            if _has_processor(table.columns[n], dialect)
        ]

    def insert_sql(self, dialect: str) -> str:
        """The statement: a marker per bound value, the literals of the shared values."""
        marker = "%s" if dialect == "postgresql" else "?"
        markers = [marker] * (len(self.names) - len(self.tail))
        markers += [marker if literal is None else literal for literal in self.literals]
        return (
            f"INSERT INTO {self.table.name} ({', '.join(self.names)}) VALUES ({', '.join(markers)})"
        )

    def convert(self, rows: Sequence[Row], start: int, ids: list[int] | None) -> list[Row]:
        """The :data:`CHUNK` rows from ``start`` as the driver takes them (see
        :meth:`join`)."""
        part = rows[start : start + CHUNK]
        if not self.converters and ids is None:
            tail = self.bound_tail
            return list(part) if not tail else [(*row, *tail) for row in part]
        return self.join(list(zip(*part, strict=True)), start, ids)

    def join(self, columns: list[Sequence[Any]], start: int, ids: list[int] | None) -> list[Row]:
        """Rows from a chunk of columns: their ids first (when reserved; the chunk's
        from ``start``), converted column by column (see :func:`_converter`), the shared
        values bound appended."""
        count = len(columns[0]) if columns else 0
        lead = [] if ids is None else [ids[start : start + count]]
        for index, convert in self.converters:
            columns[index] = convert(columns[index])
        shared = [repeat(value, count) for value in self.bound_tail]
        return list(zip(*lead, *columns, *shared, strict=True))


def _sqlite_literal(value: Any) -> str | None:
    """A shared value as a literal SQLite stores exactly as it stores the value bound;
    None for a value left to be bound (a float, bytes, text with a NUL)."""
    if value is None:
        return "NULL"
    if isinstance(value, int):  # bool included: the driver binds it as an integer
        return str(int(value))
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _defaults(table: Table, given: set[str]) -> dict[str, Any]:
    """Python-side defaults (``default=list``, ``default=False``) of the columns not given."""
    out: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.primary_key:
            continue
        if getattr(default, "is_scalar", False):
            out[column.name] = default.arg  # type: ignore[attr-defined]
        elif getattr(default, "is_callable", False):
            # SQLAlchemy wraps a no-argument callable to take the execution context.
            out[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return out


def _has_processor(column: Column[Any], dialect: Any) -> bool:
    return column.type._cached_bind_processor(dialect) is not None


def _converter(column: Column[Any], dialect: Any) -> Callable[[Sequence[Any]], list[Any]]:
    """The column's bind processor, applied to a column of values; dates and JSON once
    per distinct value."""
    process = column.type._cached_bind_processor(dialect)
    assert process is not None
    if isinstance(column.type, Date):
        if _formats_as_iso(process):
            return _per_distinct(_iso_date(process), lambda distinct: True)
        return _per_distinct(process, lambda distinct: True)
    if isinstance(column.type, JSON):
        return _per_distinct(process, _plain_json)
    return lambda values: list(map(process, values))


def _formats_as_iso(process: Callable[[Any], Any]) -> bool:
    """Whether a date column's bind processor writes ``date.isoformat()`` (SQLite's
    default storage format, year padded to four digits)."""
    samples = (date(1, 2, 3), date(2026, 11, 24), date(9999, 12, 31))
    return all(process(d) == d.isoformat() for d in samples)


def _iso_date(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process`` for a column that :func:`_formats_as_iso`, with the C method for plain
    dates (a fifth of the time of SQLAlchemy's formatting, for birth dates nearly one
    call per row); anything else (a datetime) still goes through ``process``."""

    def convert(value: Any) -> Any:
        return value.isoformat() if type(value) is date else process(value)

    return convert


def _per_distinct(
    process: Callable[[Any], Any], memoisable: Callable[[set[Any]], bool]
) -> Callable[[Sequence[Any]], list[Any]]:
    """``process`` of each value of a column, run once per distinct value when the
    distinct values are ``memoisable`` (dates: a batch's rows share a few thousand due
    and payment dates, and SQLite's processor formats each one anew; JSON: most rows
    carry one of a few tuples of zones). The converted values are then looked up by a
    ``map`` at C speed instead of a Python call per value."""

    def convert(values: Sequence[Any]) -> list[Any]:
        try:
            distinct = set(values)
        except TypeError:  # a list or a dict: mutable, not a key
            return list(map(process, values))
        if not memoisable(distinct):
            return list(map(process, values))
        table = {value: process(value) for value in distinct}
        return list(map(table.__getitem__, values))

    return convert


def _plain_json(distinct: set[Any]) -> bool:
    """JSON values that equal only themselves: text, tuples of text, null (1 == True,
    yet they are not the same JSON)."""
    return all(
        value is None
        or type(value) is str
        or (type(value) is tuple and all(type(part) is str for part in value))
        for value in distinct
    )
