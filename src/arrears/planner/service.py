"""Run the daily plan over the store, partition by partition.

The portfolio is cut into partitions of debtors (``debtor_id % n``) so memory
stays bounded; each partition is read, planned by the pure
:func:`planner.plan.plan_partition`, and written in its own transaction:
its planned actions for the date replace any earlier ones, and the accounts'
strategy, segment and experiment arms are recorded. A run remembers the
partitions it finished, so a killed run resumes where it stopped, and a
re-run of a date replaces its rows instead of adding to them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl

from arrears.compliance.rulebooks import Rulebooks
from arrears.planner.features import account_features
from arrears.planner.plan import PartitionPlan, PlanParams, finding_json, plan_partition
from arrears.store.queries import planning as queries
from arrears.store.queries import scoring as scoring_queries
from arrears.store.uow import UnitOfWork
from arrears.strategy.schema import Strategy

HISTORY_DAYS = 90  # the longest window a rule or feature looks back over


@dataclass
class PlanSummary:
    plan_date: date
    run_id: int
    partitions: int
    resumed: bool
    counts: dict[str, int] = field(default_factory=dict)  # "planned:call" -> n

    def total(self, status: str) -> int:
        return sum(n for key, n in self.counts.items() if key.startswith(f"{status}:"))


def versions(strategies: list[Strategy], rulebooks: Rulebooks) -> dict[str, Any]:
    """The versions of every strategy and rulebook a run used (stamped on the run)."""
    return {
        "strategies": {s.id: f"{s.version} ({s.digest[:12]})" for s in strategies},
        "rulebooks": rulebooks.versions(),
    }


def run_daily_plan(
    *,
    uow_factory: Callable[[], UnitOfWork],
    strategies: list[Strategy],
    rulebooks: Rulebooks,
    as_of: date,
    clock: Callable[[], datetime],
    actor: str,
    params: PlanParams | None = None,
    partition_size: int = 250_000,
    progress: Callable[[int, int], None] | None = None,
) -> PlanSummary:
    """Plan ``as_of`` for every open account; resumable and idempotent."""
    params = params or PlanParams()
    run_id, partitions, done, resumed = _start(
        uow_factory, as_of, clock, actor, partition_size, versions(strategies, rulebooks)
    )
    summary = PlanSummary(as_of, run_id, partitions, resumed)
    try:
        for partition in range(partitions):
            if partition in done:
                continue
            with uow_factory() as uow:
                plan = _plan_one(uow, partition, partitions, strategies, rulebooks, as_of, params)
                _write(uow, plan, as_of, partition, run_id, clock())
                uow.commit()
            if progress:
                progress(partition + 1, partitions)
    except BaseException as exc:
        _fail(uow_factory, run_id, clock(), exc)
        raise
    return _finish(uow_factory, summary, clock())


def _start(
    uow_factory: Callable[[], UnitOfWork],
    as_of: date,
    clock: Callable[[], datetime],
    actor: str,
    partition_size: int,
    stamp: dict[str, Any],
) -> tuple[int, int, set[int], bool]:
    with uow_factory() as uow:
        run = uow.plans.resumable(as_of)
        if run is not None:
            run.status = "running"
            result = (run.id, run.partitions, set(run.partitions_done), True)
        else:
            count = uow.plans.open_account_count()
            partitions = max(1, math.ceil(count / partition_size))
            run = uow.plans.start(
                plan_date=as_of,
                versions=stamp,
                partitions=partitions,
                actor=actor,
                started_at=clock(),
            )
            result = (run.id, partitions, set(), False)
        uow.commit()
    return result


def _plan_one(
    uow: UnitOfWork,
    partition: int,
    partitions: int,
    strategies: list[Strategy],
    rulebooks: Rulebooks,
    as_of: date,
    params: PlanParams,
) -> PartitionPlan:
    session = uow.session
    since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
    part = queries.Partition(partition, partitions)
    accounts = queries.open_accounts(session, part=part)
    points = queries.contact_points(session, part=part)
    history = queries.interactions(session, since=since, part=part)
    done = queries.steps_done(session, before=as_of, part=part)
    invoices = queries.invoice_counts(session, part=part)
    resolution = queries.resolution_state(session, as_of=as_of, part=part)
    scores = scoring_queries.used_scores(session, as_of=as_of, part=part)
    features = account_features(
        accounts, points, history, done, invoices, as_of, resolution, scores
    )
    return plan_partition(
        features,
        points,
        history,
        done,
        strategies=strategies,
        rulebooks=rulebooks,
        as_of=as_of,
        params=params,
    )


def _write(
    uow: UnitOfWork, plan: PartitionPlan, as_of: date, partition: int, run_id: int, at: datetime
) -> None:
    rows = plan.actions.with_columns(
        pl.lit(as_of).alias("plan_date"),
        pl.lit(run_id).alias("run_id"),
        pl.lit(partition).alias("partition"),
        pl.lit(at).alias("created_at"),
        pl.col("step").fill_null("-"),
        pl.col("reason").fill_null(""),
        pl.col("priority").fill_null(0.0),
        pl.col("expected_value_minor").fill_null(0),
        pl.col("findings").fill_null([]),
    ).to_dicts()
    for row in rows:
        row["findings"] = [finding_json(f) for f in row["findings"]]
    uow.plans.replace_partition(as_of, partition, rows)
    # Automated messages enter the outbox in the same transaction as the plan (DESIGN §4.7).
    uow.outbox.enqueue_planned(as_of, partition, at)
    uow.plans.assign(_assignments(plan.assignments))
    uow.plans.mark_done(uow.plans.get_run(run_id), partition)


def _assignments(assignments: pl.DataFrame) -> list[dict[str, Any]]:
    """Strategy, segment (and since when) and arms per account."""
    return [
        {
            "id": row["account_id"],
            "strategy": row["strategy"],
            "segment": row["segment"],
            "segment_since": row["segment_since"],
            "arms": {row["experiment"]: row["arm"]} if row["experiment"] else {},
        }
        for row in assignments.iter_rows(named=True)
    ]


def _fail(
    uow_factory: Callable[[], UnitOfWork], run_id: int, at: datetime, exc: BaseException
) -> None:
    with uow_factory() as uow:
        reason = str(exc)[:2000] or type(exc).__name__
        uow.plans.finish(uow.plans.get_run(run_id), at=at, status="failed", error=reason)
        uow.commit()


def _finish(
    uow_factory: Callable[[], UnitOfWork], summary: PlanSummary, at: datetime
) -> PlanSummary:
    with uow_factory() as uow:
        summary.counts = {f"{s}:{c or '-'}": n for s, c, n in uow.plans.summary(summary.plan_date)}
        uow.plans.finish(
            uow.plans.get_run(summary.run_id), at=at, status="done", counts=summary.counts
        )
        uow.commit()
    return summary
