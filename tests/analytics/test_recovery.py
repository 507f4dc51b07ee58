"""Liquidation, vintages, roll, cure and bad-debt rates against small hand-computed cases."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from arrears.analytics.measures import recovery


def accounts(rows: list[tuple[int, str, date, int | None, int]]) -> pl.DataFrame:
    """(id, currency, placed_on, original, balance now)."""
    return pl.DataFrame(
        [(i, 1, cur, placed, orig, bal, 0, 0, 0) for i, cur, placed, orig, bal in rows],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
                "placed_on": pl.Date, "original_minor": pl.Int64, "principal_minor": pl.Int64,
                "interest_minor": pl.Int64, "fees_minor": pl.Int64, "costs_minor": pl.Int64},
        orient="row",
    )  # fmt: skip


def payments(rows: list[tuple[int, date, int]], currency: str = "CNY") -> pl.DataFrame:
    return pl.DataFrame(
        [(a, 1, currency, day, amount) for a, day, amount in rows],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
                "paid_on": pl.Date, "amount_minor": pl.Int64},
        orient="row",
    )  # fmt: skip


ACCOUNTS = accounts([
    (1, "CNY", date(2026, 1, 10), 10_000, 6_000),  # placed 10,000; paid 4,000
    (2, "CNY", date(2026, 1, 20), None, 5_000),  # no original: 5,000 + 1,000 paid = 6,000
    (3, "CNY", date(2026, 2, 3), 20_000, 20_000),  # nothing paid
    (4, "USD", date(2026, 1, 5), 1_000, 500),  # another currency, never added to CNY
])  # fmt: skip
PAYMENTS = pl.concat([
    payments([(1, date(2026, 1, 15), 1_000), (1, date(2026, 3, 2), 3_000),
              (2, date(2026, 2, 1), 1_000)]),
    payments([(4, date(2026, 1, 6), 500)], "USD"),
])  # fmt: skip


def test_liquidation_is_collected_over_placed_per_cohort_and_currency():
    out = recovery.liquidation_by_cohort(ACCOUNTS, PAYMENTS)
    rows = {(r["currency"], r["cohort"]): r for r in out.iter_rows(named=True)}
    jan = rows[("CNY", "2026-01")]
    assert (jan["placed_minor"], jan["collected_minor"], jan["paying_accounts"]) == (
        16_000,
        5_000,
        2,
    )
    assert jan["liquidation_rate"] == pytest.approx(5_000 / 16_000)
    assert rows[("CNY", "2026-02")]["liquidation_rate"] == 0
    assert rows[("USD", "2026-01")]["liquidation_rate"] == pytest.approx(0.5)


def test_vintage_curve_accumulates_by_months_since_placement():
    out = recovery.vintage_curves(ACCOUNTS, PAYMENTS).filter(
        (pl.col("currency") == "CNY") & (pl.col("cohort") == "2026-01")
    )
    # January cohort: month 0 = 1,000; month 1 = 1,000 (account 2, Feb); month 2 = 3,000.
    assert out["month"].to_list() == [0, 1, 2]
    assert out["cumulative_minor"].to_list() == [1_000, 2_000, 5_000]
    assert out["liquidation_rate"].to_list() == pytest.approx([1 / 16, 2 / 16, 5 / 16])


def snapshot(rows: list[tuple[int, str, str, int]]) -> pl.DataFrame:
    """(account, status, bucket, balance)."""
    return pl.DataFrame(
        [(a, 1, "CNY", s, b, bal) for a, s, b, bal in rows],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
                "status": pl.String, "bucket": pl.String, "balance_minor": pl.Int64},
        orient="row",
    )  # fmt: skip


START = snapshot([
    (1, "active", "1-30", 100), (2, "active", "1-30", 300), (3, "active", "1-30", 600),
    (4, "active", "31-60", 1_000), (5, "active", "current", 50), (6, "paid", "current", 0),
])  # fmt: skip
END = snapshot([
    (1, "active", "31-60", 100),  # rolled forward
    (2, "active", "current", 300),  # cured (re-aged)
    (3, "paid", "current", 0),  # paid off
    (4, "written_off", "61-90", 1_000),  # written off
    (5, "active", "current", 50),
    (6, "closed", "current", 0),
])  # fmt: skip


def test_roll_rates_share_accounts_and_balance_from_each_bucket():
    out = recovery.roll_rates(START, END)
    one = {
        r["bucket_to"]: r for r in out.filter(pl.col("bucket_from") == "1-30").iter_rows(named=True)
    }
    assert one["31-60"]["share_accounts"] == pytest.approx(1 / 3)
    assert one["31-60"]["share_balance"] == pytest.approx(100 / 1_000)
    assert one["current"]["share_balance"] == pytest.approx(300 / 1_000)
    assert one["resolved"]["accounts"] == 1  # paid: out of the buckets
    assert "resolved" not in out["bucket_from"].to_list()  # the paid account at start is not rolled


def test_cure_rate_counts_delinquent_accounts_that_are_current_or_paid_at_the_end():
    out = recovery.cure_rate(START, END).row(0, named=True)
    # Delinquent at start: 1, 2, 3, 4. Cured: 2 (current) and 3 (paid).
    assert (out["delinquent"], out["cured"], out["cure_rate"]) == (4, 2, 0.5)


def test_bad_debt_rate_is_balance_written_off_over_open_balance_at_start():
    out = recovery.bad_debt_rate(START, END).row(0, named=True)
    assert (out["open_minor"], out["written_off_minor"]) == (2_050, 1_000)
    assert out["bad_debt_rate"] == pytest.approx(1_000 / 2_050)
