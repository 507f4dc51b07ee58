"""Bucket transitions between two snapshot days, counted by the dashboards' filters.

Roll, cure and bad-debt rates (``measures.recovery``) follow the accounts of a
start snapshot to an end snapshot. Live, each report joins the two snapshots'
rows, narrowed to its filters. Here the join is done once per pair of days for
every account, and the accounts are counted by what the filters and the measures
look at on each side: the start's client, currency, segment, strategy, team,
bucket, status, the end's cell, bucket and status (null when the account is not in
the end snapshot), with the number of accounts ``n`` and their start balance.

A view narrows these counts as the live report narrows the rows: the start side
must match every filter; an account whose end row does not (another segment or
team by then, or no row) counts as ``resolved`` and ``closed``, as the live left
join makes it. The counts are additive, so the measures sum them exactly as they
count accounts. The refresh keeps the pairs of consecutive month ends (the roll
rates) as the cube ``roll``; any other pair is computed from the kept snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from itertools import pairwise

import polars as pl

from arrears.analytics import kept
from arrears.analytics.measures.recovery import OPEN
from arrears.store.queries import analytics as queries
from arrears.store.uow import UnitOfWork

CELL = ("client_id", "segment", "strategy", "team_id")
TO = {name: f"{name}_to" for name in CELL}
KEYS = ("client_id", "currency", "segment", "strategy", "team_id", "bucket_from", "status_from",
        *TO.values(), "bucket_to", "status_to")  # fmt: skip
ROLL = "roll"


def _bucket() -> pl.Expr:
    return pl.when(pl.col("status").is_in(OPEN)).then("bucket").otherwise(pl.lit("resolved"))


def pair_rows(start: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """The accounts of ``start`` counted by both sides' cells, buckets and statuses."""
    first = start.select("account_id", "client_id", "currency", "segment", "strategy",
                         "team_id", _bucket().alias("bucket_from"),
                         pl.col("status").alias("status_from"), "balance_minor")  # fmt: skip
    last = end.select(
        "account_id",
        *(pl.col(k).alias(v) for k, v in TO.items()),
        _bucket().alias("bucket_to"),
        pl.col("status").alias("status_to"),
    )
    return (
        first.join(last, on="account_id", how="left")
        .group_by(KEYS)
        .agg(pl.len().cast(pl.Int64).alias("n"),
             pl.col("balance_minor").sum().cast(pl.Int64).alias("balance_from"))
    )  # fmt: skip


def narrowed(
    rows: pl.DataFrame,
    *,
    client_id: int | None = None,
    segment: str | None = None,
    strategy: str | None = None,
    teams: Sequence[int] | None = None,
) -> pl.DataFrame:
    """The moves of a view: ``rows`` whose start matches the filters, an end that does not
    counted as resolved and closed (``measures.recovery.roll_rates_of`` and its siblings)."""
    wanted = {"client_id": client_id, "segment": segment, "strategy": strategy}

    def matches(side: dict[str, str]) -> pl.Expr:
        found = pl.lit(True)
        for name, value in wanted.items():
            if value is not None:
                found &= (pl.col(side[name]) == value).fill_null(False)
        if teams is not None:
            ids = pl.Series(list(teams), dtype=pl.Int64).implode()
            found &= pl.col(side["team_id"]).is_in(ids).fill_null(False)
        return found

    same = {k: k for k in CELL}
    stays = matches(TO) & pl.col("status_to").is_not_null()
    return rows.filter(matches(same)).select(
        "client_id", "currency", "bucket_from", "status_from", "balance_from", "n",
        pl.when(stays).then("bucket_to").otherwise(pl.lit("resolved")).alias("bucket_to"),
        pl.when(stays).then("status_to").otherwise(pl.lit("closed")).alias("status_to"),
    )  # fmt: skip


