"""The columnar screening (``rows.columns``) lands exactly what the row validator lands.

Every accounts batch of the import tests is screened both ways by the autouse
fixture in ``conftest.py``; the scenarios here import the same messy files into
two databases, once each way, and compare the store, the summaries and the
reject files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.fixtures import database
from tests.ingest import test_tasks
from tests.ingest.helpers import ACCOUNT_HEADERS, account, add_client, counts, do_import, write_csv

from arrears.ingest.mapping import plan_headers
from arrears.ingest.rows.batch import screen_batch
from arrears.kit.crypto import FieldCipher
from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db

HEADERS = [*ACCOUNT_HEADERS, "debtor_kind", "jurisdiction", "language", "original_amount",
           "opened_on", "invoice_no", "invoice_date"]  # fmt: skip
# Tables an accounts import writes; encrypted columns differ run to run (random nonces).
TABLES = ("debtors", "contact_points", "debtor_facts", "accounts", "invoices", "audit_events")
# The audit chain hashes the events, whose file paths differ between the two folders.
SKIP = {"national_id_enc", "hash", "prev_hash"}


def row(
    ref: str, extra: tuple[str, ...] = ("", "", "", "", "", "", ""), **values: str
) -> list[str]:
    return [*account(ref, **values), *extra]


def messy_rows() -> list[list[str]]:
    """Good rows in many notations, every kind of bad value, matches and duplicates."""
    bad = [row(ref, **values) for ref, values, _ in test_tasks.TestBrokenFile.BAD]
    return [
        row("G1"),
        row(
            "G2",
            principal="１，２３４．５６",
            name="Ｊｏ  Smith",
            phones="+1 212 555 0142; 212-555-0143",
        ),
        row("G3", national_id="11010519491231002X", name="王小明", **test_tasks.CN),
        row(
            "G4", national_id="110105491231002", name="李雷", **test_tasks.CN
        ),  # 15 digits: upgraded
        row(
            "G5",
            national_id="11010519491231002X",
            name="王小明",
            **{**test_tasks.CN, "birth_date": "1949-12-31"},
        ),
        row(
            "G6",
            national_id="11010519491231002X",
            name="王小明",
            **{**test_tasks.CN, "birth_date": "1950-01-01"},
        ),
        row("G7", debtor_ref="D1", principal="$1,234.56", due_on="2026/3/5"),
        row("G8", debtor_ref="D1", name="Jo Smyth", source="bureau", due_on="2026年3月5日"),
        row("G9", national_id="123-45-6789", principal="0", interest=""),
        row("G10", national_id="666-12-3456"),
        row("G11", name="ACME Ltd", extra=("company", "", "", "", "", "", ""), national_id="91-3"),
        row("G12", extra=("", "US-NY", "en-US", "2,000.00", "2025-01-02", "", "")),
        row("G13", emails="Jo.Smith@EXAMPLE.com|jo@example.org", phones=""),
        row("G14", emails='"quoted"@example.com', address="  2  Elm   St "),
        row("G15", postal_code="2139", region="Massachusetts", city="Boston"),
        row("G16", country="GB", region="Scotland", phones="020 7946 0000", currency="GBP"),
        row("G17", currency="JPY", principal="1200", interest="1.5"),
        row("I1", extra=("", "", "", "", "", "INV-1", "2026-07-01"), principal="100.00"),
        row("I1", extra=("", "", "", "", "", "INV-2", "2026-06-01"), principal="250.50"),
        row("G1"),  # the same account twice
        row("G18", name="Ｍüller ß", birth_date="45000"),
        row("G19", principal="1,23,456.00"),
        row("G20", phones="(212) 555-0142 ext. 5"),
        *bad,
    ]


@pytest.fixture
def second_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty database on the same backend."""
    if database_url.startswith("sqlite"):
        template = request.getfixturevalue("_sqlite_template")
        (tmp_path / "second").mkdir()
        yield database.sqlite_copy(template, tmp_path / "second")
        return
    url, admin = request.getfixturevalue("_postgres")
    copy = database.postgres_copy(admin, url)
    yield copy
    database.postgres_drop(admin, copy)


