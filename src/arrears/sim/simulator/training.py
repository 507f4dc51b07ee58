"""Training a propensity for the value priority on a run of another portfolio.

The training portfolio has its own seed (other debtors, other traits) and is
played with the shipped rules for ``days`` days. Two ways to learn from it:

* :func:`train_registered` — the product's own path: ``planner.scoring.train_model``
  (point-in-time features, LightGBM with calibration and the amount model)
  on the training run's store, registered there as a candidate. The value
  run then registers the same files as its champion and scores its portfolio
  every morning with ``score_portfolio`` (:func:`registry_scorer`), so the
  plan reads ``score`` and ``expected_amount_minor`` from ``account_scores``
  exactly as it does in production;
* :func:`train_propensity` — the simulator's own, lighter model
  (:mod:`.propensity`), features from the planner's account features on
  snapshot days every ``step`` days while a full 30-day outcome window remains.

Neither reads the hidden debtor traits, and neither sees the compared portfolio.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from arrears.planner.scoring import (
    TrainingPlan,
    promote_model,
    score_portfolio,
    train_model,
    uplift_scores,
)
from arrears.sim.simulator.debtors import ACTOR
from arrears.sim.simulator.propensity import HORIZON, Propensity, Recorder, fit, labelled
from arrears.sim.simulator.runner import Config, compare
from arrears.sim.simulator.world import Policy
from arrears.store.records.scoring import ModelRecord
from arrears.store.uow import UnitOfWork
from arrears.strategy.schema import Strategy

# The registry's columns a model keeps when another store registers its files.
ENTRY = ("name", "version", "kind", "trained_as_of", "period_from", "period_to", "horizon_days",
         "features", "metrics", "params", "artefact_path", "digest")  # fmt: skip


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


def train_registered(
    uow_factory: Callable[[], UnitOfWork], *, as_of: date, models_dir: Path, seed: int,
    snapshots: int = 6, step_days: int = 7, kind: str = "lightgbm",
) -> dict[str, Any]:  # fmt: skip
    """Train and register a model on a played store whose outcomes reach ``as_of``.

    Returns the registry entry (:data:`ENTRY`) another store registers with
    :func:`registry_scorer`; the model's files are under ``models_dir``.
    """
    plan = TrainingPlan(as_of=as_of, kind=kind, snapshots=snapshots, step_days=step_days,
                        seed=seed)  # fmt: skip
    with uow_factory() as uow:
        record = train_model(uow=uow, plan=plan, models_dir=models_dir, at=_at(as_of),
                             actor=ACTOR)  # fmt: skip
        entry = {name: getattr(record, name) for name in ENTRY}
        uow.commit()
    return entry


def register(uow: UnitOfWork, entry: dict[str, Any], at: datetime) -> ModelRecord:
    """Register a trained model's files in this store (unless it has them) as the champion."""
    if not any(m.version == entry["version"] for m in uow.scoring.models(entry["name"])):
        uow.scoring.add_model(**entry, status="candidate", created_by=ACTOR, created_at=at,
                              updated_at=at)  # fmt: skip
    return promote_model(uow=uow, version=entry["version"], challenger=False, share=0.0, at=at,
                         actor=ACTOR)  # fmt: skip


def registry_scorer(
    entry: dict[str, Any], models_dir: Path, *, uplift: bool = True
) -> Callable[[Callable[[], UnitOfWork], date], pl.DataFrame | None]:
    """The value policy's morning: score the portfolio with the registered model.

    The plan reads the scores from the store; what is returned is each
    account's call uplift (``planner.scoring.uplift_scores``) when the model
    has learnt one and ``uplift`` is on, else None.
    """

    def scores(uow_factory: Callable[[], UnitOfWork], day: date) -> pl.DataFrame | None:
        at = _at(day) + timedelta(minutes=8)
        with uow_factory() as uow:
            if not uow.scoring.active(entry["name"]):
                register(uow, entry, at)
                uow.commit()
        with uow_factory() as uow:
            score_portfolio(uow=uow, as_of=day, models_dir=models_dir, at=at, actor=ACTOR)
            uow.commit()
        if not uplift:
            return None
        with uow_factory() as uow:
            return uplift_scores(uow=uow, as_of=day, models_dir=models_dir)

    return scores


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
