"""Targets of the decisions (issue 8 §4): value priority vs the shipped rules, in the simulator.

    .venv/bin/python bench/simulate/run.py [--accounts 5000] [--days 60] [--seeds 1,2,3]
        [--capacity 300] [--train-days 60] [--allocation highs|greedy]

Same portfolio, same call capacity, several seeds. For every seed the demo
portfolio is generated and loaded once, then played twice through the real
daily cycle: with the shipped rule-based priority, and with the value priority
(expected value from a propensity, calls allocated by the optimiser and placed
at the learnt best hour). The propensity is the simulator's own
(``sim.simulator.propensity``), trained on a run of *another* portfolio (seed
10,000 + the first seed) from observable features only, never the hidden
debtor traits.

Reported per seed and as mean ± standard deviation over seeds: recovered per
unit of cost (both converted to the report currency with the simulation
file's fixed rates), its change, recovered, cost, contacts per debtor,
complaints, compliance violations (every contact re-judged; must be 0), and
the wall time of each run. Results go to var/bench/simulate/results.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pickle
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.payments.policy import load_policies
from arrears.sim.simulator.params import load_params
from arrears.sim.simulator.propensity import Propensity, scorer
from arrears.sim.simulator.runner import Config, compare
from arrears.sim.simulator.training import train_propensity
from arrears.sim.simulator.world import Policy
from arrears.strategy.loader import load_strategies
from arrears.templates import load_templates

CONFIG = ROOT / "config"
OUT = ROOT / "var" / "bench" / "simulate"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--train-days", type=int, default=60)
    parser.add_argument("--allocation", default="highs", choices=["highs", "greedy"])
    parser.add_argument("--workers", type=int, default=2, help="Seeds run in parallel.")
    return parser.parse_args()


def _progress(name: str, day: int, days: int) -> None:
    if day % 10 == 0 or day == days:
        print(f"  {name}: day {day}/{days}", file=sys.stderr, flush=True)


def _config(args: argparse.Namespace) -> Config:
    params = load_params(CONFIG / "simulation.yaml").model_copy(
        update={"accounts": args.accounts, "days": args.days, "call_capacity": args.capacity}
    )
    return Config(params, load_rulebooks(CONFIG / "rulebooks"),
                  load_templates(CONFIG / "templates"), load_policies(CONFIG / "resolution"),
                  FieldCipher(bytes(range(32))))  # fmt: skip


def _one_seed(args: argparse.Namespace, model: Propensity, seed: int) -> dict[str, dict[str, Any]]:
    """Both policies on the portfolio of ``seed`` (in a worker process)."""
    config, shipped = _config(args), load_strategies(CONFIG / "strategies")
    policies = [Policy("rules", shipped, "rules", args.capacity),
                Policy("value", shipped, "value", args.capacity, allocation=args.allocation,
                       scorer=scorer(model))]  # fmt: skip
    results = compare(config, policies, seed=seed, work_dir=OUT, progress=_progress)
    run = {r.policy: r.summary(config.params.rates) for r in results}
    _seed_line(seed, run)
    return run


def main() -> None:
    args = _args()
    config, shipped = _config(args), load_strategies(CONFIG / "strategies")
    seeds = [int(s) for s in args.seeds.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    saved = OUT / f"propensity-{10_000 + seeds[0]}-{args.accounts}-{args.train_days}.pickle"
    if saved.exists():  # a model trained on this size before (our own file, under var/)
        model, rows = pickle.loads(saved.read_bytes())
    else:
        model, rows = train_propensity(config, shipped, seed=10_000 + seeds[0],
                                       days=args.train_days, work_dir=OUT, step=3,
                                       capacity=args.capacity, progress=_progress)  # fmt: skip
        saved.write_bytes(pickle.dumps((model, rows)))
    trained = time.perf_counter() - started
    print(f"propensity: {rows} labelled snapshots in {trained:.0f} s", file=sys.stderr)
    # Spawned, not forked: Polars' thread pool does not survive a fork.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=spawn) as pool:
        runs = list(pool.map(_one_seed, [args] * len(seeds), [model] * len(seeds), seeds))
    report = _report(args, runs, trained)
    (OUT / "results.json").write_text(json.dumps(report, indent=2, default=str))
    print(_markdown(report))


def _seed_line(seed: int, run: dict[str, dict[str, Any]]) -> None:
    rules, value = run["rules"], run["value"]
    change = 100 * (float(value["recovered_per_cost"]) / float(rules["recovered_per_cost"]) - 1)
    print(
        f"seed {seed}: rules {rules['recovered_per_cost']:.1f}, value "
        f"{value['recovered_per_cost']:.1f} ({change:+.1f} %), violations "
        f"{rules['violations']}/{value['violations']}",
        file=sys.stderr,
        flush=True,
    )


def _stats(values: list[float]) -> dict[str, float]:
    return {"mean": statistics.fmean(values),
            "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values)}  # fmt: skip


def _report(args: argparse.Namespace, runs: list[dict[str, dict[str, Any]]], trained: float
            ) -> dict[str, Any]:  # fmt: skip
    change = [
        100
        * (float(r["value"]["recovered_per_cost"]) / float(r["rules"]["recovered_per_cost"]) - 1)
        for r in runs
    ]
    out: dict[str, Any] = {"machine": machine(), "accounts": args.accounts, "days": args.days,
                              "capacity": args.capacity, "seeds": args.seeds,
                              "allocation": args.allocation, "training_seconds": round(trained),
                              "runs": runs, "change_percent": _stats(change)}  # fmt: skip
    for policy in ("rules", "value"):
        for key in (
            "recovered_per_cost",
            "recovered_minor",
            "cost_minor",
            "contacts_per_debtor",
            "complaints",
            "violations",
            "seconds",
        ):
            out[f"{policy}.{key}"] = _stats([float(r[policy][key]) for r in runs])
    return out


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        "| policy | recovered / cost | recovered (¥) | cost (¥) | contacts / debtor | "
        "complaints | violations | run (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for policy in ("rules", "value"):
        cells = []
        for key, scale in (
            ("recovered_per_cost", 1),
            ("recovered_minor", 100),
            ("cost_minor", 100),
            ("contacts_per_debtor", 1),
            ("complaints", 1),
            ("violations", 1),
            ("seconds", 1),
        ):
            s = report[f"{policy}.{key}"]
            cells.append(f"{s['mean'] / scale:,.1f} ± {s['sd'] / scale:,.1f}")
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    c = report["change_percent"]
    lines.append(
        f"\nChange in recovered per unit of cost: {c['mean']:+.1f} % ± {c['sd']:.1f} "
        f"(min {c['min']:+.1f}, max {c['max']:+.1f}) over seeds {report['seeds']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
