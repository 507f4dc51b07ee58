"""Vintage curves and liquidation by cohort over any filters and period, from three counts.

Live, ``measures.recovery`` joins the scope's accounts with their payments up to the
period's end. Every figure is a sum the refresh can keep by the accounts' cell (client,
segment, strategy, team, as for ``analytics.cubes``), currency and cohort:

* ``vintage_accounts`` — accounts and their amount placed without the payments (the
  original amount, or the balance when the file gave none: such an account's amount
  placed is its balance plus what it paid by the period's end, ``no_original``);
* ``vintage_payments`` — payments less reversals by day, the payment's client and
  currency, the month since placement, and whether they came on or after the placement
  day (only those count as collected) and on an account without an original amount;
* ``vintage_paying`` — by day, the accounts whose collected total turned positive (+1) or
  back to zero or less (−1): the paying accounts at the period's end are their sum.

A view sums the rows of its cells up to its last day and hands the sums to
``recovery.vintage_curves_of`` and ``recovery.liquidation_of``: the figures of the live
computation, exactly.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from arrears.analytics import kept
from arrears.analytics.inputs import Inputs
from arrears.analytics.measures import recovery
from arrears.store.queries import analytics_cube as store
from arrears.store.uow import UnitOfWork

CELL = ("client_id", "segment", "strategy", "team_id")
NAMES = ("vintage_accounts", "vintage_payments", "vintage_paying")


def _accounts(accounts: pl.DataFrame) -> pl.DataFrame:
    balance = pl.sum_horizontal("principal_minor", "interest_minor", "fees_minor", "costs_minor")
    return accounts.select(
        "account_id", *CELL, "currency", "placed_on",
        pl.col("placed_on").dt.strftime("%Y-%m").alias("cohort"),
        pl.col("original_minor").is_null().alias("no_original"),
        pl.coalesce("original_minor", balance).alias("base_minor"),
    )  # fmt: skip


def build(*, uow: UnitOfWork, as_of: date, accounts: pl.DataFrame, payments: pl.DataFrame,
          at: datetime) -> int:  # fmt: skip
    """Keep the three counts of the refresh's accounts and payments. Returns the rows kept."""
    base = _accounts(accounts)
    counts = base.group_by(*CELL, "currency", "cohort", "no_original").agg(
        pl.len().cast(pl.Int64).alias("accounts"), pl.col("base_minor").sum().cast(pl.Int64)
    )
    paid = payments.join(
        base.select("account_id", *CELL, pl.col("currency").alias("account_currency"),
                    "placed_on", "cohort", "no_original"),
        on="account_id", suffix="_account",
    )  # fmt: skip
    paid = paid.with_columns((pl.col("paid_on") >= pl.col("placed_on")).fill_null(False)
                             .alias("after"))  # fmt: skip
    month = recovery.months_since("placed_on", "paid_on")
    flows = paid.group_by(
        pl.col("paid_on").alias("day"), "client_id_account", "segment", "strategy", "team_id",
        "account_currency", "cohort", "no_original", "after", "client_id", "currency",
        pl.when("after").then(month).alias("month"),
    ).agg(pl.col("amount_minor").sum().cast(pl.Int64))  # fmt: skip
    frames = {"vintage_accounts": counts, "vintage_payments": flows.sort("day"),
              "vintage_paying": _paying(paid).sort("day")}  # fmt: skip
    return sum(kept.keep(uow, name, frame, as_of, at) for name, frame in frames.items())


def _paying(paid: pl.DataFrame) -> pl.DataFrame:
    """By day and cell: accounts whose collected total turned positive (+1) or not (−1)."""
    daily = (
        paid.filter("after")
        .group_by("account_id", pl.col("paid_on").alias("day"), "client_id_account", "segment",
                  "strategy", "team_id", "account_currency", "cohort")
        .agg(pl.col("amount_minor").sum())
        .sort("account_id", "day")
    )  # fmt: skip
    paying = (pl.col("amount_minor").cum_sum().over("account_id") > 0).cast(pl.Int64)
    turned = daily.with_columns(paying.alias("paying")).with_columns(
        (pl.col("paying") - pl.col("paying").shift(1, fill_value=0).over("account_id"))
        .alias("turned")
    )  # fmt: skip
    return (
        turned.filter(pl.col("turned") != 0)
        .group_by("day", "client_id_account", "segment", "strategy", "team_id",
                  "account_currency", "cohort")
        .agg(pl.col("turned").sum().cast(pl.Int64))
    )  # fmt: skip


