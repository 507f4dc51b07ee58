"""Targets of the decisions (issue 8 §4): value priority vs the shipped rules, in the simulator.

    .venv/bin/python bench/simulate/run.py [--accounts 5000] [--days 60] [--seeds 1,2,3]
        [--capacity 300] [--train-days 60] [--allocation highs|greedy]

Same portfolio, same call capacity, several seeds. For every seed the demo
portfolio is generated and loaded once, then played twice through the real
daily cycle: with the shipped rule-based priority, and with the value priority
(expected value from a propensity, calls allocated by the optimiser and placed
at the learnt best hour). The propensity is a LightGBM model trained by the
product's own path (``planner.scoring.train_model``, registered in the
registry) on a run of *another* portfolio (seed 10,000 + the first seed)
played with the shipped rules, from observable features only, never the
hidden debtor traits; the value run registers its files as champion and
scores its portfolio every morning (``score_portfolio``), and the plan reads
the scores from the store. ``--model simulator`` uses the simulator's own
lighter model instead (``sim.simulator.propensity``).

Reported per seed and as mean ± standard deviation over seeds, with a 95 %
confidence interval (Student's t over seeds) of the per-seed change: recovered
per unit of cost (both converted to the report currency with the simulation
file's fixed rates), recovered, cost, contacts per debtor, complaints,
compliance violations (every contact judged at its instant; must be 0), and
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
from datetime import timedelta
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
from arrears.sim.simulator.training import registry_scorer, train_propensity, train_registered
from arrears.sim.simulator.world import Policy, Scorer
from arrears.store.database import Database
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
    parser.add_argument("--model", default="registry", choices=["registry", "simulator"])
    parser.add_argument("--report", action="store_true", help="Print the saved results again.")
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


Model = dict[str, Any] | Propensity  # a registry entry, or the simulator's own model


def _scorer(model: Model) -> Scorer:
    if isinstance(model, dict):
        return registry_scorer(model, OUT / "models")
    return scorer(model)


def _one_seed(args: argparse.Namespace, model: Model, seed: int) -> dict[str, dict[str, Any]]:
    """Both policies on the portfolio of ``seed`` (in a worker process)."""
    config, shipped = _config(args), load_strategies(CONFIG / "strategies")
    policies = [Policy("rules", shipped, "rules", args.capacity),
                Policy("value", shipped, "value", args.capacity, allocation=args.allocation,
                       scorer=_scorer(model))]  # fmt: skip
    results = compare(config, policies, seed=seed, work_dir=OUT, progress=_progress)
    run = {r.policy: r.summary(config.params.rates) for r in results}
    _seed_line(seed, run)
    return run


def _train(args: argparse.Namespace, seed: int) -> tuple[Model, int]:
    """The model of ``seed``'s training portfolio (kept under var/ for the next run)."""
    config, shipped = _config(args), load_strategies(CONFIG / "strategies")
    key = f"{seed}-{args.accounts}-{args.train_days}"
    if args.model == "simulator":
        saved = OUT / f"propensity-{key}.pickle"
        if not saved.exists():
            model, rows = train_propensity(config, shipped, seed=seed, days=args.train_days,
                                           work_dir=OUT, step=3, capacity=args.capacity,
                                           progress=_progress)  # fmt: skip
            saved.write_bytes(pickle.dumps((model, rows)))
        return pickle.loads(saved.read_bytes())  # type: ignore[no-any-return]
    saved = OUT / f"registry-{key}.pickle"
    if not saved.exists():
        training = OUT / f"training-{key}.db"
        if not training.exists():
            compare(config, [Policy("training", shipped, "rules", args.capacity)], seed=seed,
                    work_dir=OUT, days=args.train_days, progress=_progress)  # fmt: skip
            (OUT / f"run-{seed}-training.db").rename(training)
        database = Database(f"sqlite:///{training}")
        as_of = config.params.start + timedelta(days=args.train_days)
        entry = train_registered(database.uow, as_of=as_of, models_dir=OUT / "models",
                                 seed=seed)  # fmt: skip
        database.dispose()
        saved.write_bytes(pickle.dumps((entry, entry["metrics"].get("rows", 0))))
    return pickle.loads(saved.read_bytes())  # type: ignore[no-any-return]


def main() -> None:
    args = _args()
    if args.report:
        print(_markdown(json.loads((OUT / "results.json").read_text())))
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    model, rows = _train(args, 10_000 + seeds[0])
    trained = time.perf_counter() - started
    print(f"propensity ({args.model}): {rows} labelled rows, {trained:.0f} s", file=sys.stderr)
    # Spawned, not forked: Polars' thread pool does not survive a fork.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=spawn) as pool:
        runs = list(pool.map(_one_seed, [args] * len(seeds), [model] * len(seeds), seeds))
    report = _report(args, runs, trained)
    if isinstance(model, dict):
        report["model"] = {k: model[k] for k in ("version", "kind", "metrics", "params")}
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


def _stats(values: list[float]) -> dict[str, Any]:
    """Mean, standard deviation, range and the 95 % interval of the mean (Student's t)."""
    from scipy.stats import t

    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    half = (
        float(t.ppf(0.975, len(values) - 1)) * sd / len(values) ** 0.5 if len(values) > 1 else 0.0
    )
    mean = statistics.fmean(values)
    return {"mean": mean, "sd": sd, "min": min(values), "max": max(values),
            "ci95": [mean - half, mean + half]}  # fmt: skip


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


def _per_seed(report: dict[str, Any]) -> list[str]:
    lines = [
        "| seed | rules: recovered / cost | value: recovered / cost | change | recovered (¥, "
        "rules / value) | cost (¥) | contacts / debtor | calls | conversations | complaints "
        "| violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in report["runs"]:
        r, v = run["rules"], run["value"]
        change = 100 * (v["recovered_per_cost"] / r["recovered_per_cost"] - 1)

        def pair(key: str, scale: int = 1, fmt: str = ",.0f", r: Any = r, v: Any = v) -> str:
            return f"{r[key] / scale:{fmt}} / {v[key] / scale:{fmt}}"

        lines.append(
            f"| {r['seed']} | {r['recovered_per_cost']:.1f} | {v['recovered_per_cost']:.1f} | "
            f"{change:+.1f} % | {pair('recovered_minor', 100)} | {pair('cost_minor', 100)} | "
            f"{pair('contacts_per_debtor', 1, '.2f')} | {pair('calls')} | "
            f"{pair('conversations')} | {pair('complaints')} | {pair('violations')} |"
        )
    return lines


def _markdown(report: dict[str, Any]) -> str:
    lines = [
        *_per_seed(report),
        "",
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
    lo, hi = c["ci95"]
    lines.append(
        f"\nChange in recovered per unit of cost: {c['mean']:+.1f} % ± {c['sd']:.1f} "
        f"(95 % CI {lo:+.1f} to {hi:+.1f}; min {c['min']:+.1f}, max {c['max']:+.1f}) "
        f"over seeds {report['seeds']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