def snapshot(uow: UnitOfWork, day: date) -> pl.DataFrame:
    """The kept snapshot of ``day``, else the store's rows, read once per process for the
    day's run (a day written before snapshots were kept as files)."""
    found = kept.snapshot(uow, day)
    if found is not None:
        return found
    run = queries.snapshot_run(uow.session, day)
    if run is None:
        return queries.snapshots(uow.session, [day])
    return kept.remember(uow, ("snapshot rows", day, *run),
                         lambda: queries.snapshots(uow.session, [day]))  # fmt: skip


def _kept_snapshot(uow: UnitOfWork, day: date, at: datetime) -> pl.DataFrame:
    """The snapshot of ``day``, kept as a file when only the store had it (a month end written
    before the refresh kept snapshots): the views then read it without the store. Not held in
    the process: the refresh reads each past snapshot once."""
    found = kept.frame(uow, kept.snapshot_name(day), hold=False)
    if found is not None:
        return found
    rows = queries.snapshots(uow.session, [day])
    if rows.height:
        kept.keep(uow, kept.snapshot_name(day), rows, day, at)
    return rows


def month_ends(days: Sequence[date]) -> list[date]:
    """The last of ``days`` in each month, in order."""
    last: dict[tuple[int, int], date] = {}
    for d in days:
        last[(d.year, d.month)] = max(d, last.get((d.year, d.month), d))
    return sorted(last.values())


def build_roll(*, uow: UnitOfWork, as_of: date, today: pl.DataFrame, at: datetime,
               first: date | None = None) -> int:  # fmt: skip
    """Keep the pairs of consecutive month ends up to ``as_of`` (``today``: its snapshot) as the
    cube ``roll``, with the pair (``first``, ``as_of``) when given (the default period's cure
    and bad debt). Pairs of two past month ends are taken from the cube the last refresh kept
    (past snapshots do not change; the backfill drops the cube when it rewrites one). The
    previous snapshot day is kept as a file if only the store had it (views of yesterday)."""
    days = [d for d in queries.snapshot_runs(uow.session)["as_of"].to_list() if d <= as_of]
    pairs = list(pairwise(month_ends([*days, as_of])))
    if first is not None and (first, as_of) not in pairs:
        pairs.append((first, as_of))
    earlier = [d for d in days if d < as_of]
    if earlier:
        _kept_snapshot(uow, earlier[-1], at)
    old = kept.frame(uow, ROLL)
    parts, done = [], set()
    if old is not None:
        reused = old.join(pl.DataFrame(pairs, schema={"from_day": pl.Date, "to_day": pl.Date},
                                       orient="row").filter(pl.col("to_day") < as_of),
                          on=["from_day", "to_day"], how="semi")  # fmt: skip
        parts.append(reused)
        done = set(reused.select("from_day", "to_day").unique().iter_rows())
    for a, b in pairs:
        if (a, b) in done:
            continue
        end = today if b == as_of else _kept_snapshot(uow, b, at)
        rows = pair_rows(_kept_snapshot(uow, a, at), end)
        parts.append(rows.select(pl.lit(a).alias("from_day"), pl.lit(b).alias("to_day"),
                                 pl.all()))  # fmt: skip
    schema = {"from_day": pl.Date, "to_day": pl.Date}
    cube = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(schema=schema)
    return kept.keep(uow, ROLL, cube.sort("to_day"), as_of, at)


def kept_pair(uow: UnitOfWork, a: date, b: date) -> pl.DataFrame:
    """The counts of the pair of days (a, b): from the cube ``roll`` when it holds the pair,
    else from the two kept snapshots (or the store's rows of a day not kept), counted once
    per process for the two days' runs."""
    cube = kept.frame(uow, ROLL)
    if cube is not None:
        found = cube.filter((pl.col("from_day") == a) & (pl.col("to_day") == b))
        if found.height:  # a pair the cube lacks, or an empty one: cheap from its snapshots
            return found.drop("from_day", "to_day")
    session = uow.session
    runs = (queries.snapshot_run(session, a), queries.snapshot_run(session, b))
    return kept.remember(uow, ("pair", a, b, *runs),
                         lambda: pair_rows(snapshot(uow, a), snapshot(uow, b)))  # fmt: skip
