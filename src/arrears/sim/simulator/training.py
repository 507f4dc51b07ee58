"""Training the simulator's own propensity model on a run of another portfolio.

The training portfolio has its own seed (other debtors, other traits) and is
played with the shipped rules for ``days`` days; features are taken on
snapshot days every ``step`` days while a full 30-day outcome window remains.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import polars as pl

from arrears.sim.simulator.propensity import HORIZON, Propensity, Recorder, fit, labelled
from arrears.sim.simulator.runner import Config, compare
from arrears.sim.simulator.world import Policy
from arrears.strategy.schema import Strategy


def train_propensity(
    config: Config, strategies: list[Strategy], *, seed: int, days: int, work_dir: Path,
    accounts: int | None = None, capacity: int | None = None, step: int = 7,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Propensity, int]:  # fmt: skip
    """The fitted model and the number of labelled rows it learnt from."""
    start = config.params.start
    snapshot_days = [start + timedelta(days=d) for d in range(0, max(1, days - HORIZON + 1), step)]
    recorder = Recorder(snapshot_days)
    policy = Policy("training", strategies, "rules",
                    capacity if capacity is not None else config.params.call_capacity,
                    scorer=recorder)  # fmt: skip
    (run,) = compare(config, [policy], seed=seed, work_dir=work_dir, days=days,
                     accounts=accounts, progress=progress)  # fmt: skip
    paid = pl.DataFrame(run.ledger, schema={"account_id": pl.Int64, "paid_on": pl.Date,
                                            "amount_minor": pl.Int64}, orient="row")  # fmt: skip
    frames = [labelled(f, paid, day) for day, f in sorted(recorder.snapshots.items())]
    return fit(frames, seed=seed), sum(f.height for f in frames)
