"""Payment batches screened column by column land exactly what the row validator lands.

Every payments batch of the import tests is screened both ways by the autouse
fixture in ``conftest.py``; here one messy batch — every notation and every kind
of bad value a payments file has — is screened both ways directly, with stored
hashes and rows the reader could not split, and the plain rows are checked to
be decided without the row validator.
"""

from __future__ import annotations

from pathlib import Path

from tests.ingest.helpers import write_csv

from arrears.ingest.mapping import plan_headers
from arrears.ingest.readers import open_table
from arrears.ingest.rows import columns, payment_columns
from arrears.ingest.rows.batch import screen_batch
from arrears.ingest.rows.model import PaymentRow, raw_row_hash

HEADERS = ["account_ref", "amount", "currency", "paid_on", "reference", "method", "kind",
           "reverses"]  # fmt: skip


def pay(ref: str, amount: str = "20.00", reference: str = "", **values: str) -> list[str]:
    row = {"account_ref": ref, "amount": amount, "currency": "CNY", "paid_on": "2026-11-02",
           "reference": reference or f"P-{ref}-{amount}", "method": "", "kind": "",
           "reverses": "", **values}  # fmt: skip
    return [row[h] for h in HEADERS]


MESSY = [
    pay("A1"), pay("A2", "1,300.00"), pay("A3", "１２．５０"), pay("A4", "0.5", currency="usd"),
    pay("A5", "1200", currency="JPY"), pay("A6", "12.345"), pay("A7", "-5.00"), pay("A8", "0"),
    pay("A9", "0.00"), pay("A10", "12.30", currency="XXX"), pay("A11", currency=""),
    pay("A12", paid_on="2026/11/3"), pay("A13", paid_on="03.11.2026"),
    pay("A14", paid_on="1899-12-31"),
    pay("A15", paid_on="not a date"), pay("A16", paid_on=""), pay("", "5.00"),
    pay("A17", reference=" "), pay("A18", kind="reversal", reverses="P-A1-20.00"),
    pay("A19", kind="Reversal"), pay("A20", kind="还款"), pay("A21", kind="冲正", reverses="X9"),
    pay("A22", kind="refund"), pay("A23", reverses="P-A1-20.00"),
    pay("A24", reference="R1", kind="reversal", reverses="R1"),
    pay("A25", method="Bank Transfer"), pay("A26", method="bank-transfer"),
    pay("A27", method="  Alipay  "), pay("A28", method="WeChat Pay"), pay("A29", "1 000.00"),
    pay("A30", "$20.00"), pay("A31", "20.00 "), pay("A32", "2,0.00"), pay("A33", "1.234,50"),
    pay("A34", "999999999999999.99"), pay("A35", "1e3"), pay("A36", "(20.00)"),
    pay("A37", account_ref="Ａ３７"), pay("A38", reference="P\tTab"), pay("A39", kind="PAYMENT"),
    pay("A40", method="现金"), pay("A41", "20.00", reference="dup"),
    pay("A42", "21.00", reference="dup"),
]  # fmt: skip


def batch(tmp_path: Path, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "p.csv", HEADERS, rows)
    with open_table(path) as reader:
        plan = plan_headers(reader.headers, None, "payments")
        return plan, next(reader.batches(1000))


def test_a_messy_batch_screens_the_same_both_ways(tmp_path: Path) -> None:
    plan, rows = batch(tmp_path, MESSY)
    for problems in ({}, {rows[0][0]: "wrong number of cells", rows[5][0]: "bad quoting"}):
        found = payment_columns.screen_payments(plan, rows, problems, {})
        expected = screen_batch("payments", plan, rows, problems, {}, False)
        assert found == expected
    accepted = [r for r in expected[1] if isinstance(r, PaymentRow)]
    rejected = [r for r in expected[1] if isinstance(r, list)]
    assert len(accepted) > 20 and len(rejected) > 10


def test_unchanged_payments_are_counted_the_same_both_ways(tmp_path: Path) -> None:
    plan, rows = batch(tmp_path, MESSY)
    from arrears.ingest.mapping import project

    stored: dict[str, str | None] = {}
    for _, values in rows[::3]:
        canonical = project(plan, values)
        if canonical.get("reference"):
            stored[canonical["reference"] or ""] = raw_row_hash(canonical, plan.formats)
    stored["P-A2-1,300.00"] = "another hash"
    found = payment_columns.screen_payments(plan, rows, {}, stored)
    expected = screen_batch("payments", plan, rows, {}, stored, False)
    assert found == expected
    assert found[0] > 5


def test_plain_payments_are_decided_column_by_column(tmp_path: Path) -> None:
    """The common rows never reach the row validator (and still equal its results)."""
    plain = [pay(f"A{i}", f"{i}.{i % 100:02d}", method="bank_transfer") for i in range(1, 60)]
    plain += [pay("B1", kind="reversal", reverses="P-A1-1.01", reference="R-B1")]
    plan, rows = batch(tmp_path, plain)
    raw = columns.Cells.of_rows(rows).frame
    frame, present = columns._canonical_frame(plan, raw, payment_columns.PAYMENT_COLUMNS)
    hashes = columns._hashes(frame, present, plan.formats, plan, dict(rows).__getitem__)
    frame = frame.with_columns(_hash=columns.pl.Series(hashes))
    fast = payment_columns._fast_payments(frame, present, plan.formats)
    assert len(fast) == len(plain)
    assert list(fast.values()) == screen_batch("payments", plan, rows, {}, {}, False)[1]
