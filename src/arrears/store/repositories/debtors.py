"""Debtors, their contact points and the facts observed about them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, String, func, select, text, update

from arrears.store.records import ContactPointRecord, DebtorFactRecord, DebtorRecord
from arrears.store.records.parties import NOT_AN_ADDRESS
from arrears.store.repositories.base import (
    Repository,
    chunked,
    dialect_insert,
    insert_returning_ids,
    unique,
)

# (name, value) pairs per lookup query: one JSON parameter each.
PAIRS_CHUNK = 5_000

DEBTOR_FIELDS = (
    "debtor_ref",
    "kind",
    "name",
    "name_key",
    "national_id_index",
    "national_id_last4",
    "birth_date",
    "language",
    "jurisdiction",
    "address",
    "city",
    "region",
    "postal_code",
    "country",
    "time_zones",
    "source",
    "has_conflicts",
)


class DebtorRepository(Repository):
    # -- lookups used to recognise the same debtor ---------------------------------
    # Every lookup answers, per key, the LOWEST matching debtor id: a deterministic tie
    # rule (scan order differs between SQLite and PostgreSQL), and the one an import's
    # in-memory memo of its own debtors can reproduce (see ``ingest/debtors.py``).
    # ``up_to`` limits the answer to debtors with ``id <= up_to`` (those that existed
    # when an import started); None means all of them.
    def max_id(self, client_id: int) -> int | None:
        """The highest id of the client's debtors (None when it has none)."""
        query = select(func.max(DebtorRecord.id)).where(DebtorRecord.client_id == client_id)
        return self.session.scalar(query)

    def ids_by_ref(
        self, client_id: int, refs: Iterable[str], up_to: int | None = None
    ) -> dict[str, int]:
        return self._ids_by("debtor_ref", client_id, refs, up_to)

    def ids_by_national_index(
        self, client_id: int, keys: Iterable[str], up_to: int | None = None
    ) -> dict[str, int]:
        return self._ids_by("national_id_index", client_id, keys, up_to)

    def _ids_by(
        self, column: str, client_id: int, keys: Iterable[str], up_to: int | None
    ) -> dict[str, int]:
        """Debtor ids by an indexed text column; the keys travel as one JSON parameter
        (an IN list of 5,000 parameters costs more to build than to run)."""
        out: dict[str, int] = {}
        query = text(
            f"SELECT d.{column}, d.id FROM {json_keys(self.dialect)} CROSS JOIN debtors d "
            f"WHERE d.client_id = :client AND d.{column} = w.k{_up_to(up_to)}"
        )
        for part in chunked(unique(keys), PAIRS_CHUNK):
            params = {"keys": json.dumps(part), "client": client_id, **_bound(up_to)}
            for key, id_ in self.session.execute(query, params):
                if key:
                    _keep_lowest(out, key, id_)
        return out

    def ids_by_name_birth(
        self, client_id: int, pairs: Iterable[tuple[str, date]], up_to: int | None = None
    ) -> dict[tuple[str, date], int]:
        out: dict[tuple[str, date], int] = {}
        wanted = [(key, born.isoformat()) for key, born in unique(pairs)]
        # The pairs travel as one JSON parameter read as a table: the index is probed
        # once per pair (an IN list per column would probe the cross product, and a name
        # alone every namesake), and there is no statement of 2,000 literals to compile.
        # CROSS JOIN keeps the pairs the outer loop on SQLite, whose planner otherwise
        # scans them once per debtor of the client.
        query = text(
            "SELECT d.name_key, d.birth_date, d.id FROM "
            f"{_json_pairs(self.dialect, 'date')} CROSS JOIN debtors d "
            "WHERE d.name_key = w.a AND d.birth_date = w.b AND d.client_id = :client"
            f"{_up_to(up_to)}"
        ).columns(name_key=String(), birth_date=Date(), id=Integer())
        for part in chunked(wanted, PAIRS_CHUNK):
            params = {"pairs": json.dumps(part), "client": client_id, **_bound(up_to)}
            for key, born, id_ in self.session.execute(query, params):
                if born is not None:
                    _keep_lowest(out, (key, born), id_)
        return out

    def ids_by_contact(
        self, client_id: int, name_values: Iterable[tuple[str, str]], up_to: int | None = None
    ) -> dict[tuple[str, str], int]:
        """Debtors with this name key who already have this phone or e-mail."""
        out: dict[tuple[str, str], int] = {}
        # A shared number (a switchboard, a family phone) may belong to many debtors:
        # the join asks for the exact (name, value) pairs only.
        query = text(
            "SELECT d.name_key, p.value, d.id FROM "
            f"{_json_pairs(self.dialect, 'text')} "
            "CROSS JOIN contact_points p CROSS JOIN debtors d "
            f"WHERE p.value = w.b AND p.{NOT_AN_ADDRESS} AND d.id = p.debtor_id "
            "AND d.name_key = w.a "
            f"AND d.client_id = :client{_up_to(up_to)}"
        ).columns(name_key=String(), value=String(), id=Integer())
        for part in chunked(unique(name_values), PAIRS_CHUNK):
            params = {"pairs": json.dumps(part), "client": client_id, **_bound(up_to)}
            for key, value, id_ in self.session.execute(query, params):
                _keep_lowest(out, (key, value), id_)
        return out

    # -- writes ---------------------------------------------------------------------
    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        return insert_returning_ids(self.session, DebtorRecord.__table__, rows)

    def get_many(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        columns = [DebtorRecord.id, *(getattr(DebtorRecord, f) for f in DEBTOR_FIELDS)]
        for part in chunked(unique(ids)):
            for row in self.session.execute(select(*columns).where(DebtorRecord.id.in_(part))):
                out[row.id] = dict(row._mapping)
        return out

    def update(self, debtor_id: int, values: dict[str, Any]) -> None:
        self.session.execute(
            update(DebtorRecord).where(DebtorRecord.id == debtor_id).values(**values)
        )

    def national_id(self, debtor_id: int) -> str | None:
        query = select(DebtorRecord.national_id_enc).where(DebtorRecord.id == debtor_id)
        return self.session.scalar(query)

    def upsert_contacts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert new contact points; a known one only gets ``last_seen_at`` moved."""
        if not rows:
            return
        table = ContactPointRecord.__table__
        statement = dialect_insert(self.dialect, table)
        statement = statement.on_conflict_do_update(
            index_elements=["debtor_id", "kind", "value"],
            set_={"last_seen_at": statement.excluded.last_seen_at},
        )
        for part in chunked(list(rows), 2_000):
            self.session.execute(statement, list(part))

    def set_do_not_contact(self, point_ids: Sequence[int]) -> None:
        for part in chunked(list(point_ids), 5_000):
            self.session.execute(
                update(ContactPointRecord)
                .where(ContactPointRecord.id.in_(part))
                .values(do_not_contact=True)
            )

    def disable_contact(self, debtor_id: int, value: str) -> int:
        """Mark a debtor's address do-not-contact (it bounced); returns how many points."""
        p = ContactPointRecord
        result = self.session.execute(
            update(p).where(p.debtor_id == debtor_id, p.value == value).values(do_not_contact=True)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def contact_keys(self, debtor_ids: Iterable[int]) -> set[tuple[int, str, str]]:
        """(debtor, kind, value) of every contact point these debtors have."""
        p = ContactPointRecord
        out: set[tuple[int, str, str]] = set()
        for part in chunked(unique(debtor_ids)):
            query = select(p.debtor_id, p.kind, p.value).where(p.debtor_id.in_(part))
            out.update((d, k, v) for d, k, v in self.session.execute(query))
        return out

    def add_facts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Record observed values; one already known from the same source is skipped."""
        if not rows:
            return
        statement = dialect_insert(self.dialect, DebtorFactRecord.__table__)
        statement = statement.on_conflict_do_nothing(
            index_elements=["debtor_id", "field", "value", "source"]
        )
        self.session.execute(statement, list(rows))

    def facts_of(self, debtor_id: int) -> list[DebtorFactRecord]:
        query = (
            select(DebtorFactRecord)
            .where(DebtorFactRecord.debtor_id == debtor_id)
            .order_by(DebtorFactRecord.field, DebtorFactRecord.id)
        )
        return list(self.session.scalars(query))

    def flag_conflicts(self, debtor_ids: Iterable[int], at: datetime) -> None:
        for part in chunked(unique(debtor_ids)):
            self.session.execute(
                update(DebtorRecord)
                .where(DebtorRecord.id.in_(part))
                .values(has_conflicts=True, updated_at=at)
            )

    def count_conflicted(self, client_id: int) -> int:
        query = select(func.count(DebtorRecord.id)).where(
            DebtorRecord.client_id == client_id, DebtorRecord.has_conflicts.is_(True)
        )
        return int(self.session.scalar(query) or 0)


def _up_to(up_to: int | None) -> str:
    """The id bound of a lookup (bound to ``:up_to``), or nothing."""
    return "" if up_to is None else " AND d.id <= :up_to"


def _bound(up_to: int | None) -> dict[str, int]:
    return {} if up_to is None else {"up_to": up_to}


def _keep_lowest(out: dict[Any, int], key: Any, id_: int) -> None:
    found = out.get(key)
    if found is None or id_ < found:
        out[key] = id_


def json_keys(dialect: str) -> str:
    """The ``:keys`` parameter (a JSON array of strings) as a table ``w(k)``.

    Read first (CROSS JOIN keeps it the outer loop on SQLite), each key probes an index.
    """
    if dialect == "postgresql":
        return "(SELECT json_array_elements_text(CAST(:keys AS json)) AS k) AS w"
    return "(SELECT value AS k FROM json_each(:keys)) AS w"


def _json_pairs(dialect: str, second: str) -> str:
    """The ``:pairs`` parameter (a JSON array of two-element arrays) as a table ``w(a, b)``.

    ``second`` is the SQL type of ``b`` on PostgreSQL; SQLite compares dates as the
    ISO text it stores them as.
    """
    if dialect == "postgresql":
        return (
            f"(SELECT v->>0 AS a, CAST(v->>1 AS {second}) AS b "
            "FROM json_array_elements(CAST(:pairs AS json)) AS v) AS w"
        )
    return (
        "(SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b "
        "FROM json_each(:pairs)) AS w"
    )
