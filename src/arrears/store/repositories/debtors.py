"""Debtors, their contact points and the facts observed about them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, column, func, select, update, values

from arrears.store.records import ContactPointRecord, DebtorFactRecord, DebtorRecord
from arrears.store.repositories.base import (
    Repository,
    chunked,
    dialect_insert,
    insert_returning_ids,
    unique,
)

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
    def ids_by_ref(self, client_id: int, refs: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in chunked(unique(refs)):
            query = select(DebtorRecord.debtor_ref, DebtorRecord.id).where(
                DebtorRecord.client_id == client_id, DebtorRecord.debtor_ref.in_(part)
            )
            out.update({ref: id_ for ref, id_ in self.session.execute(query) if ref})
        return out

    def ids_by_national_index(self, client_id: int, keys: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in chunked(unique(keys)):
            query = select(DebtorRecord.national_id_index, DebtorRecord.id).where(
                DebtorRecord.client_id == client_id, DebtorRecord.national_id_index.in_(part)
            )
            out.update({key: id_ for key, id_ in self.session.execute(query) if key})
        return out

    def ids_by_name_birth(
        self, client_id: int, pairs: Iterable[tuple[str, date]]
    ) -> dict[tuple[str, date], int]:
        out: dict[tuple[str, date], int] = {}
        d = DebtorRecord
        for part in chunked(unique(pairs), 2_000):
            # Join a VALUES list of the pairs: the index is probed once per pair (an IN list
            # per column would probe the cross product, and a name alone every namesake).
            wanted = _pairs(part, Date())
            query = (
                select(d.name_key, d.birth_date, d.id)
                .join(wanted, (d.name_key == wanted.c.a) & (d.birth_date == wanted.c.b))
                .where(d.client_id == client_id)
            )
            for key, born, id_ in self.session.execute(query):
                if born is not None:
                    out.setdefault((key, born), id_)
        return out

    def ids_by_contact(
        self, client_id: int, name_values: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """Debtors with this name key who already have this phone or e-mail."""
        out: dict[tuple[str, str], int] = {}
        d, p = DebtorRecord, ContactPointRecord
        for part in chunked(unique(name_values), 2_000):
            # A shared number (a switchboard, a family phone) may belong to many debtors:
            # the join asks for the exact (name, value) pairs only.
            wanted = _pairs(part, String())
            query = (
                select(d.name_key, p.value, d.id)
                .join(wanted, p.value == wanted.c.b)
                .join(d, (d.id == p.debtor_id) & (d.name_key == wanted.c.a))
                .where(d.client_id == client_id)
            )
            for key, value, id_ in self.session.execute(query):
                out.setdefault((key, value), id_)
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


def _pairs(rows: Sequence[tuple[str, Any]], second_type: Any) -> Any:
    """A VALUES list of (name key, value) pairs to join, as a CTE.

    A CTE because SQLite does not accept column aliases on a VALUES subquery.
    """
    pairs = values(column("a", String()), column("b", second_type), name="wanted")
    return pairs.data(list(rows)).cte("wanted")
