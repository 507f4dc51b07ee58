"""Champion/challenger experiments (C4): which arm each account of a segment is in.

An experiment splits the accounts of one segment between arms by their
shares. The split is a stable hash of (account id, experiment id) — see
:mod:`.hashing` — so an account keeps its arm from day to day, on any
machine, and two experiments split the same accounts independently. The
planner stamps ``experiment`` and ``arm`` on every action, which is what the
results and their significance are computed from.

Experiments with ``start``/``end`` dates assign arms only on those days
(inclusive); on other days the segment's accounts get its own steps and
``experiment`` and ``arm`` are null.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import accumulate

import polars as pl

from arrears.strategy.frames import require_columns
from arrears.strategy.hashing import experiment_seed, unit_interval
from arrears.strategy.schema import Experiment, Strategy

ARM_COLUMNS = ("experiment", "arm")


def arm_expr(experiment: Experiment, account_id: pl.Expr) -> pl.Expr:
    """The arm id of each account: arms take consecutive slices of [0, 1) by share."""
    unit = unit_interval(account_id, experiment_seed(experiment.id))
    bounds = list(accumulate(arm.share for arm in experiment.arms))
    arms = experiment.arms
    chosen: pl.Expr = pl.lit(arms[-1].id)  # the last arm takes the rest: shares sum to 1 ± ε
    for arm, bound in reversed(list(zip(arms[:-1], bounds[:-1], strict=True))):
        chosen = pl.when(unit < bound).then(pl.lit(arm.id)).otherwise(chosen)
    return chosen


def running(
    strategies: Sequence[Strategy], as_of: date | None
) -> list[tuple[Strategy, Experiment]]:
    """The experiments that assign arms on ``as_of`` (None: every experiment without dates)."""
    found = []
    for strategy in strategies:
        for experiment in strategy.experiments:
            dated = experiment.start is not None or experiment.end is not None
            if as_of is None and dated:
                raise ValueError(
                    f"experiment {experiment.id} of {strategy.id} has dates: pass as_of"
                )
            if as_of is None or experiment.running_on(as_of):
                found.append((strategy, experiment))
    return found


def assign_arms(
    frame: pl.LazyFrame, strategies: Sequence[Strategy], *, as_of: date | None = None
) -> pl.LazyFrame:
    """``frame`` (with ``strategy`` and ``segment``) plus ``experiment`` and ``arm``."""
    require_columns(frame, ["account_id", "strategy", "segment"], "assign_segments")
    experiment: pl.Expr = pl.lit(None, dtype=pl.String)
    arm: pl.Expr = pl.lit(None, dtype=pl.String)
    for strategy, test in running(strategies, as_of):
        inside = (pl.col("strategy") == strategy.id) & (pl.col("segment") == test.segment)
        experiment = pl.when(inside).then(pl.lit(test.id)).otherwise(experiment)
        arm = pl.when(inside).then(arm_expr(test, pl.col("account_id"))).otherwise(arm)
    return frame.with_columns(experiment.alias("experiment"), arm.alias("arm"))
