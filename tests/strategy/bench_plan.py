"""Benchmark: the strategy stage on a synthetic portfolio (not a test).

Run: ``.venv/bin/python -m tests.strategy.bench_plan [accounts]`` (default 1,000,000).
Times choose_strategies + assign_segments + assign_arms + todays_steps on the
shipped strategies, collected once (the way the planner runs them).
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from tests.strategy.portfolio import synthetic_portfolio

from arrears.strategy import load_strategies, plan_steps
from arrears.strategy.variants import variants

STRATEGIES = Path(__file__).resolve().parents[2] / "config" / "strategies"


def main(n: int) -> None:
    strategies = load_strategies(STRATEGIES)
    step_ids = sorted({s.id for st in strategies for v in variants(st) for s in v.steps})
    features = synthetic_portfolio(n, step_ids=step_ids)
    for attempt in range(3):
        started = time.perf_counter()
        steps = plan_steps(features.lazy(), strategies, as_of=date(2026, 11, 1)).collect()
        elapsed = time.perf_counter() - started
        print(f"run {attempt + 1}: {n:,} accounts -> {steps.height:,} rows in {elapsed:.2f} s")
    print(steps.group_by("channel").len().sort("len", descending=True))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
