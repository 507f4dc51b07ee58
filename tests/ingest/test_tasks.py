"""Importing accounts end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import gc
import os
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import Engine, text
from tests.ingest.helpers import ACCOUNT_HEADERS, account, counts, do_import, write_csv

from arrears.errors import NotFound
from arrears.kit.crypto import FieldCipher

pytestmark = pytest.mark.db

# A Chinese debtor: the id's birth date, a province, no US phone.
CN = {
    "country": "CN",
    "region": "广东",
    "city": "深圳",
    "birth_date": "",
    "phones": "",
    "postal_code": "518000",
}


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql), params)]


class TestAFirstImport:
    def test_every_row_lands_with_normalised_values(self, tmp_path: Path, env, engine: Engine):
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [
                account("A1"),
                account(
                    "A2",
                    name="Li Lei",
                    phones="+86 138 0013 8000",
                    birth_date="1949/12/31",
                    principal="¥2,000.00",
                    currency="CNY",
                    country="CN",
                    region="广东",
                    city="深圳",
                    national_id="11010519491231002X",
                    emails="",
                ),
            ],
        )
        summary = do_import(path, **env)
        assert counts(summary) == (2, 0, 0, 0)
        assert rows(
            engine,
            "SELECT account_ref, principal_minor, interest_minor, fees_minor,"
            " currency FROM accounts ORDER BY account_ref",
        ) == [("A1", 123456, 1000, 500, "USD"), ("A2", 200000, 1000, 500, "CNY")]
        phones = rows(
            engine,
            "SELECT value, kind FROM contact_points WHERE kind != 'email'"
            " AND kind != 'address' ORDER BY value",
        )
        assert ("+12125550142", "phone") in phones or ("+12125550142", "mobile") in phones
        assert ("+8613800138000", "mobile") in phones

    def test_national_ids_are_encrypted_and_never_stored_in_clear(
        self, tmp_path: Path, env, engine: Engine, cipher: FieldCipher
    ):
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [account("A1", national_id="11010519491231002X", **CN)],
        )
        do_import(path, **env)
        enc, last4 = rows(engine, "SELECT national_id_enc, national_id_last4 FROM debtors")[0]
        assert "11010519491231002X" not in str(enc)
        assert cipher.decrypt(str(enc)) == "11010519491231002X"
        assert last4 == "002X"
        dump = rows(engine, "SELECT before, after FROM audit_events")
        assert "11010519491231002X" not in repr(dump)

    def test_an_unknown_client_is_a_clear_error(self, tmp_path: Path, env):
        path = write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1")])
        with pytest.raises(NotFound, match="unknown client 'nobody'"):
            do_import(path, client="nobody", **env)


class TestReimport:
    def test_importing_the_same_file_again_changes_nothing(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1"), account("A2")])
        do_import(path, **env)
        before = rows(engine, "SELECT * FROM accounts ORDER BY id")
        contacts = scalar(engine, "SELECT count(*) FROM contact_points")
        updates = scalar(engine, "SELECT count(*) FROM audit_events WHERE action LIKE '%updated'")
        summary = do_import(path, **env)
        assert counts(summary) == (0, 0, 2, 0)
        assert rows(engine, "SELECT * FROM accounts ORDER BY id") == before
        assert scalar(engine, "SELECT count(*) FROM contact_points") == contacts
        assert (
            scalar(engine, "SELECT count(*) FROM audit_events WHERE action LIKE '%updated'")
            == updates
        )

    def test_a_changed_file_updates_only_what_changed_and_audits_it(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(
                tmp_path / "a.csv",
                ACCOUNT_HEADERS,
                [account("A1"), account("A2", debtor_ref="D2", name="Ann Lee")],
            ),
            **env,
        )
        changed = write_csv(
            tmp_path / "b.csv",
            ACCOUNT_HEADERS,
            [
                account("A1", principal="1,000.00"),
                account(
                    "A2", debtor_ref="D2", name="Ann Lee", phones="(212) 555-0142;(415) 555-0100"
                ),
            ],
        )
        summary = do_import(changed, **env)
        assert counts(summary) == (0, 2, 0, 0)
        assert (
            scalar(engine, "SELECT principal_minor FROM accounts WHERE account_ref='A1'") == 100000
        )
        audit = rows(
            engine, "SELECT before, after FROM audit_events WHERE action = 'account.updated'"
        )
        assert len(audit) == 1
        assert "123456" in str(audit[0][0]) and "100000" in str(audit[0][1])
        assert (
            scalar(engine, "SELECT count(*) FROM contact_points WHERE value = '+14155550100'") == 1
        )

    def test_a_notation_change_that_means_the_same_value_counts_as_unchanged(
        self, tmp_path: Path, env
    ):
        do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1")]), **env)
        again = write_csv(
            tmp_path / "b.csv",
            ACCOUNT_HEADERS,
            [account("A1", principal="$1234.56", phones="212-555-0142")],
        )
        assert counts(do_import(again, **env)) == (0, 0, 1, 0)


class TestBrokenFile:
    BAD: ClassVar[list[tuple[str, dict[str, str], str]]] = [
        ("B1", {"principal": "12x.00"}, "principal"),
        ("B2", {"principal": "1.234"}, "principal"),
        ("B3", {"principal": "-5.00"}, "principal"),
        ("B4", {"due_on": "2026-02-30"}, "due_on"),
        ("B5", {"due_on": "someday"}, "due_on"),
        ("B6", {"phones": "12345"}, "phones"),
        ("B7", {"emails": "not-an-email"}, "emails"),
        ("B8", {"national_id": "110105194912310021", "country": "CN"}, "national_id"),
        ("B9", {"currency": "XYZ"}, "currency"),
        ("B10", {"country": "Atlantis"}, "country"),
        ("B11", {"name": ""}, "name"),
        ("B12", {"due_on": ""}, "due_on"),
    ]

    def test_each_bad_row_is_rejected_with_its_field_and_the_good_rows_land(
        self, tmp_path: Path, env, engine: Engine
    ):
        good = [account("G1"), account("G2")]
        bad = [account(ref, **values) for ref, values, _ in self.BAD]
        path = write_csv(tmp_path / "broken.csv", ACCOUNT_HEADERS, [good[0], *bad, good[1]])
        with path.open("a", encoding="utf-8") as handle:
            handle.write("W1,only,three\n")
        summary = do_import(path, **env)
        assert counts(summary) == (2, 0, 0, len(self.BAD) + 1)
        assert summary.reject_file is not None
        with summary.reject_file.open(encoding="utf-8-sig") as handle:
            problems = list(csv.DictReader(handle))
        by_row = {int(p["row"]): p for p in problems}
        for offset, (_, _, field) in enumerate(self.BAD):
            assert field in {p["field"] for p in problems if int(p["row"]) == offset + 3}, field
            assert by_row[offset + 3]["reason"]
        assert by_row[len(self.BAD) + 4]["field"] == "(row)"
        assert scalar(engine, "SELECT count(*) FROM accounts") == 2

    def test_rejected_rows_are_written_again_with_the_files_own_headers(self, tmp_path: Path, env):
        path = write_csv(
            tmp_path / "broken.csv",
            ACCOUNT_HEADERS,
            [account("B1", principal="oops"), account("G1")],
        )
        summary = do_import(path, **env)
        assert summary.rejected_rows_file is not None
        with summary.rejected_rows_file.open(encoding="utf-8-sig") as handle:
            lines = list(csv.reader(handle))
        assert lines[0] == ["source_row", *ACCOUNT_HEADERS]
        assert lines[1][:2] == ["2", "B1"]

    def test_the_same_account_twice_in_a_file_rejects_the_second_row(self, tmp_path: Path, env):
        path = write_csv(
            tmp_path / "dup.csv", ACCOUNT_HEADERS, [account("A1"), account("A1", principal="9.00")]
        )
        summary = do_import(path, **env)
        assert counts(summary) == (1, 0, 0, 1)


class TestDryRun:
    def test_a_dry_run_counts_and_rejects_but_writes_nothing(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(
            tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1"), account("A2", principal="bad")]
        )
        summary = do_import(path, dry_run=True, **env)
        assert counts(summary) == (1, 0, 0, 1)
        assert summary.import_id is None
        assert summary.reject_file is not None and summary.reject_file.exists()
        for table in ("accounts", "debtors", "contact_points", "imports", "audit_events"):
            assert scalar(engine, f"SELECT count(*) FROM {table}") == 0, table


class TestDebtorRecognition:
    def test_accounts_with_the_same_debtor_ref_share_one_debtor(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [account("A1", debtor_ref="D1"), account("A2", debtor_ref="D1")],
        )
        do_import(path, **env)
        assert scalar(engine, "SELECT count(*) FROM debtors") == 1

    def test_the_same_national_id_across_files_is_the_same_debtor(
        self, tmp_path: Path, env, engine: Engine
    ):
        nid = "11010519491231002X"
        do_import(
            write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1", national_id=nid, **CN)]),
            **env,
        )
        do_import(
            write_csv(tmp_path / "b.csv", ACCOUNT_HEADERS, [account("A2", national_id=nid, **CN)]),
            **env,
        )
        assert scalar(engine, "SELECT count(*) FROM debtors") == 1

    def test_name_and_birth_date_match_without_any_reference(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [account("A1", phones="", emails=""), account("A2", phones="", emails="")],
        )
        do_import(path, **env)
        assert scalar(engine, "SELECT count(*) FROM debtors") == 1

    def test_a_shared_phone_alone_never_merges_two_people(
        self, tmp_path: Path, env, engine: Engine
    ):
        path = write_csv(
            tmp_path / "a.csv",
            ACCOUNT_HEADERS,
            [
                account("A1", name="Jo Smith", birth_date=""),
                account("A2", name="Sam Smith", birth_date=""),
            ],
        )
        do_import(path, **env)
        assert scalar(engine, "SELECT count(*) FROM debtors") == 2

    def test_another_source_disagreeing_is_kept_side_by_side_and_flagged(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1", debtor_ref="D1")]), **env
        )
        do_import(
            write_csv(
                tmp_path / "b.csv",
                ACCOUNT_HEADERS,
                [account("A2", debtor_ref="D1", birth_date="1981-02-03", source="skip_trace")],
            ),
            **env,
        )
        assert (
            scalar(engine, "SELECT birth_date FROM debtors") in ("1980-02-03",)
            or str(scalar(engine, "SELECT birth_date FROM debtors")) == "1980-02-03"
        )
        assert scalar(engine, "SELECT has_conflicts FROM debtors") in (1, True)
        facts = rows(engine, "SELECT field, value, source FROM debtor_facts ORDER BY value")
        assert facts == [
            ("birth_date", "1980-02-03", "creditor"),
            ("birth_date", "1981-02-03", "skip_trace"),
        ]

    def test_contact_points_keep_their_source_import_and_confidence(
        self, tmp_path: Path, env, engine: Engine
    ):
        do_import(
            write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, [account("A1", source="bureau")]), **env
        )
        source, confidence, import_id = rows(
            engine, "SELECT source, confidence, import_id FROM contact_points WHERE kind = 'email'"
        )[0]
        assert (source, confidence) == ("bureau", 70)
        assert import_id == scalar(engine, "SELECT max(id) FROM imports")


class TestInvoices:
    def test_invoice_rows_form_one_account_whose_balance_is_their_sum(
        self, tmp_path: Path, env, engine: Engine
    ):
        headers = [*ACCOUNT_HEADERS, "invoice_no", "invoice_date"]
        data = [
            [*account("C1", principal="100.00", due_on="2026-08-01"), "INV-1", "2026-07-01"],
            [*account("C1", principal="250.50", due_on="2026-07-01"), "INV-2", "2026-06-01"],
            [*account("C1", principal="49.50", due_on="2026-09-01"), "INV-3", "2026-08-01"],
        ]
        summary = do_import(write_csv(tmp_path / "inv.csv", headers, data), **env)
        assert counts(summary) == (3, 0, 0, 0)
        assert rows(engine, "SELECT principal_minor, interest_minor, fees_minor FROM accounts") == [
            (40000, 3000, 1500)
        ]
        assert str(rows(engine, "SELECT due_on FROM accounts")[0][0]) == "2026-07-01"
        assert scalar(engine, "SELECT count(*) FROM invoices") == 3
        again = do_import(write_csv(tmp_path / "inv.csv", headers, data), **env)
        assert counts(again) == (0, 0, 3, 0)


class TestLargeFiles:
    def test_worker_processes_and_small_batches_give_the_same_result(
        self, tmp_path: Path, env, engine: Engine
    ):
        data = [
            account(
                f"A{i}",
                debtor_ref=f"D{i // 2}",
                phones=f"(212) 555-{i:04d}",
                name=f"Person {i // 2}",
            )
            for i in range(300)
        ]
        path = write_csv(tmp_path / "big.csv", ACCOUNT_HEADERS, data)
        summary = do_import(path, batch_size=100, workers=2, **env)
        assert counts(summary) == (300, 0, 0, 0)
        assert scalar(engine, "SELECT count(*) FROM debtors") == 150
        assert counts(do_import(path, batch_size=100, workers=2, **env)) == (0, 0, 300, 0)

    def test_the_first_batch_is_screened_by_the_importer_while_the_workers_start(
        self, tmp_path: Path, env, monkeypatch: pytest.MonkeyPatch
    ):
        from arrears.ingest import tasks

        where: dict[int, str] = {}  # by the first row of each batch
        real = tasks._screened

        def screened(pool, cipher, screen, *args):  # type: ignore[no-untyped-def]
            batch = args[2]  # a chunk of lines, or rows
            first = batch.chunk.first if hasattr(batch, "chunk") else batch[0][0]
            where[first] = "here" if pool is None else "worker"
            return real(pool, cipher, screen, *args)

        monkeypatch.setattr(tasks, "_screened", screened)
        data = [account(f"A{i}", debtor_ref=f"D{i // 3}") for i in range(50)]
        path = write_csv(tmp_path / "five.csv", ACCOUNT_HEADERS, data)
        assert counts(do_import(path, batch_size=10, workers=2, **env)) == (50, 0, 0, 0)
        assert where == {2: "here", 12: "worker", 22: "worker", 32: "worker", 42: "worker"}

    def test_the_collector_waits_while_batches_are_written_and_is_back_after(
        self, tmp_path: Path, env, monkeypatch: pytest.MonkeyPatch
    ):
        from arrears.ingest import tasks

        seen: list[tuple[bool, bool]] = []  # per batch: collector on, objects set aside
        real = tasks.apply_accounts

        def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
            return real(*args, **kwargs)

        monkeypatch.setattr(tasks, "apply_accounts", watching)
        data = [account(f"A{i}", debtor_ref=f"D{i // 3}") for i in range(30)]
        path = write_csv(tmp_path / "three.csv", ACCOUNT_HEADERS, data)
        assert gc.isenabled()
        assert counts(do_import(path, batch_size=10, **env)) == (30, 0, 0, 0)
        assert seen == [(False, False), (False, True), (False, True)]
        assert gc.isenabled() and gc.get_freeze_count() == 0
        # A load that fails gives the collector back too.
        _crash_on_the_second_batch(monkeypatch)
        changed = [account(f"B{i}") for i in range(30)]
        with pytest.raises(RuntimeError, match="disk on fire"):
            do_import(write_csv(tmp_path / "b.csv", ACCOUNT_HEADERS, changed),
                      batch_size=10, **env)  # fmt: skip
        assert gc.isenabled() and gc.get_freeze_count() == 0

    def test_the_workers_run_at_a_lower_priority_than_the_importer(self):
        from arrears.ingest import results, tasks

        pool = tasks._pool(2)
        assert pool is not None
        try:
            niceness = pool.submit(os.nice, 0).result()
        finally:
            pool.shutdown()
        assert niceness == min(os.nice(0) + results.WORKER_NICENESS, 19)

    def test_a_worker_imports_the_screening_and_not_the_store(self):
        from arrears.ingest import tasks

        pool = tasks._pool(2)
        assert pool is not None
        # What a batch's task unpickles (the screening), then: is the store loaded? (A
        # builtin is sent, not a function of this module, which would load the store.)
        probe = (
            "[__import__(m) for m in ('arrears.ingest.lines', 'arrears.ingest.results')]"
            " and 'arrears.store.uow' in __import__('sys').modules"
        )
        try:
            assert pool.submit(eval, probe).result() is False
        finally:
            pool.shutdown()


def _crash_on_the_second_batch(monkeypatch: pytest.MonkeyPatch) -> object:
    """Make the import fail while writing its second batch; the real writer, to put back."""
    from arrears.ingest import tasks

    real = tasks.apply_accounts
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "apply_accounts", crashing)
    return real


class TestCrashRecovery:
    def test_a_crash_after_some_batches_marks_the_import_failed_and_a_rerun_finishes_it(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ):
        from arrears.ingest import tasks

        data = [account(f"A{i}", debtor_ref=f"D{i}") for i in range(250)]
        path = write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, data)
        real = _crash_on_the_second_batch(monkeypatch)
        with pytest.raises(RuntimeError):
            do_import(path, batch_size=100, **env)
        assert scalar(engine, "SELECT status FROM imports") == "failed"
        assert scalar(engine, "SELECT count(*) FROM accounts") == 100
        monkeypatch.setattr(tasks, "apply_accounts", real)
        summary = do_import(path, batch_size=100, **env)
        assert counts(summary) == (150, 0, 100, 0)
        assert scalar(engine, "SELECT count(*) FROM accounts") == 250
        assert scalar(engine, "SELECT count(DISTINCT account_ref) FROM accounts") == 250


def _secondary_indexes(engine: Engine) -> set[str]:
    """The indexes a first load may defer that exist in the database now."""
    from sqlalchemy import inspect

    from arrears.store.bulk import LOADED_TABLES, deferrable_indexes

    inspector = inspect(engine)
    found = {index["name"] for table in LOADED_TABLES for index in inspector.get_indexes(table)}
    return found & {str(index.name) for index in deferrable_indexes()}


class TestFirstLoad:
    """A first import into an empty store builds the secondary indexes at its end."""

    def test_the_indexes_are_there_after_a_first_load_and_matching_still_works(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ):
        from arrears.ingest import tasks

        before = _secondary_indexes(engine)
        seen: list[set[str]] = []
        real = tasks.apply_accounts

        def watching(*args, **kwargs):
            seen.append(_secondary_indexes(engine))
            return real(*args, **kwargs)

        monkeypatch.setattr(tasks, "apply_accounts", watching)
        # One debtor across two batches: matched by name and phone, not by ref.
        data = [account(f"A{i}", name="Wang Fang", phones="(212) 555-0100", debtor_ref="")
                for i in range(150)]  # fmt: skip
        summary = do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, data),
                            batch_size=100, **env)  # fmt: skip
        assert counts(summary) == (150, 0, 0, 0)
        assert summary.indexes_built_after
        assert seen == [set(), set()]  # deferred while the batches were written
        assert _secondary_indexes(engine) == before
        assert scalar(engine, "SELECT count(*) FROM debtors") == 1
        # A second file: the store is no longer empty, the indexes stay as they are.
        seen.clear()
        more = [account(f"B{i}", name="Wang Fang", phones="(212) 555-0100", debtor_ref="")
                for i in range(3)]  # fmt: skip
        second = do_import(write_csv(tmp_path / "b.csv", ACCOUNT_HEADERS, more), **env)
        assert counts(second) == (3, 0, 0, 0) and not second.indexes_built_after
        assert seen == [before]
        assert scalar(engine, "SELECT count(*) FROM debtors") == 1

    def test_a_crash_in_a_first_load_leaves_the_indexes_built(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ):
        before = _secondary_indexes(engine)
        _crash_on_the_second_batch(monkeypatch)
        data = [account(f"A{i}", debtor_ref=f"D{i}") for i in range(250)]
        with pytest.raises(RuntimeError):
            do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, data), batch_size=100, **env)
        assert scalar(engine, "SELECT status FROM imports") == "failed"
        assert _secondary_indexes(engine) == before

    def test_an_import_builds_indexes_a_killed_load_left_missing(
        self, tmp_path: Path, env, engine: Engine
    ):
        from arrears.store.bulk import deferrable_indexes

        before = _secondary_indexes(engine)
        with engine.begin() as connection:  # as a load killed while they were deferred
            for index in deferrable_indexes():
                index.drop(connection)
        data = [account("A1", debtor_ref="D1")]
        do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, data), dry_run=True, **env)
        assert _secondary_indexes(engine) == set()  # a dry run changes nothing
        do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, data), **env)
        assert _secondary_indexes(engine) == before
