"""Best time to call, learned from outcomes and smoothed (PRODUCT D5).

A call's outcome says whether the debtor picked up (a conversation) at that
local hour and weekday. Raw rates per debtor and hour are mostly 0/1 noise, so
they are shrunk twice, empirical-Bayes style (Beta-Binomial):

1. **group** (e.g. client) × channel × weekday × hour: a Beta(α, β) prior per
   channel is fitted to all cells by the method of moments, and each cell's
   rate is the posterior mean ``(s + α) / (n + α + β)``; a weekday with no calls at
   that hour uses the group's rate at that hour over all days;
2. **debtor** × channel × hour: the group's rate at that hour is the prior
   mean with ``strength`` pseudo-contacts, ``(s + k·r_g) / (n + k)``.

A debtor never called gets the group's curve; one called often gets their own.
Hours are local (each debtor's first zone); the caller decides which hours are
candidates (always inside the compliance window: the engine still judges).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

STRENGTH = 6.0  # pseudo-contacts a debtor's own rates need to outweigh the group's
RESPONDED = ("conversation",)  # call outcomes that reached the debtor


def local_time(frame: pl.DataFrame, at: str, zone: str) -> pl.DataFrame:
    """Add ``local_hour`` and ``weekday`` (1 = Monday) of the UTC instant ``at`` in ``zone``."""
    parts = []
    for (name,), part in frame.group_by(zone):
        local = pl.col(at).dt.convert_time_zone(str(name or "UTC"))
        parts.append(part.with_columns(local.dt.hour().alias("local_hour"),
                                       local.dt.weekday().alias("weekday")))  # fmt: skip
    if not parts:
        return frame.with_columns(pl.lit(None, pl.Int8).alias("local_hour"),
                                  pl.lit(None, pl.Int8).alias("weekday"))  # fmt: skip
    return pl.concat(parts, how="vertical_relaxed")


def beta_prior(successes: pl.Series, trials: pl.Series) -> tuple[float, float]:
    """Method-of-moments Beta(α, β) of cell rates, weighted by trials (a weak prior if flat)."""
    s = successes.cast(pl.Float64).to_numpy()
    n = trials.cast(pl.Float64).to_numpy()
    s, n = s[n > 0], n[n > 0]
    if n.size == 0:
        return 1.0, 1.0
    mean = float(s.sum() / n.sum())
    var = float((n * (s / n - mean) ** 2).sum() / n.sum())
    mean = min(max(mean, 1e-4), 1 - 1e-4)
    # Binomial noise inflates the observed variance: subtract its expected share.
    noise = mean * (1 - mean) * float((1 / n).mean())
    spread = max(var - noise, 1e-6)
    size = min(max(mean * (1 - mean) / spread - 1.0, 2.0), 2_000.0)
    return mean * size, (1 - mean) * size


def group_rates(outcomes: pl.DataFrame, group: str) -> pl.DataFrame:
    """Smoothed response rate per group, channel, weekday and local hour.

    ``outcomes``: ``group``, channel, weekday, local_hour, responded (bool).
    """
    cells = outcomes.group_by(group, "channel", "weekday", "local_hour").agg(
        pl.col("responded").sum().alias("s"), pl.len().alias("n")
    )
    out = []
    for _, part in cells.group_by("channel"):
        alpha, beta = beta_prior(part["s"], part["n"])
        out.append(part.with_columns(
            ((pl.col("s") + alpha) / (pl.col("n") + alpha + beta)).alias("rate"),
            pl.lit(alpha / (alpha + beta)).alias("prior"),
        ))  # fmt: skip
    if not out:
        return cells.with_columns(pl.lit(None, pl.Float64).alias("rate"),
                                  pl.lit(None, pl.Float64).alias("prior"))  # fmt: skip
    return pl.concat(out)


def hour_rates(
    candidates: pl.DataFrame,
    outcomes: pl.DataFrame,
    *,
    group: str,
    weekday: int,
    hours: Sequence[int],
    strength: float = STRENGTH,
) -> pl.DataFrame:
    """Each candidate (debtor_id, ``group``, channel) × hour with its smoothed rate.

    ``base`` is the channel's rate over everyone (the prior's mean): a debtor's
    ``rate / base`` says how much likelier than the average debtor they are to
    answer at that hour. A cell nobody was called in falls back to the
    channel's prior mean; with no outcomes at all every hour of every debtor
    gets the same rate (placement and ranking are then neutral).
    """
    hour_frame = pl.DataFrame({"local_hour": list(hours)}, schema={"local_hour": pl.Int8})
    grid = candidates.join(hour_frame, how="cross")
    if outcomes.is_empty():
        return grid.with_columns(pl.lit(0.5).alias("rate"), pl.lit(0.5).alias("base"))
    outcomes = outcomes.with_columns(pl.col("local_hour").cast(pl.Int8))
    shared = group_rates(outcomes.filter(pl.col("weekday") == weekday), group)
    every_day = group_rates(outcomes.with_columns(pl.lit(0).alias("weekday")), group)
    prior = every_day.group_by("channel").agg(pl.col("prior").first())
    own = outcomes.group_by("debtor_id", "channel", "local_hour").agg(
        pl.col("responded").sum().alias("s_own"), pl.len().alias("n_own")
    )
    return (
        grid.join(shared.select(group, "channel", "local_hour", "rate"),
                  on=[group, "channel", "local_hour"], how="left")
        .join(every_day.select(group, "channel", "local_hour", pl.col("rate").alias("_all")),
              on=[group, "channel", "local_hour"], how="left")
        .join(prior, on="channel", how="left")
        .join(own, on=["debtor_id", "channel", "local_hour"], how="left")
        .with_columns(pl.coalesce("rate", "_all", "prior", pl.lit(0.5)).alias("_g"))
        .with_columns(((pl.col("s_own").fill_null(0) + strength * pl.col("_g"))
                       / (pl.col("n_own").fill_null(0) + strength)).alias("rate"),
                      pl.coalesce("prior", pl.lit(0.5)).alias("base"))
        .drop("_g", "_all", "prior", "s_own", "n_own")
    )  # fmt: skip


def call_outcomes(history: pl.DataFrame, zones: pl.DataFrame) -> pl.DataFrame:
    """Outbound calls of ``history`` as outcomes in local time.

    ``zones``: debtor_id, zone, and the grouping columns to carry (one row per debtor).
    """
    calls = history.filter((pl.col("channel") == "call") & (pl.col("direction") == "out"))
    calls = calls.join(zones, on="debtor_id", how="inner")
    calls = local_time(calls, "occurred_at", "zone")
    return calls.with_columns(pl.col("outcome").is_in(list(RESPONDED)).alias("responded"))
