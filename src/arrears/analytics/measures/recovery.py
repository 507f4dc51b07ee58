"""Recovery: liquidation by placement cohort, vintage curves, cure, roll and bad-debt rates.

The placement of an account is the day it was loaded into arrears (``placed_on``)
and the amount placed is its original amount, or, when the file gave none, its
balance today plus what was collected since (a placement amount that interest
charged later does not inflate). Collected is payments net of reversals.
"""

from __future__ import annotations

import polars as pl

from arrears.analytics.measures import share

OPEN = ("active", "promised", "in_plan", "disputed", "on_hold", "legal", "placed")
ORDER = ("current", "1-30", "31-60", "61-90", "91-120", "121-180", "181+", "resolved")


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.year() * 12 + pl.col(col).dt.month() - 1


def months_since(start: str, end: str) -> pl.Expr:
    """Calendar months from the month of ``start`` to that of ``end`` (0 = the same month)."""
    return _month(end) - _month(start)


def placed(accounts: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Accounts with their cohort (YYYY-MM of placed_on) and amount placed."""
    collected = payments.group_by("account_id").agg(pl.col("amount_minor").sum().alias("_paid"))
    balance = pl.sum_horizontal("principal_minor", "interest_minor", "fees_minor", "costs_minor")
    return accounts.join(collected, on="account_id", how="left").with_columns(
        pl.col("placed_on").dt.strftime("%Y-%m").alias("cohort"),
        pl.coalesce("original_minor", balance + pl.col("_paid").fill_null(0)).alias("placed_minor"),
    )


def liquidation_by_cohort(accounts: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Collected ÷ placed by client, currency and placement cohort (month)."""
    base = placed(accounts, payments)
    got = payments.join(base.select("account_id", "placed_on"), on="account_id").filter(
        pl.col("paid_on") >= pl.col("placed_on")
    )
    collected = got.group_by("account_id").agg(pl.col("amount_minor").sum().alias("collected"))
    return liquidation_of(
        base.join(collected, on="account_id", how="left")
        .group_by("client_id", "currency", "cohort")
        .agg(
            pl.len().cast(pl.Int64).alias("accounts"),
            pl.col("placed_minor").sum(),
            pl.col("collected").fill_null(0).sum().alias("collected_minor"),
            (pl.col("collected").fill_null(0) > 0).sum().cast(pl.Int64).alias("paying_accounts"),
        )
    )


def liquidation_of(cohorts: pl.DataFrame) -> pl.DataFrame:
    """``liquidation_by_cohort`` of its sums by client, currency and cohort: accounts, amount
    placed, collected since placement and paying accounts (from the accounts and payments, or
    from ``analytics.vintages``' counts)."""
    return cohorts.with_columns(
        share("collected_minor", "placed_minor").alias("liquidation_rate")
    ).sort("client_id", "currency", "cohort")


def vintage_curves(accounts: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Cumulative collected ÷ placed by cohort and months since placement (0 = same month)."""
    base = placed(accounts, payments)
    sizes = base.group_by("client_id", "currency", "cohort").agg(pl.col("placed_minor").sum())
    flows = (
        payments.join(base.select("account_id", "placed_on", "cohort"), on="account_id")
        .filter(pl.col("paid_on") >= pl.col("placed_on"))
        .with_columns(months_since("placed_on", "paid_on").alias("month"))
        .group_by("client_id", "currency", "cohort", "month")
        .agg(pl.col("amount_minor").sum().alias("collected_minor"))
    )
    return vintage_curves_of(sizes, flows)


def vintage_curves_of(sizes: pl.DataFrame, flows: pl.DataFrame) -> pl.DataFrame:
    """``vintage_curves`` of the amount placed by client, currency and cohort (``sizes``) and
    collected by client, currency, cohort and month since placement (``flows``)."""
    return (
        flows.sort("client_id", "currency", "cohort", "month")
        .with_columns(
            pl.col("collected_minor").cum_sum().over("client_id", "currency", "cohort")
            .alias("cumulative_minor")
        )
        .join(sizes, on=["client_id", "currency", "cohort"])
        .with_columns(share("cumulative_minor", "placed_minor").alias("liquidation_rate"))
        .sort("client_id", "currency", "cohort", "month")  # a join keeps no order
    )  # fmt: skip


def _state(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
    bucket = pl.when(pl.col("status").is_in(OPEN)).then("bucket").otherwise(pl.lit("resolved"))
    return frame.select(
        "account_id",
        "client_id",
        "currency",
        bucket.alias(f"bucket{suffix}"),
        pl.col("status").alias(f"status{suffix}"),
        pl.col("balance_minor").alias(f"balance{suffix}"),
    )


def transitions(start: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """Accounts of the start snapshot with their bucket (or 'resolved') at start and at end."""
    first = _state(start, "_from")
    last = _state(end, "_to").drop("client_id", "currency")
    return first.join(last, on="account_id", how="left").with_columns(
        pl.col("bucket_to").fill_null("resolved"), pl.col("status_to").fill_null("closed")
    )


def _weighted(moves: pl.DataFrame) -> pl.DataFrame:
    """``moves`` with ``n``, the accounts each row stands for (1 for an account's row)."""
    return moves if "n" in moves.columns else moves.with_columns(pl.lit(1, pl.Int64).alias("n"))


def _accounts(condition: pl.Expr | None = None) -> pl.Expr:
    n = pl.col("n") if condition is None else pl.col("n").filter(condition)
    return n.sum().cast(pl.Int64)


def roll_rates(start: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """From each bucket at start, the share of accounts and of balance in each bucket at end."""
    return roll_rates_of(transitions(start, end))


def roll_rates_of(moves: pl.DataFrame) -> pl.DataFrame:
    """``roll_rates`` of the moves: accounts' rows (``transitions``) or counted rows standing
    for ``n`` accounts each, with their start balance summed (``analytics.transitions``)."""
    keys = ["client_id", "currency", "bucket_from"]
    out = (
        _weighted(moves).filter(pl.col("bucket_from") != "resolved")
        .group_by(*keys, "bucket_to")
        .agg(_accounts().alias("accounts"), pl.col("balance_from").sum().alias("balance_minor"))
        .with_columns(
            share("accounts", pl.col("accounts").sum().over(keys)).alias("share_accounts"),
            share("balance_minor", pl.col("balance_minor").sum().over(keys)).alias("share_balance"),
        )
    )  # fmt: skip
    rank = {b: i for i, b in enumerate(ORDER)}
    return out.sort(
        "client_id", "currency", pl.col("bucket_from").replace_strict(rank, default=99),
        pl.col("bucket_to").replace_strict(rank, default=99),
    )  # fmt: skip


def cure_rate(start: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """Of the accounts delinquent at start, the share current or paid/settled at end."""
    return cure_rate_of(transitions(start, end))


def cure_rate_of(moves: pl.DataFrame) -> pl.DataFrame:
    """``cure_rate`` of the moves (see ``roll_rates_of``)."""
    delinquent = ~pl.col("bucket_from").is_in(["current", "resolved"])
    cured = (pl.col("bucket_to") == "current") | pl.col("status_to").is_in(["paid", "settled"])
    return (
        _weighted(moves).filter(delinquent)
        .group_by("client_id", "currency")
        .agg(_accounts().alias("delinquent"), _accounts(cured).alias("cured"))
        .with_columns(share("cured", "delinquent").alias("cure_rate"))
        .sort("client_id", "currency")
    )  # fmt: skip


def bad_debt_rate(start: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """Balance written off during the period ÷ open balance at its start."""
    return bad_debt_rate_of(transitions(start, end))


def bad_debt_rate_of(moves: pl.DataFrame) -> pl.DataFrame:
    """``bad_debt_rate`` of the moves (see ``roll_rates_of``)."""
    written = pl.when(pl.col("status_to") == "written_off").then("balance_from").otherwise(0)
    return (
        moves.filter(pl.col("status_from") != "written_off", pl.col("bucket_from") != "resolved")
        .group_by("client_id", "currency")
        .agg(pl.col("balance_from").sum().alias("open_minor"),
             written.sum().alias("written_off_minor"))
        .with_columns(share("written_off_minor", "open_minor").alias("bad_debt_rate"))
        .sort("client_id", "currency")
    )  # fmt: skip
