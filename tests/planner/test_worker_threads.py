"""Worker processes share the cores: one Polars pool each of cores / workers threads.

``plan_partitions`` starts its workers with ``POLARS_MAX_THREADS`` in their
environment (Polars reads it once, on import, before any initializer runs) and
gives this process its environment back; a value the user set is theirs.
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


def _report(task: int) -> tuple[int, str | None]:
    """What a worker runs here: its Polars pool size and its ``POLARS_MAX_THREADS``."""
    return pl.thread_pool_size(), os.environ.get(plan_module.POLARS_THREADS)


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
    assert _run(2, monkeypatch) == [(2, "2"), (2, "2")]
    assert plan_module.POLARS_THREADS not in os.environ


def test_a_value_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(plan_module.POLARS_THREADS, "1")
    assert _run(2, monkeypatch) == [(1, "1"), (1, "1")]
    assert os.environ[plan_module.POLARS_THREADS] == "1"
