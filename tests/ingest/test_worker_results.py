"""Screening results come back from worker processes as columns (``ingest.results``)
and land exactly what screening in the importing process lands."""

from __future__ import annotations

import gc
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.ingest.helpers import add_client, counts, do_import, write_csv
from tests.ingest.test_columns import HEADERS, assert_same, dump, messy_rows, row, second_url

from arrears.ingest.mapping import plan_headers
from arrears.ingest.match_keys import name_keys
from arrears.ingest.readers import open_table
from arrears.ingest.results import Packed, pack, screened_packed, unpack
from arrears.ingest.rows import AccountRow, ContactValue, screen_batch
from arrears.kit.crypto import FieldCipher
from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork

__all__ = ["second_url"]  # the fixture, used by name


def test_rows_read_back_from_columns_have_every_value(tmp_path: Path, cipher: FieldCipher):
    path = write_csv(tmp_path / "a.csv", HEADERS, messy_rows())
    with open_table(path, encoding=None, delimiter=None, sheet=None) as reader:
        plan = plan_headers(reader.headers, None, "accounts")
        rows = [r for batch in reader.batches(1000) for r in batch]
        _, results = screen_batch("accounts", plan, rows, reader.row_problems, {})
    valid = [r for r in results if isinstance(r, AccountRow)]
    rejected = [r for r in results if isinstance(r, list)]
    assert valid and rejected

    # the field keys travel to the worker as the pool sends them: pickled
    packed = pickle.loads(pickle.dumps(pack(results, pickle.loads(pickle.dumps(cipher)))))
    back = unpack(packed)

    assert packed.rejected == rejected
    assert len(back) == len(valid)
    for got, expected in zip(back, valid, strict=True):
        assert type(got) is AccountRow
        for name in AccountRow._fields:
            assert getattr(got, name) == getattr(expected, name), name
        assert all(type(c) is ContactValue for c in got.contacts)
    # the workers make the rows' name keys too
    assert packed.keys == [name_keys(r) for r in valid]
    assert any(len(keys) > 1 for keys in packed.keys)
    # and each national id's blind index and ciphertext
    ids = {r.national_id for r in valid if r.national_id}
    assert ids and set(packed.national) == ids
    for national_id, (index, encrypted) in packed.national.items():
        assert index == cipher.blind_index(national_id)
        assert cipher.decrypt(encrypted) == national_id
    assert pack(results).national == {}  # no cipher, no ids made


def test_nothing_to_pack_is_nothing_to_unpack():
    assert unpack(pack([])) == []


@pytest.mark.db
def test_a_messy_file_lands_the_same_with_workers(
    tmp_path: Path, engine: Engine, second_url: str, cipher: FieldCipher
):
    """Rejections, matches, duplicates, then an unchanged and a changed file: the
    store, the summaries and the reject files equal those of screening in-process."""
    second = make_engine(second_url)
    engines = {0: engine, 2: second}
    try:
        for each in engines.values():
            add_client(
                lambda e=each: UnitOfWork.for_engine(e), lambda: datetime(2026, 1, 1, tzinfo=UTC)
            )
        changed = [
            *messy_rows()[:3],
            row("G7", debtor_ref="D1", principal="99.00", name="Jo Smithe"),
            row("G21", national_id="11010519491231002X", name="王晓明", source="bureau"),
        ]
        for name, rows in (("a.csv", messy_rows()), ("a.csv", messy_rows()), ("b.csv", changed)):
            found = {}
            for workers, each in engines.items():
                folder = tmp_path / ("columnar" if workers else "rows")
                folder.mkdir(exist_ok=True)
                summary = do_import(
                    write_csv(folder / name, HEADERS, rows),
                    uow_factory=lambda e=each: UnitOfWork.for_engine(e),
                    cipher=cipher,
                    clock=lambda: datetime(2026, 11, 23, 12, tzinfo=UTC),
                    batch_size=7,
                    workers=workers,
                )
                file = summary.reject_file
                text = file.read_text(encoding="utf-8-sig") if file is not None else None
                found[workers] = (counts(summary), summary.read, text)
            assert found[2] == found[0], name
            assert_same(dump(second), dump(engine))
    finally:
        second.dispose()


def test_the_collector_waits_while_a_batch_is_screened_and_resumes_after():
    seen = []

    def screen() -> tuple[int, list[object]]:
        seen.append(gc.isenabled())
        return 0, []

    assert gc.isenabled()
    assert screened_packed(None, screen) == (0, Packed([], [], []))
    assert seen == [False]
    assert gc.isenabled()

    def failing() -> tuple[int, list[object]]:
        raise ValueError("a broken batch")

    with pytest.raises(ValueError):
        screened_packed(None, failing)
    assert gc.isenabled()