def answers(inputs: Inputs) -> bool:
    """Whether the kept counts answer the scope: read from what the refresh kept, for a period
    ending on or before the day the counts were built for."""
    day = store.built(inputs.uow.session, NAMES[0])
    return inputs.kept and day is not None and inputs.scope.end <= day


def _where(inputs: Inputs, client: str) -> list[pl.Expr]:
    s = inputs.scope
    found = []
    if inputs.client_id is not None:
        found.append(pl.col(client) == inputs.client_id)
    if s.segment is not None:
        found.append(pl.col("segment") == s.segment)
    if s.strategy is not None:
        found.append(pl.col("strategy") == s.strategy)
    if s.team is not None:
        found.append(pl.col("team_id").is_in(pl.Series(inputs.team_ids, dtype=pl.Int64).implode()))
    return found


def _frames(inputs: Inputs) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    counts, flows, paying = (kept.frame(inputs.uow, name) for name in NAMES)
    if counts is None or flows is None or paying is None:
        raise LookupError("the vintage counts were never kept")
    end = pl.col("day") <= inputs.scope.end
    return (counts.filter(*_where(inputs, "client_id")),
            flows.filter(end, *_where(inputs, "client_id_account")),
            paying.filter(end, *_where(inputs, "client_id_account")))  # fmt: skip


def _sizes(counts: pl.DataFrame, flows: pl.DataFrame) -> pl.DataFrame:
    """Amount placed by the account's client, currency and cohort at the period's end."""
    keys = ("client_id", "currency", "cohort")
    paid_in = (
        flows.filter("no_original")
        .group_by(pl.col("client_id_account").alias("client_id"),
                  pl.col("account_currency").alias("currency"), "cohort")
        .agg(pl.col("amount_minor").sum().alias("paid"))
    )  # fmt: skip
    placed = counts.group_by(keys).agg(pl.col("accounts").sum(), pl.col("base_minor").sum())
    return placed.join(paid_in, on=list(keys), how="left", nulls_equal=True).select(
        *keys, "accounts",
        (pl.col("base_minor") + pl.col("paid").fill_null(0)).cast(pl.Int64).alias("placed_minor"),
    )  # fmt: skip


def vintage_curves(inputs: Inputs) -> pl.DataFrame:
    counts, flows, _ = _frames(inputs)
    months = (
        flows.filter("after")
        .group_by("client_id", "currency", "cohort", "month")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )
    return recovery.vintage_curves_of(_sizes(counts, flows).drop("accounts"), months)


def liquidation(inputs: Inputs) -> pl.DataFrame:
    counts, flows, paying = _frames(inputs)
    keys = ("client_id", "currency", "cohort")
    mine = {"client_id_account": "client_id", "account_currency": "currency"}
    got = (
        flows.filter("after").select(*mine, "cohort", "amount_minor").rename(mine)
        .group_by(keys).agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )  # fmt: skip
    payers = (
        paying.rename(mine)
        .group_by(keys)
        .agg(pl.col("turned").sum().cast(pl.Int64).alias("paying_accounts"))
    )
    rows = (
        _sizes(counts, flows)
        .join(got, on=list(keys), how="left", nulls_equal=True)
        .join(payers, on=list(keys), how="left", nulls_equal=True)
        .with_columns(pl.col("collected_minor", "paying_accounts").fill_null(0))
    )
    return recovery.liquidation_of(
        rows.select(*keys, "accounts", "placed_minor", "collected_minor", "paying_accounts")
    )
