"""Run the daily plan over the store, partition by partition.

The portfolio is cut into partitions of debtors (``debtor_id % n``) so memory
stays bounded; each partition is read, planned by the pure
:func:`planner.plan.plan_inputs`, and written in its own transaction: its
planned actions for the date replace any earlier ones, and the accounts'
strategy, segment and experiment arms are recorded. A run remembers the
partitions it finished, so a killed run resumes where it stopped, and a
re-run of a date replaces its rows instead of adding to them.

With ``workers`` > 1 the partitions are planned in that many worker processes
(:func:`planner.plan.plan_partitions`), each with its own engine built from the
database URL. Partitions are independent (each plans with an equal share of the
day's call capacity, :func:`planner.plan.capacity_share`), so the result does not
depend on the number of workers. Each
worker writes its partition and records it as done in one transaction, taking a
row lock on the run first so that concurrent partitions never lose each other's
mark. On SQLite (one writer at a time) the workers take turns to write while the
others keep planning.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import Any

import polars as pl

from arrears.compliance.rulebooks import Rulebooks
from arrears.planner.plan import (
    PartitionInputs,
    PartitionPlan,
    PlanParams,
    Policy,
    finding_json,
    plan_partitions,
)
from arrears.store.db import is_sqlite, make_engine, make_session_factory
from arrears.store.queries import planning as queries
from arrears.store.queries import scoring as scoring_queries
from arrears.store.uow import UnitOfWork
from arrears.strategy.schema import Strategy

HISTORY_DAYS = 90  # the longest window a rule or feature looks back over
MAX_WORKERS = 4  # each worker holds a partition in memory: about 1.3 GiB per 250,000 accounts


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


def default_workers(database_url: str) -> int:
    """How many processes plan by default: one on SQLite, the cores (at most 4) on PostgreSQL.

    SQLite is the embedded, small-portfolio database, often on a laptop: one
    process keeps the plan's memory to one partition, and its single writer would
    make the workers queue for the write anyway. ``--workers`` overrides this.
    """
    if is_sqlite(database_url):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


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
    workers: int = 1,
    database_url: str | None = None,
) -> PlanSummary:
    """Plan ``as_of`` for every open account; resumable and idempotent.

    ``workers`` > 1 plans partitions in that many processes, which need
    ``database_url`` to open their own connections (an engine does not cross
    processes). ``progress`` gets (partitions finished, partitions).
    """
    if workers > 1 and database_url is None:
        raise ValueError("planning in worker processes needs the database URL")
    params = params or PlanParams()
    run_id, partitions, done, resumed = _start(
        uow_factory, as_of, clock, actor, partition_size, versions(strategies, rulebooks)
    )
    summary = PlanSummary(as_of, run_id, partitions, resumed)
    parallel = workers > 1 and database_url is not None
    job = StoreJob(run_id, partitions, as_of, database_url if parallel else None, uow_factory)
    policy = Policy(strategies, rulebooks, as_of, params)
    # The write's timestamp is read when the partition starts (the clock stays in this process).
    tasks = ((partition, clock()) for partition in range(partitions) if partition not in done)
    serial = parallel and database_url is not None and is_sqlite(database_url)
    try:
        finished = plan_partitions(
            tasks, job, policy=policy, workers=workers if parallel else 1, serial_writes=serial
        )
        with closing(finished):
            for count, _ in enumerate(finished, start=len(done) + 1):
                if progress:
                    progress(count, partitions)
    except BaseException as exc:
        _fail(uow_factory, run_id, clock(), exc)
        raise
    return _finish(uow_factory, summary, clock())


@cache
def _units_of_work(url: str) -> Callable[[], UnitOfWork]:
    """One engine per worker process and database (built there, never pickled)."""
    return partial(UnitOfWork, make_session_factory(make_engine(url)))


@dataclass
class StoreJob:
    """Read a partition from the store, and write its plan: a task is (partition, written at).

    In worker processes it opens its own units of work from ``url``; in this
    process (``url`` None) it uses ``uow_factory``, which is not sent to workers.
    """

    run_id: int
    partitions: int
    as_of: date
    url: str | None
    uow_factory: Callable[[], UnitOfWork] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "uow_factory": None}

    def _uow(self) -> UnitOfWork:
        if self.url is not None:
            return _units_of_work(self.url)()
        if self.uow_factory is None:
            raise RuntimeError("a store job needs a database URL or a unit of work factory")
        return self.uow_factory()

    def read(self, task: tuple[int, datetime]) -> PartitionInputs:
        with self._uow() as uow:
            return _read(uow, task[0], self.partitions, self.as_of)

    def write(self, task: tuple[int, datetime], plan: PartitionPlan) -> int:
        """One transaction: the partition's actions, outbox rows, assignments and its mark."""
        partition, at = task
        with self._uow() as uow:
            _write(uow, plan, self.as_of, partition, self.run_id, at)
            uow.commit()
        return partition


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


def _read(uow: UnitOfWork, partition: int, partitions: int, as_of: date) -> PartitionInputs:
    session = uow.session
    since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
    part = queries.Partition(partition, partitions)
    return PartitionInputs(
        accounts=queries.open_accounts(session, part=part),
        points=queries.contact_points(session, part=part),
        history=queries.interactions(session, since=since, part=part),
        done=queries.steps_done(session, before=as_of, part=part),
        invoices=queries.invoice_counts(session, part=part),
        resolution=queries.resolution_state(session, as_of=as_of, part=part),
        scores=scoring_queries.used_scores(session, as_of=as_of, part=part),
        part=(partition, partitions),
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
    # Locked last and held to the commit: another worker's mark waits instead of being lost.
    uow.plans.mark_done(queries.locked_run(uow.session, run_id), partition)


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
