"""Worker processes share the cores and keep the pages they free for a while.

``plan_partitions`` starts its workers with ``POLARS_MAX_THREADS`` (one Polars pool
each of cores / workers threads) and jemalloc's own decay times in
``_RJEM_MALLOC_CONF`` in their environment (Polars reads both once, on import,
before any initializer runs) and gives this process its environment back; a
value the user set is theirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

import polars as pl
import pytest

from arrears.compliance.rulebooks import Rulebooks
from arrears.planner import plan as plan_module
from arrears.planner.plan import PartitionInputs, PartitionPlan, PlanParams, Policy, plan_partitions


@dataclass
class NoJob:
    """Never used: the workers run :func:`_report` instead of planning."""

    def read(self, task: int) -> PartitionInputs:
        raise AssertionError("not planned")

    def write(self, task: int, plan: PartitionPlan) -> None:
        raise AssertionError("not planned")


def _report(task: int) -> tuple[int, str | None, dict[str, str]]:
    """What a worker runs here: its Polars pool size, ``POLARS_MAX_THREADS`` and the
    allocator's options in effect (jemalloc takes the last value of each)."""
    options = os.environ.get(plan_module.POLARS_ALLOCATOR, "")
    effective = dict(part.split(":", 1) for part in options.split(",") if part)
    return pl.thread_pool_size(), os.environ.get(plan_module.POLARS_THREADS), effective


# jemalloc's own decay defaults, as plan.WORKER_ALLOCATOR sets them.
TUNED = {"dirty_decay_ms": "10000", "muzzy_decay_ms": "0"}


def _run(workers: int, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each worker's :func:`_report` gave (the job is never asked to plan)."""
    monkeypatch.setattr(plan_module, "_run_task", _report)
    monkeypatch.setattr(plan_module, "_cores", lambda: 4)
    policy = Policy(strategies=[], rulebooks=Rulebooks({}), as_of=date(2026, 11, 20),
                    params=PlanParams())  # fmt: skip
    return [result for _, result in plan_partitions(range(workers), NoJob(), policy=policy,
                                                     workers=workers)]  # fmt: skip


def test_each_worker_gets_its_share_of_the_cores_and_this_process_keeps_its_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(plan_module.POLARS_THREADS, raising=False)
    mine = os.environ.get(plan_module.POLARS_ALLOCATOR)
    assert _run(2, monkeypatch) == [(2, "2", TUNED)] * 2
    assert plan_module.POLARS_THREADS not in os.environ
    assert os.environ.get(plan_module.POLARS_ALLOCATOR) == mine


def test_values_the_user_set_win(monkeypatch: pytest.MonkeyPatch) -> None:
    """As Polars leaves the variable when the user set ``dirty_decay_ms:0`` before it."""
    monkeypatch.setenv(plan_module.POLARS_THREADS, "1")
    users = f"{plan_module.POLARS_OWN_ALLOCATOR},dirty_decay_ms:0"
    monkeypatch.setenv(plan_module.POLARS_ALLOCATOR, users)
    assert _run(2, monkeypatch) == [(1, "1", {"dirty_decay_ms": "0", "muzzy_decay_ms": "0"})] * 2
    assert os.environ[plan_module.POLARS_THREADS] == "1"
    assert os.environ[plan_module.POLARS_ALLOCATOR] == users


def test_polars_own_options_do_not_undo_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's Polars wrote its options into the variable when it was imported, and
    so did that of the process that started this one (a test runner, a shell in Python)."""
    own = plan_module.POLARS_OWN_ALLOCATOR
    monkeypatch.setenv(plan_module.POLARS_ALLOCATOR, f"{own},{own}")
    assert [effective for _, _, effective in _run(2, monkeypatch)] == [TUNED] * 2