def dump(engine: Engine) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    with engine.connect() as connection:
        for table in TABLES:
            found = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).mappings()
            out[table] = [{k: _same_folder(v) for k, v in r.items() if k not in SKIP}
                          for r in found]  # fmt: skip
    return out


def _same_folder(value: object) -> object:
    """The two runs read their files from two folders; that is no difference."""
    if isinstance(value, dict):
        value = json.dumps(value, sort_keys=True)
    if isinstance(value, str):
        return value.replace("/columnar/", "/X/").replace("/rows/", "/X/")
    return value


def run_both(
    tmp_path: Path,
    engines: dict[bool, Engine],
    cipher: FieldCipher,
    name: str,
    rows: list[list[str]],
) -> dict[bool, tuple[object, ...]]:
    """Import the same file with and without the columnar screening."""
    out = {}
    for columnar, engine in engines.items():
        folder = tmp_path / ("columnar" if columnar else "rows")
        folder.mkdir(exist_ok=True)
        path = write_csv(folder / name, HEADERS, rows)
        summary = do_import(
            path,
            uow_factory=lambda e=engine: UnitOfWork.for_engine(e),
            cipher=cipher,
            clock=lambda: datetime(2026, 11, 23, 12, tzinfo=UTC),
            batch_size=7,
            columnar=columnar,
        )
        file = summary.reject_file
        rejects = file.read_text(encoding="utf-8-sig") if file is not None else None
        out[columnar] = (counts(summary), summary.read, rejects)
    return out


def test_messy_files_land_the_same_both_ways(
    tmp_path: Path, engine: Engine, second_url: str, cipher: FieldCipher
):
    second = make_engine(second_url)
    engines = {False: engine, True: second}
    try:
        for each in engines.values():
            add_client(
                lambda e=each: UnitOfWork.for_engine(e), lambda: datetime(2026, 1, 1, tzinfo=UTC)
            )
        first = run_both(tmp_path, engines, cipher, "a.csv", messy_rows())
        assert first[True] == first[False]
        assert counts_of(first[True])[3] > len(test_tasks.TestBrokenFile.BAD)
        assert_same(dump(second), dump(engine))
        # Again unchanged, then changed: updates, conflicts and audits.
        again = run_both(tmp_path, engines, cipher, "a.csv", messy_rows())
        assert again[True] == again[False]
        changed = [
            *messy_rows()[:3],
            row("G7", debtor_ref="D1", principal="99.00", name="Jo Smithe"),
            row("G21", national_id="11010519491231002X", name="王晓明", source="bureau",
                **test_tasks.CN),
        ]  # fmt: skip
        third = run_both(tmp_path, engines, cipher, "b.csv", changed)
        assert third[True] == third[False]
        assert_same(dump(second), dump(engine))
    finally:
        second.dispose()


def assert_same(
    columnar: dict[str, list[dict[str, object]]], rows: dict[str, list[dict[str, object]]]
) -> None:
    for table in TABLES:
        assert len(columnar[table]) == len(rows[table]), table
        for got, expected in zip(columnar[table], rows[table], strict=True):
            assert got == expected, table


def counts_of(result: tuple[object, ...]) -> tuple[int, int, int, int]:
    found = result[0]
    assert isinstance(found, tuple)
    return found


def test_a_batch_of_plain_rows_is_decided_column_by_column(tmp_path: Path):
    """The common rows never reach the row validator (and still equal its results)."""
    path = write_csv(
        tmp_path / "plain.csv", HEADERS, [row(f"A{i}", principal="12.30") for i in range(50)]
    )
    from arrears.ingest.readers import open_table
    from arrears.ingest.rows import columns

    with open_table(path) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        rows = next(reader.batches(100))
        frame, present = columns._canonical_frame(
            plan, columns.Cells.of_rows(rows).frame, columns.ACCOUNT_COLUMNS
        )
        frame = frame.with_columns(
            _hash=columns.pl.Series(
                columns._hashes(frame, present, plan.formats, plan, dict(rows).__getitem__)
            )
        )
        fast = columns._fast_rows(frame, present, plan.formats)
        assert len(fast) == 50
        assert list(fast.values()) == screen_batch("accounts", plan, rows, {}, {}, False)[1]
