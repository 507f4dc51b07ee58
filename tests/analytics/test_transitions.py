"""Counted transitions give the roll, cure and bad-debt rates of the accounts' own rows.

Five accounts of client 1 move from a start snapshot to an end snapshot:

====  =======  ========  ======  =========  ===========================================
acct  segment  bucket    status  balance    at the end
====  =======  ========  ======  =========  ===========================================
1     M1       1-30      active  100        31-60, still M1
2     M1       1-30      active  300        current (cured), still M1
3     M1       31-60     active  500        written off, still M1
4     M1       31-60     active  700        31-60, but moved to segment M2
5     M2       1-30      active  900        gone from the end snapshot
====  =======  ========  ======  =========  ===========================================

Filtered to segment M1 (and team 7), account 4 has left the view by the end
(resolved and closed, as the live left join of the narrowed end snapshot makes
it), and 5 is not in it: from 1-30, account 1 (balance 100 of 400) rolls to 31-60
and account 2 cures; from 31-60 both are resolved (3 written off, 4 left). Cure:
1 of 4 delinquent; bad debt: 500 written off of 1,600 open at the start.
"""

from __future__ import annotations

import polars as pl
import pytest

from arrears.analytics import transitions
from arrears.analytics.measures import recovery


def _snapshot(rows: list[tuple[int, str, str, str, int]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        rows, orient="row", schema={"account_id": pl.Int64, "segment": pl.String,
                                    "bucket": pl.String, "status": pl.String,
                                    "balance_minor": pl.Int64},
    )  # fmt: skip
    return frame.with_columns(
        pl.lit(1, pl.Int64).alias("client_id"), pl.lit("CNY").alias("currency"),
        pl.lit("cn").alias("strategy"), pl.lit(7, pl.Int64).alias("team_id"),
    )  # fmt: skip


START = _snapshot([(1, "M1", "1-30", "active", 100), (2, "M1", "1-30", "active", 300),
                   (3, "M1", "31-60", "active", 500), (4, "M1", "31-60", "active", 700),
                   (5, "M2", "1-30", "active", 900)])  # fmt: skip
END = _snapshot([(1, "M1", "31-60", "active", 90), (2, "M1", "current", "active", 0),
                 (3, "M1", "31-60", "written_off", 500),
                 (4, "M2", "31-60", "active", 700)])  # fmt: skip


def _m1(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(pl.col("segment") == "M1")


def test_counted_moves_give_the_rates_of_the_accounts_rows() -> None:
    rows = transitions.pair_rows(START, END)
    moves = transitions.narrowed(rows, segment="M1", teams=[7])
    roll = recovery.roll_rates_of(moves)
    assert roll.equals(recovery.roll_rates(_m1(START), _m1(END)))
    cure = recovery.cure_rate_of(moves)
    assert cure.equals(recovery.cure_rate(_m1(START), _m1(END)))
    bad = recovery.bad_debt_rate_of(moves)
    assert bad.equals(recovery.bad_debt_rate(_m1(START), _m1(END)))

    early = roll.filter(pl.col("bucket_from") == "1-30")
    assert early["bucket_to"].to_list() == ["current", "31-60"]
    assert early["share_balance"].to_list() == pytest.approx([0.75, 0.25])
    late = roll.filter(pl.col("bucket_from") == "31-60")
    # Account 3 is written off (not an open status: resolved), account 4 left segment M1.
    assert dict(zip(late["bucket_to"], late["accounts"], strict=True)) == {"resolved": 2}
    assert cure.row(0, named=True)["delinquent"] == 4
    assert cure.row(0, named=True)["cured"] == 1
    assert bad.row(0, named=True)["open_minor"] == 1_600
    assert bad.row(0, named=True)["written_off_minor"] == 500


def test_a_filter_no_account_matches_gives_empty_rates() -> None:
    moves = transitions.narrowed(transitions.pair_rows(START, END), teams=[])
    assert recovery.roll_rates_of(moves).is_empty()
    assert recovery.cure_rate_of(moves).is_empty()
