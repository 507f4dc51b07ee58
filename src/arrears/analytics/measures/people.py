"""Collector and team productivity against the team's targets.

Per collector in the period: calls, right-party contacts, promises taken and
amount collected (payments credited to their last call or message, see
``costs.attributed``). A team's ``targets`` (TeamRecord.targets) are per working
day: ``calls_per_day``, ``rpc_per_day``, ``promises_per_day`` and
``collected_per_day`` ({currency: minor units}); the target of a period is the
daily target × the period's working days (Monday to Friday).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import polars as pl

from arrears.analytics.measures import share
from arrears.analytics.measures.contact import RPC

COUNTS = ("calls", "rpc", "promises")


def working_days(start: date, end: date) -> int:
    return int(np.busday_count(start, np.datetime64(end) + 1))


def _targets(staff: pl.DataFrame, days: int) -> pl.DataFrame:
    rows = []
    for user, targets in staff.select("user_id", "targets").iter_rows():
        t = json.loads(targets) if targets else {}
        rows.append({"user_id": user, **{f"{k}_target": (t.get(f"{k}_per_day") or 0) * days
                                         for k in COUNTS}})  # fmt: skip
    schema = {"user_id": pl.Int64, **{f"{k}_target": pl.Int64 for k in COUNTS}}
    return pl.DataFrame(rows, schema=schema)


def calls_by_collector(interactions: pl.DataFrame) -> pl.DataFrame:
    """Outbound calls a collector made, and the right-party contacts among them, per collector
    (what the collector cube keeps per day and cell)."""
    mine = pl.col("user_id").is_not_null()
    return interactions.filter(
        (pl.col("channel") == "call") & (pl.col("direction") == "out") & mine
    ).group_by("user_id").agg(
        pl.len().cast(pl.Int64).alias("calls"),
        pl.coalesce("outcome", "status").is_in(RPC).sum().cast(pl.Int64).alias("rpc"),
    )  # fmt: skip


def productivity(calls: pl.DataFrame, promises: pl.DataFrame, staff: pl.DataFrame,
                 start: date, end: date) -> pl.DataFrame:  # fmt: skip
    """Per collector: calls, RPCs (``calls_by_collector``) and promises taken in the period,
    their targets and attainment."""
    taken = (
        promises.filter(pl.col("created_on").is_between(start, end))
        .join(staff.select("username", "user_id"), left_on="taken_by", right_on="username")
        .group_by("user_id")
        .agg(pl.len().cast(pl.Int64).alias("promises"))
    )
    people = staff.filter(pl.col("role").is_in(["collector", "supervisor"]))
    out = (
        people.select("user_id", "username", "team_id", "team")
        .join(calls, on="user_id", how="left")
        .join(taken, on="user_id", how="left")
        .join(_targets(people, working_days(start, end)), on="user_id", how="left")
        .with_columns(pl.col(*COUNTS).fill_null(0))
    )
    return out.with_columns(
        *(share(k, f"{k}_target").alias(f"{k}_attainment") for k in COUNTS)
    ).sort("team", "username", nulls_last=True)


def team_productivity(per_collector: pl.DataFrame) -> pl.DataFrame:
    """The collectors' figures summed by team, with the team's attainment."""
    sums = [pl.col(k).sum() for k in COUNTS] + [pl.col(f"{k}_target").sum() for k in COUNTS]
    return (
        per_collector.group_by("team_id", "team")
        .agg(pl.len().cast(pl.Int64).alias("collectors"), *sums)
        .with_columns(*(share(k, f"{k}_target").alias(f"{k}_attainment") for k in COUNTS))
        .sort("team", nulls_last=True)
    )


def collected_by_collector(payments: pl.DataFrame) -> pl.DataFrame:
    """Payments less reversals per collector and currency: ``payments`` with the collector who
    held the account when it was paid (``user_id``, ``store.queries.analytics.
    collected_by_owner``), one per row or summed rows of the cube ``collected``."""
    return (
        payments.filter(pl.col("user_id").is_not_null())
        .group_by("user_id", "currency")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )


def _collected_targets(staff: pl.DataFrame, days: int) -> pl.DataFrame:
    rows = []
    for user, targets in staff.select("user_id", "targets").iter_rows():
        per_day = (json.loads(targets) if targets else {}).get("collected_per_day") or {}
        rows += [(user, str(cur), int(minor) * days) for cur, minor in per_day.items()]
    schema = {"user_id": pl.Int64, "currency": pl.String, "collected_target_minor": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def collected_against_target(collected: pl.DataFrame, staff: pl.DataFrame, start: date,
                             end: date) -> pl.DataFrame:  # fmt: skip
    """Per collector and currency: collected in the period (``collected_by_collector``), the
    team's ``collected_per_day`` × the working days, and attainment (collected ÷ target).
    A currency appears when the team has a target in it or the collector collected in it."""
    people = staff.filter(pl.col("role").is_in(["collector", "supervisor"]))
    targets = _collected_targets(people, working_days(start, end))
    mine = collected.join(people.select("user_id"), on="user_id", how="semi")
    keys = pl.concat([targets.select("user_id", "currency"), mine.select("user_id", "currency")])
    return (
        people.select("user_id", "username", "team_id", "team")
        .join(keys.unique(), on="user_id")
        .join(mine, on=["user_id", "currency"], how="left")
        .join(targets, on=["user_id", "currency"], how="left")
        .with_columns(pl.col("collected_minor").fill_null(0))
        .with_columns(share("collected_minor", "collected_target_minor")
                      .alias("collected_attainment"))
        .sort("team", "username", "currency", nulls_last=True)
    )  # fmt: skip
