"""B2B receivables: DSO, best-possible DSO, average days delinquent, CEI and invoice ageing.

Over a period of D days ending on ``end`` (the invoices' open amounts are
today's, so ``end`` is the day of the data):

* credit sales = invoices issued in the period; AR = open invoice amounts;
  current AR = open amounts not yet due;
* DSO = AR ÷ credit sales × D; best-possible DSO = current AR ÷ credit sales × D;
  average days delinquent (ADD) = DSO − best-possible DSO;
* CEI = (AR at start + credit sales − AR at end) ÷ (AR at start + credit sales −
  current AR at end) × 100, AR at start from the period's first snapshot.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.analytics.measures import share
from arrears.core.aging import DPD_SCHEME
from arrears.strategy.features import bucket_expr


def dso(invoices: pl.DataFrame, ar_start: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """DSO, best-possible DSO, ADD and CEI by client and currency.

    ``ar_start``: client_id, currency, ar_start_minor (may be empty: CEI is then null).
    """
    days = (end - start).days + 1
    issued = pl.col("issued_on").is_between(start, end)
    out = (
        invoices.group_by("client_id", "currency")
        .agg(
            pl.col("amount_minor").filter(issued).sum().alias("sales_minor"),
            pl.col("open_minor").sum().alias("ar_minor"),
            pl.col("open_minor").filter(pl.col("due_on") >= end).sum().alias("current_ar_minor"),
        )
        .join(ar_start, on=["client_id", "currency"], how="left")
    )
    collectable = pl.col("ar_start_minor") + pl.col("sales_minor")
    return (
        out.with_columns(
            (share("ar_minor", "sales_minor") * days).alias("dso"),
            (share("current_ar_minor", "sales_minor") * days).alias("best_dso"),
        )
        .with_columns(
            (pl.col("dso") - pl.col("best_dso")).alias("add"),
            (share(collectable - pl.col("ar_minor"), collectable - pl.col("current_ar_minor"))
             * 100).alias("cei"),
        )
        .sort("client_id", "currency")
    )  # fmt: skip


def invoice_ageing(invoices: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Open invoices and amounts by days-past-due bucket, client and currency."""
    dpd = (pl.lit(as_of) - pl.col("due_on")).dt.total_days()
    labels = pl.DataFrame({"bucket": list(DPD_SCHEME.labels), "_o": range(len(DPD_SCHEME.labels))})
    return (
        invoices.filter(pl.col("open_minor") > 0)
        .with_columns(bucket_expr(dpd, DPD_SCHEME).alias("bucket"))
        .group_by("client_id", "currency", "bucket")
        .agg(pl.len().cast(pl.Int64).alias("invoices"), pl.col("open_minor").sum())
        .join(labels, on="bucket")
        .sort("client_id", "currency", "_o")
        .drop("_o")
    )
