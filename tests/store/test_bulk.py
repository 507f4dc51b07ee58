"""The bulk writer stores rows exactly as the ORM would, and the import's lookups find them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, text

from arrears.store.records import ContactPointRecord, DebtorRecord

pytestmark = pytest.mark.db

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
COLUMNS = ("debtor_ref", "kind", "name", "name_key", "birth_date", "time_zones", "has_conflicts")


def _client(uow) -> int:
    uow.clients.add(code="acme", name="Acme", at=AT)
    client = uow.clients.get_by_code("acme")
    assert client is not None
    return int(client.id)


def _debtor(ref: str, name: str, born: date | None) -> tuple[object, ...]:
    return (ref, "person", name, name.replace(" ", "").lower(), born, ("Asia/Shanghai",), False)


def test_a_bulk_row_is_stored_as_the_orm_stores_it(uow_factory):
    with uow_factory() as uow:
        client_id = _client(uow)
        shared = {"client_id": client_id, "created_at": AT, "updated_at": AT}
        row = dict(zip(COLUMNS, _debtor("D1", "Li Lei", date(1990, 5, 17)), strict=True))
        uow.session.execute(
            insert(DebtorRecord), [{**row, "time_zones": ["Asia/Shanghai"], **shared}]
        )
        ids = uow.bulk.insert(
            "debtors",
            COLUMNS,
            [_debtor("D2", "Li Lei", date(1990, 5, 17))],
            constants=shared,
            with_ids=True,
        )
        uow.commit()
    with uow_factory() as uow:
        stored = uow.session.execute(
            text("SELECT * FROM debtors ORDER BY id")
        ).mappings().all()  # fmt: skip
        record = uow.session.get(DebtorRecord, ids[0])
        assert record is not None
        assert record.birth_date == date(1990, 5, 17)
        assert record.time_zones == ["Asia/Shanghai"]
        assert record.risk_flags == [] and record.inconvenient_times == []  # the defaults
        assert record.created_at == AT
    orm, bulk = ({k: v for k, v in r.items() if k not in ("id", "debtor_ref")} for r in stored)
    assert bulk == orm  # the same text, JSON and instants in the database


def test_values_shared_by_every_row_are_stored_as_the_orm_stores_them(uow_factory):
    # On SQLite the shared values are literals in the statement: a quote, a NUL, a
    # boolean, a missing value and JSON must come out as the bound values do.
    shared = {"kind": "person", "name": "O'Brien -- x", "name_key": "obrien",
              "has_conflicts": True, "national_id_last4": None, "birth_date": date(1990, 5, 17),
              "time_zones": ["Europe/London"], "created_at": AT, "updated_at": AT}  # fmt: skip
    with uow_factory() as uow:
        client_id = _client(uow)
        if uow.bulk.dialect == "sqlite":  # PostgreSQL refuses NUL in text
            shared["name_key"] = "o\x00brien"
        uow.session.execute(
            insert(DebtorRecord), [{"debtor_ref": "D1", "client_id": client_id, **shared}]
        )
        uow.bulk.insert("debtors", ("debtor_ref",), [("D2",), ("D3",)],
                        constants={"client_id": client_id, **shared})  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        stored = uow.session.execute(text("SELECT * FROM debtors ORDER BY id")).mappings().all()
    orm, *bulk = ({k: v for k, v in r.items() if k not in ("id", "debtor_ref")} for r in stored)
    assert bulk == [orm, orm]
    assert orm["name"] == "O'Brien -- x" and orm["has_conflicts"] in (True, 1)


def test_ids_come_back_in_the_order_of_the_rows(uow_factory):
    with uow_factory() as uow:
        client_id = _client(uow)
        rows = [_debtor(f"D{n}", f"Person {n}", None) for n in range(25)]
        ids = uow.bulk.insert("debtors", COLUMNS, rows, with_ids=True,
                              constants={"client_id": client_id, "created_at": AT,
                                         "updated_at": AT})  # fmt: skip
        found = dict(uow.session.execute(select(DebtorRecord.id, DebtorRecord.debtor_ref)).all())
    assert [found[i] for i in ids] == [f"D{n}" for n in range(25)]


def test_an_upsert_moves_only_the_columns_named(uow_factory):
    columns = ("debtor_id", "kind", "value", "source")
    with uow_factory() as uow:
        client_id = _client(uow)
        (debtor_id,) = uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Jo", None)],
                                       constants={"client_id": client_id, "created_at": AT,
                                                  "updated_at": AT}, with_ids=True)  # fmt: skip
        first = {"first_seen_at": AT, "last_seen_at": AT}
        uow.bulk.insert("contact_points", columns, [(debtor_id, "email", "jo@x.org", "bureau")],
                        constants=first)  # fmt: skip
        again = [(debtor_id, "email", "jo@x.org", "creditor"), (debtor_id, "mobile", "+1", "x")]
        uow.bulk.upsert("contact_points", columns, again, keys=("debtor_id", "kind", "value"),
                        update=("last_seen_at",),
                        constants={"first_seen_at": LATER, "last_seen_at": LATER})  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        points = {p.value: p for p in uow.session.scalars(select(ContactPointRecord))}
        assert points["jo@x.org"].source == "bureau"
        assert points["jo@x.org"].first_seen_at == AT
        assert points["jo@x.org"].last_seen_at == LATER
        assert points["+1"].first_seen_at == LATER
        assert points["+1"].consents == {} and points["+1"].verified is False


def test_an_unknown_column_is_refused(uow_factory):
    with uow_factory() as uow, pytest.raises(ValueError, match="no column"):
        uow.bulk.insert("debtors", ("nickname",), [("Jo",)])


def test_the_import_lookups_find_what_was_written(uow_factory):
    with uow_factory() as uow:
        client_id = _client(uow)
        shared = {"client_id": client_id, "created_at": AT, "updated_at": AT}
        ids = uow.bulk.insert(
            "debtors",
            (*COLUMNS, "national_id_index"),
            [(*_debtor("D1", "Li Lei", date(1990, 5, 17)), "idx-1"),
             (*_debtor("D2", "Han Mei", None), None)],
            constants=shared,
            with_ids=True,
        )  # fmt: skip
        uow.bulk.insert("contact_points", ("debtor_id", "kind", "value"),
                        [(ids[1], "mobile", "+8613800000000")],
                        constants={"first_seen_at": AT, "last_seen_at": AT})  # fmt: skip
        d = uow.debtors
        assert d.ids_by_ref(client_id, ["D1", "D2", "D3"]) == {"D1": ids[0], "D2": ids[1]}
        assert d.ids_by_national_index(client_id, ["idx-1", "idx-2"]) == {"idx-1": ids[0]}
        born = d.ids_by_name_birth(
            client_id, [("lilei", date(1990, 5, 17)), ("lilei", date(1990, 5, 18))]
        )
        assert born == {("lilei", date(1990, 5, 17)): ids[0]}
        contacts = d.ids_by_contact(
            client_id, [("hanmei", "+8613800000000"), ("lilei", "+8613800000000")]
        )
        assert contacts == {("hanmei", "+8613800000000"): ids[1]}
        assert d.ids_by_ref(client_id + 1, ["D1"]) == {}  # another client's debtors


def test_loading_settings_last_across_commits_and_are_restored(uow_factory):
    """An import's batches each commit; the SQLite page cache stays large between
    them (index pages stay warm) and is back to its size when the import ends."""
    from arrears.store.bulk import LOADING_CACHE_KIB

    with uow_factory() as uow:
        if uow.session.get_bind().dialect.name != "sqlite":
            with uow.bulk.loading():
                uow.bulk.keep_loading()  # nothing to do on PostgreSQL
            return

        def cache() -> int:
            return int(uow.session.execute(text("PRAGMA cache_size")).scalar_one())

        before = cache()
        client_id = _client(uow)
        with uow.bulk.loading():
            for n in range(2):
                uow.bulk.keep_loading()
                assert cache() == -LOADING_CACHE_KIB
                uow.bulk.insert("debtors", COLUMNS, [_debtor(f"D{n}", "Li Lei", None)],
                                constants={"client_id": client_id, "created_at": AT,
                                           "updated_at": AT, "language": "zh-CN"})  # fmt: skip
                uow.commit()
            assert cache() == -LOADING_CACHE_KIB
        assert cache() == before


def _indexes(uow) -> set[str]:
    """The indexes of the loaded tables that exist in the database now."""
    from sqlalchemy import inspect

    from arrears.store.bulk import LOADED_TABLES

    inspector = inspect(uow.session.connection())
    return {found["name"] for table in LOADED_TABLES for found in inspector.get_indexes(table)}


def _secondary(uow) -> set[str]:
    """Those of them a load may defer."""
    return _indexes(uow) & _defined()


def _defined() -> set[str]:
    from arrears.store.bulk import deferrable_indexes

    return {str(index.name) for index in deferrable_indexes()}


def _constants(client_id: int) -> dict[str, object]:
    return {"client_id": client_id, "created_at": AT, "updated_at": AT, "language": "zh-CN"}


class TestDeferredIndexes:
    """A first load into empty tables builds their secondary indexes at its end."""

    def test_a_load_into_empty_tables_builds_them_at_the_end(self, uow_factory):
        with uow_factory() as uow:
            client_id = _client(uow)
            uow.commit()
            assert _defined() and _secondary(uow) == _defined()
            with uow.bulk.indexes_deferred() as deferred:
                assert deferred
                assert _secondary(uow) == set()
                assert "ix_accounts_debtor" not in _indexes(uow)  # accounts by debtor too
                uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Li Lei", date(1990, 1, 2))],
                                constants=_constants(client_id))  # fmt: skip
                uow.commit()
            assert _secondary(uow) == _defined()
            assert uow.debtors.ids_by_name_birth(client_id, [("lilei", date(1990, 1, 2))], None)
            assert uow.debtors.ids_by_ref(client_id, ["D1"], None) != {}

    def test_unique_keys_hold_while_the_indexes_are_deferred(self, uow_factory):
        with uow_factory() as uow:
            client_id = _client(uow)
            uow.commit()
            with uow.bulk.indexes_deferred():
                uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Li Lei", None)],
                                constants=_constants(client_id))  # fmt: skip
                uow.commit()
                with pytest.raises(Exception, match=r"(?i)unique|duplicate"):  # the driver's
                    uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Han Meimei", None)],
                                    constants=_constants(client_id))  # fmt: skip
                uow.rollback()
            assert _secondary(uow) == _defined()

    def test_tables_that_hold_rows_keep_their_indexes(self, uow_factory):
        with uow_factory() as uow:
            client_id = _client(uow)
            uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Li Lei", None)],
                            constants=_constants(client_id))  # fmt: skip
            uow.commit()
            with uow.bulk.indexes_deferred() as deferred:
                assert not deferred
                assert _secondary(uow) == _defined()

    def test_a_load_that_fails_still_builds_them(self, uow_factory):
        with uow_factory() as uow:
            client_id = _client(uow)
            uow.commit()
            with pytest.raises(RuntimeError), uow.bulk.indexes_deferred():
                uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Li Lei", None)],
                                constants=_constants(client_id))  # fmt: skip
                raise RuntimeError("disk on fire")
            assert _secondary(uow) == _defined()
            assert uow.debtors.ids_by_ref(client_id, ["D1"], None) == {}  # rolled back

    def test_two_first_loads_at_once_both_run_and_leave_the_indexes_built(self, uow_factory):
        with uow_factory() as first, uow_factory() as second:
            client_id = _client(first)
            first.commit()
            with first.bulk.indexes_deferred() as deferred:
                assert deferred
                with second.bulk.indexes_deferred() as also:  # the tables are still empty
                    assert also
                    second.bulk.insert("debtors", COLUMNS, [_debtor("D2", "Li Lei", None)],
                                       constants=_constants(client_id))  # fmt: skip
                    second.commit()
                assert _secondary(second) == _defined()  # the first to end built them
                first.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Han Meimei", None)],
                                  constants=_constants(client_id))  # fmt: skip
                first.commit()
            assert _secondary(first) == _defined()

    def test_indexes_a_stopped_load_left_missing_are_built_again(self, uow_factory):
        """As when the process died inside the load: the next import (or ``arrears db
        upgrade``) builds what is missing, and nothing when nothing is."""
        from arrears.store.bulk import deferrable_indexes

        with uow_factory() as uow:
            for index in deferrable_indexes()[:2]:
                index.drop(uow.session.connection())
            uow.commit()
            assert len(_secondary(uow)) == len(_defined()) - 2
            assert sorted(uow.bulk.restore_indexes()) == sorted(
                str(index.name) for index in deferrable_indexes()[:2]
            )
            assert _secondary(uow) == _defined()
            assert uow.bulk.restore_indexes() == []

    def test_sqlite_sorts_the_keys_in_temporary_files_with_threads_then_settles_back(
        self, uow_factory, monkeypatch
    ):
        from arrears.store import bulk

        with uow_factory() as uow:
            if uow.bulk.dialect != "sqlite":
                pytest.skip("SQLite's sorter settings")
            pragmas = ("cache_size", "temp_store", "threads")

            def settings(connection=None) -> dict[str, int]:  # type: ignore[no-untyped-def]
                connection = connection or uow.session.connection()
                return {p: connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas}

            with uow.bulk.loading():
                before = settings()
                during: list[dict[str, int]] = []
                real = bulk.Index.create

                def create(index, bind, **kwargs):  # type: ignore[no-untyped-def]
                    during.append(settings(bind))
                    return real(index, bind, **kwargs)

                monkeypatch.setattr(bulk.Index, "create", create)
                for index in bulk.deferrable_indexes()[:2]:
                    index.drop(uow.session.connection())
                assert len(uow.bulk.restore_indexes()) == 2
                assert during == [bulk._sort_settings()] * 2
                assert during[0]["temp_store"] == 1 and during[0]["threads"] >= 1
                assert settings() == before  # the loading cache again
                assert before["cache_size"] == -bulk.LOADING_CACHE_KIB
            assert _secondary(uow) == _defined()


def test_a_column_is_converted_value_by_value_as_the_driver_needs_it(uow_factory):
    # Distinct values are converted once; values equal in Python but not in JSON
    # (1 and True) and mutable ones (lists) each keep their own conversion.
    from arrears.store.bulk import _converter, _formats_as_iso

    with uow_factory() as uow:
        dialect = uow.session.get_bind().dialect
    zones = DebtorRecord.__table__.c.time_zones
    born = DebtorRecord.__table__.c.birth_date
    values = [1, True, ("x",), ("x",), None, ["y"], "z"]
    process = zones.type._cached_bind_processor(dialect)

    def shown(converted):  # psycopg wraps JSON in an object compared by identity
        return [(type(v), v) for v in (getattr(c, "obj", c) for c in converted)]

    assert shown(_converter(zones, dialect)(values)) == shown(map(process, values))
    dates = [date(2026, 1, 2), None, date(2026, 1, 2), date(7, 8, 9), datetime(2026, 1, 2, 3, 4)]
    process = born.type._cached_bind_processor(dialect)
    if process is not None:  # SQLite formats dates; PostgreSQL's driver takes them
        assert _formats_as_iso(process)  # so plain dates take the quick way
        assert _converter(born, dialect)(dates) == [process(v) for v in dates]
        assert _converter(born, dialect)(dates)[3:] == ["0007-08-09", process(dates[4])]


def test_rows_given_column_by_column_are_stored_as_rows_are(uow_factory):
    rows = [_debtor(f"D{n}", f"Person {n}", date(1990, 1, n + 1) if n % 2 else None)
            for n in range(5)]  # fmt: skip
    with uow_factory() as uow:
        shared = {"client_id": _client(uow), "created_at": AT, "updated_at": AT}
        uow.bulk.insert("debtors", COLUMNS, rows, constants=shared)
        transposed = zip(*rows, strict=True)
        columns = {name: list(values) for name, values in zip(COLUMNS, transposed, strict=True)}
        columns["debtor_ref"] = [f"E{n}" for n in range(5)]
        ids = uow.bulk.insert_columns("debtors", columns, constants=shared, with_ids=True)
        uow.commit()
        with pytest.raises(ValueError, match="different lengths"):
            uow.bulk.insert_columns("debtors", {"name": ["a"], "kind": []})
    with uow_factory() as uow:
        stored = uow.session.execute(text("SELECT * FROM debtors ORDER BY id")).mappings().all()
    assert [r["id"] for r in stored[5:]] == ids
    first, second = (
        [{k: v for k, v in r.items() if k not in ("id", "debtor_ref")} for r in half]
        for half in (stored[:5], stored[5:])
    )
    assert first == second


def test_reserving_ids_takes_the_write_lock_and_touches_no_row(uow_factory, engine):
    """Nobody can take the same ids meanwhile, and no row's references are checked
    (a first load defers the indexes those checks would need)."""
    from arrears.store.records import DebtorRecord as Debtors
    from arrears.store.repositories.base import reserve_ids

    with uow_factory() as uow:
        client_id = _client(uow)
        shared = {"client_id": client_id, "created_at": AT, "updated_at": AT}
        uow.bulk.insert("debtors", COLUMNS, [_debtor("D1", "Li Lei", None)], constants=shared)
        uow.commit()
        before = uow.session.execute(text("SELECT * FROM debtors")).mappings().all()
        assert reserve_ids(uow.session, Debtors.__table__, 3) == [2, 3, 4]
        if engine.dialect.name == "sqlite":
            with engine.connect() as other, pytest.raises(Exception, match="locked"):
                other.exec_driver_sql("PRAGMA busy_timeout = 0")
                other.exec_driver_sql("BEGIN IMMEDIATE")
        assert uow.session.execute(text("SELECT * FROM debtors")).mappings().all() == before
        uow.rollback()


class TestPlannerStatistics:
    """On PostgreSQL a load refreshes the statistics of a table each time it doubles, so
    the lookups of its next batches are planned for the rows there are."""

    def test_a_table_is_analysed_when_the_load_has_doubled_it(self, uow_factory, monkeypatch):
        from arrears.store import bulk

        monkeypatch.setattr(bulk, "ANALYZE_AFTER_ROWS", 3)
        with uow_factory() as uow:
            if uow.bulk.dialect != "postgresql":
                pytest.skip("PostgreSQL's planner statistics")
            client_id = _client(uow)

            def add(count: int, start: int) -> None:
                rows = [_debtor(f"D{n}", f"Person {n}", None) for n in range(start, start + count)]
                uow.bulk.insert("debtors", COLUMNS, rows, constants=_constants(client_id))

            def counted() -> float:
                sql = "SELECT greatest(reltuples, 0) FROM pg_class WHERE relname = 'debtors'"
                return float(uow.session.execute(text(sql)).scalar_one())

            add(5, 0)
            uow.bulk.keep_loading()  # not loading: nothing is counted
            assert counted() == 0
            with uow.bulk.loading():
                add(2, 5)
                uow.bulk.keep_loading()  # fewer than ANALYZE_AFTER_ROWS
                assert counted() == 0
                add(2, 7)
                uow.bulk.keep_loading()  # 4 rows added to a table of none: analysed
                assert counted() == 9
                add(3, 9)
                uow.bulk.keep_loading()  # 3 more to 9: not yet doubled
                assert counted() == 9
                add(6, 12)
                uow.bulk.keep_loading()  # 9 more: doubled
                assert counted() == 18
            uow.commit()
