"""DSO, best-possible DSO, ADD, CEI and invoice ageing on a hand-computed ledger."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.analytics.measures import b2b

START, END = date(2026, 11, 1), date(2026, 11, 30)  # 30 days
INVOICES = pl.DataFrame(
    [(1, 1, "CNY", date(2026, 11, 5), date(2026, 12, 5), 60_000, 60_000),  # current
     (1, 1, "CNY", date(2026, 11, 10), date(2026, 11, 20), 30_000, 10_000),  # 10 days late
     (2, 1, "CNY", date(2026, 9, 1), date(2026, 10, 1), 50_000, 20_000)],  # old, 60 days late
    schema={"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
            "issued_on": pl.Date, "due_on": pl.Date, "amount_minor": pl.Int64,
            "open_minor": pl.Int64},
    orient="row",
)  # fmt: skip


def test_dso_best_possible_dso_add_and_cei():
    ar_start = pl.DataFrame({"client_id": [1], "currency": ["CNY"], "ar_start_minor": [50_000]})
    row = b2b.dso(INVOICES, ar_start, START, END).row(0, named=True)
    # Sales 90,000; AR 90,000; current AR 60,000.
    assert (row["sales_minor"], row["ar_minor"], row["current_ar_minor"]) == (90_000, 90_000,
                                                                              60_000)  # fmt: skip
    assert row["dso"] == pytest.approx(30.0)
    assert row["best_dso"] == pytest.approx(20.0)
    assert row["add"] == pytest.approx(10.0)
    # CEI = (50,000 + 90,000 − 90,000) ÷ (50,000 + 90,000 − 60,000) × 100 = 62.5
    assert row["cei"] == pytest.approx(62.5)


def test_cei_is_unknown_without_a_starting_snapshot():
    empty = pl.DataFrame(schema={"client_id": pl.Int64, "currency": pl.String,
                                 "ar_start_minor": pl.Int64})  # fmt: skip
    assert b2b.dso(INVOICES, empty, START, END)["cei"].to_list() == [None]


def test_invoice_ageing_by_bucket():
    out = b2b.invoice_ageing(INVOICES, END)
    assert out.select("bucket", "invoices", "open_minor").rows() == [
        ("current", 1, 60_000), ("1-30", 1, 10_000), ("31-60", 1, 20_000)]  # fmt: skip
