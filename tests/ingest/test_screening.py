"""Screening a batch in a worker: unchanged rows set aside, the others validated and sent back
whole; the shortcuts the validators take read every value as the long way does."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.ingest.helpers import ACCOUNT_HEADERS, account, counts, do_import, write_csv

from arrears.ingest.mapping import Formats, plan_headers
from arrears.ingest.normalize import FieldProblem, normalize_phone, parse_amount
from arrears.ingest.rows import (
    AccountRow,
    Rejection,
    raw_row_hash,
    screen_batch,
    validate_account,
)
from arrears.ingest.rows.fields import _amounts

HEADERS = ["account_ref", "name", "currency", "principal", "due_on", "country", "invoice_no"]
PLAN = plan_headers(HEADERS, None, "accounts")


def raw(ref: str, principal: str = "10.00", invoice: str | None = None) -> list[str | None]:
    return [ref, "张三", "CNY", principal, "2026-03-05", "CN", invoice]


def digest(values: list[str | None]) -> str:
    return raw_row_hash(dict(zip(HEADERS, values, strict=True)), PLAN.formats)


class TestScreenBatch:
    def test_rows_whose_hash_is_stored_are_set_aside_and_the_others_validated(self):
        same, changed, new = raw("A1"), raw("A2", "20.00"), raw("A3")
        stored = {"A1": digest(same), "A2": digest(raw("A2"))}
        unchanged, results = screen_batch(
            "accounts", PLAN, [(2, same), (3, changed), (4, new)], {}, stored
        )
        assert unchanged == 1
        assert [r.row for r in results if isinstance(r, AccountRow)] == [3, 4]
        assert [r.row_hash for r in results if isinstance(r, AccountRow)] == [
            digest(changed),
            digest(new),
        ]

    def test_an_invoice_row_is_never_set_aside_here(self):
        row = raw("A1", invoice="INV-1")
        unchanged, results = screen_batch("accounts", PLAN, [(2, row)], {}, {"A1": digest(row)})
        assert unchanged == 0 and len(results) == 1

    def test_a_row_the_reader_could_not_fit_is_rejected_whole(self):
        unchanged, results = screen_batch(
            "accounts", PLAN, [(5, raw("A1"))], {5: "row has 9 cells, header has 7"}, {}
        )
        assert unchanged == 0
        assert results == [[Rejection(5, "(row)", None, "row has 9 cells, header has 7")]]


def test_an_account_row_comes_back_from_a_worker_equal():
    canonical = {
        "account_ref": "C-1",
        "name": "张三",
        "currency": "CNY",
        "principal": "1,234.56",
        "due_on": "2026-03-05",
        "opened_on": "2025-01-02",
        "birth_date": "1949-12-31",
        "national_id": "11010519491231002X",
        "country": "CN",
        "phones": "13800138000; 010-62345678",
        "emails": "zs@example.com",
        "address": "北京市海淀区 1 号",
    }
    row = validate_account(2, canonical, Formats())
    assert isinstance(row, AccountRow)
    assert pickle.loads(pickle.dumps(row)) == row


@pytest.mark.parametrize(
    ("text", "currency", "decimal"),
    [
        ("0.00", "USD", "."),
        ("007.50", "USD", "."),
        ("1234", "CNY", "."),
        ("1.5", "CNY", "."),
        ("999999999999999.99", "USD", "."),
        ("1,234.56", "USD", "."),
        ("1234,5", "EUR", ","),
        ("1.234,56", "EUR", ","),
        ("1500", "JPY", "."),
        ("1.5", "JPY", "."),
        ("1.567", "USD", "."),
        ("¥12.00", "CNY", "."),
    ],
)
def test_plain_amounts_read_as_parse_amount_reads_them(text: str, currency: str, decimal: str):
    formats = Formats(decimal=decimal)  # type: ignore[arg-type]
    try:
        expected: int | str = parse_amount(text, currency, decimal=decimal)
    except FieldProblem as exc:
        expected = exc.reason
    try:
        found: int | str = _amounts(currency, formats)(text)
    except FieldProblem as exc:
        found = exc.reason
    assert found == expected


def test_a_bad_phone_number_is_refused_every_time_it_is_read():
    for _ in range(2):  # the second reading comes from memory
        with pytest.raises(FieldProblem, match="extension"):
            normalize_phone("(212) 555-0142 ext. 7", "US")


@pytest.mark.db
def test_a_debtor_whose_accounts_straddle_batches_in_flight_is_one_debtor(
    tmp_path: Path, env, engine: Engine
):
    # Batches of 50 with two workers: batch n+1 and n+2 are screened while n is written.
    data = [
        account(f"A{i}", debtor_ref=f"D{(i + 1) // 2}", name=f"Person {(i + 1) // 2}",
                phones=f"(212) 555-{i:04d}")
        for i in range(250)
    ]  # fmt: skip
    path = write_csv(tmp_path / "straddle.csv", ACCOUNT_HEADERS, data)
    assert counts(do_import(path, batch_size=50, workers=2, **env)) == (250, 0, 0, 0)
    with engine.connect() as db:
        debtors = db.execute(text("SELECT count(*) FROM debtors")).scalar()
        points = db.execute(text("SELECT count(*) FROM contact_points")).scalar()
    assert debtors == 126  # D0 holds A0; D1 holds A1 and A2; ... D125 holds A249
    assert points == 250 + 2 * 126  # every phone; one e-mail and one address a debtor
    assert counts(do_import(path, batch_size=50, workers=2, **env)) == (0, 0, 250, 0)
