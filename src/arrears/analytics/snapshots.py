"""Daily snapshots: today's exact state, and past days reconstructed for the demo.

``snapshot_of`` turns the accounts as they are now into the snapshot rows of a
day (days past due and bucket from the due date, the DPD bucket scheme of
``core.aging``). ``reconstruct`` estimates the snapshot of a past day from the
accounts of today and the payments since that day — the backfill's
approximation, documented in docs/kpis.md:

* an account appears from the day it was placed (loaded) with us;
* its balance on day ``d`` is today's balance plus what payments after ``d``
  took off each component (reversals put back), so payments are exact; interest
  and fees charged after ``d`` are not removed (the balance is a little high);
* an account paid or settled by payments after ``d`` was ``active`` on ``d``;
  otherwise its status, segment, strategy, arms and assignee are today's.

``totals_of`` sums a snapshot by the dashboards' filters.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.core.aging import DPD_SCHEME
from arrears.strategy.features import bucket_expr

PARTS = ("principal", "interest", "fees", "costs")
RESOLVED_BY_PAYMENT = ("paid", "settled", "closed")
TOTAL_KEYS = ("client_id", "currency", "status", "bucket", "segment", "strategy", "team_id")


def _aged(frame: pl.DataFrame, as_of: date) -> pl.DataFrame:
    dpd = (pl.lit(as_of) - pl.col("due_on")).dt.total_days()
    return frame.with_columns(
        pl.lit(as_of).alias("as_of"),
        dpd.alias("dpd"),
        bucket_expr(dpd, DPD_SCHEME).alias("bucket"),
        pl.sum_horizontal(*(f"{p}_minor" for p in PARTS)).alias("balance_minor"),
    )


def snapshot_of(accounts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The snapshot rows of ``as_of`` from the accounts as they are (store.queries.analytics)."""
    return _aged(accounts.filter(pl.col("placed_on") <= as_of), as_of)


def reconstruct(accounts: pl.DataFrame, payments: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The estimated snapshot of a past day (see the module's approximation)."""
    later = (
        payments.filter(pl.col("paid_on") > as_of)
        .group_by("account_id")
        .agg(*(pl.col(f"{p}_paid").sum() for p in PARTS))
    )
    back = accounts.filter(pl.col("placed_on") <= as_of).join(later, on="account_id", how="left")
    paid_later = pl.sum_horizontal(*(pl.col(f"{p}_paid").fill_null(0) for p in PARTS)) > 0
    return _aged(
        back.with_columns(
            *((pl.col(f"{p}_minor") + pl.col(f"{p}_paid").fill_null(0)).alias(f"{p}_minor")
              for p in PARTS),
            pl.when(pl.col("status").is_in(RESOLVED_BY_PAYMENT) & paid_later)
            .then(pl.lit("active"))
            .otherwise(pl.col("status"))
            .alias("status"),
        ),
        as_of,
    )  # fmt: skip


def totals_of(snapshot: pl.DataFrame) -> pl.DataFrame:
    """The day's accounts, balance and principal by every dashboard filter."""
    return (
        snapshot.group_by("as_of", *TOTAL_KEYS)
        .agg(
            pl.len().cast(pl.Int64).alias("accounts"),
            pl.col("balance_minor").sum(),
            pl.col("principal_minor").sum(),
        )
        .sort(*TOTAL_KEYS, nulls_last=True)
    )
