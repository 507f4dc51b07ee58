"""Targets of the decisions (issue 8 §4): value priority vs the shipped rules, in the simulator.

    .venv/bin/python bench/simulate/run.py [--accounts 5000] [--days 60] [--seeds 1,2,3]
        [--capacity 300] [--train-days 60] [--warmup 30] [--baseline]
        [--allocation highs|greedy] [--report] [--merge a.json,b.json]

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

With ``--warmup N`` (default 30) every seed's portfolio is first played N
days with the shipped rules, once, and both policies start from where that
left the store and the debtors (the same warm-up for both: the model scores
debtors with a past consistent with their traits). ``--baseline`` adds a third
arm that contacts nobody, on the same portfolio and dice: what the debtors
pay anyway, so that what each policy's spending *added* can be told apart.

Reported per seed and as mean ± standard deviation over seeds, with a 95 %
confidence interval (Student's t over seeds) of the per-seed (paired) change,
for the whole portfolio and apart for the B2B client and the rest: recovered
per unit of cost (both converted to the report currency with the simulation
file's fixed rates), recovered, cost, contacts per debtor, complaints,
compliance violations (every contact judged at its instant; must be 0), and
the wall time of each run. Results go to var/bench/simulate/results.json.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import pickle
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine

from arrears.analytics.measures.costs import load_costs
from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.payments.policy import load_policies
from arrears.planner.value import ValueModel
from arrears.sim.simulator.params import load_params
from arrears.sim.simulator.propensity import Propensity, scorer
from arrears.sim.simulator.runner import Config, compare
from arrears.sim.simulator.training import registry_scorer, train_propensity, train_registered
from arrears.sim.simulator.world import Policy, Scorer, value_model
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
    parser.add_argument("--warmup", type=int, default=30, help="Common warm-up days (rules).")
    parser.add_argument("--baseline", action="store_true", help="Add a no-contact arm.")
    parser.add_argument("--allocation", default="highs", choices=["highs", "greedy"])
    parser.add_argument("--workers", type=int, default=2, help="Seeds run in parallel.")
    parser.add_argument("--model", default="registry", choices=["registry", "simulator"])
    parser.add_argument("--report", action="store_true", help="Print the saved results again.")
    parser.add_argument("--arms", default="", help="Only these arms (e.g. rules,none), saved "
                        "per seed and reused by later runs of the same settings.")  # fmt: skip
    parser.add_argument("--train-only", action="store_true", help="Only train (and keep) the "
                        "model of the first seed's training portfolio.")  # fmt: skip
    parser.add_argument("--uplift", action=argparse.BooleanOptionalAction, default=True,
                        help="Value calls by the model's call uplift (--no-uplift: by the "
                        "propensity, as before).")  # fmt: skip
    parser.add_argument(
        "--fx",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Compare values across currencies at the file's rates.",
    )
    parser.add_argument(
        "--collect",
        action="store_true",
        help="Report the saved arms of "
        "--seeds (rules, --tag's value arm, none where saved) without running.",
    )
    parser.add_argument("--train-seed", type=int, default=0, help="The training portfolio's "
                        "seed (default 10,000 + the first seed).")  # fmt: skip
    parser.add_argument("--tag", default="value", help="Name of the value arm's saved results.")
    parser.add_argument("--min-return", type=float, default=None, help="The value priority's "
                        "hurdle: the least a call must bring in per unit of its cost "
                        "(default: config/costs.yaml's min_return, else 1).")  # fmt: skip
    parser.add_argument("--merge", default="", help="Results files (a,b) of batches of seeds "
                        "to report as one (written to results-merged.json).")  # fmt: skip
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


def _scorer(model: Model, args: argparse.Namespace) -> Scorer:
    if isinstance(model, dict):
        return registry_scorer(model, _models_dir(int(model["params"]["seed"])),
                               uplift=args.uplift)  # fmt: skip
    return scorer(model)


def _one_seed(args: argparse.Namespace, model: Model, seed: int) -> dict[str, dict[str, Any]]:
    """The policies on the portfolio of ``seed`` (in a worker process).

    Each arm's summary is saved per seed and settings (``arm-...json``): the
    rules and no-contact arms do not depend on the model, so a later run of
    the value priority reuses them (the same portfolio, warm-up and dice).
    """
    config, shipped = _config(args), load_strategies(CONFIG / "strategies")
    rules = Policy("rules", shipped, "rules", args.capacity)
    wanted = args.arms.split(",") if args.arms else ["rules", "value"] + (
        ["none"] if args.baseline else [])  # fmt: skip
    run = {name: json.loads(_arm_file(args, seed, name).read_text())
           for name in wanted if _arm_file(args, seed, name).exists()}  # fmt: skip
    todo = []
    for name in (n for n in wanted if n not in run):
        if name == "rules":
            todo.append(rules)
        elif name == "none":
            todo.append(Policy("none", [], "rules", 0))
        else:
            # Named by the tag: arms of several settings may run at once, each on its own copy.
            todo.append(Policy(args.tag, shipped, "value", args.capacity,
                               allocation=args.allocation, scorer=_scorer(model, args),
                               value=_value_model(config, args)))  # fmt: skip
    results = compare(config, todo, seed=seed, work_dir=OUT, progress=_progress,
                      warmup=args.warmup, warmup_policy=rules) if todo else []  # fmt: skip
    for result in results:
        summary = result.summary(config.params.rates)
        arm = "value" if result.policy == args.tag else result.policy
        _arm_file(args, seed, arm).write_text(json.dumps(summary, default=str))
        run[arm] = summary
    if "rules" in run and "value" in run:
        _seed_line(seed, run)
    return run


def _arm_file(args: argparse.Namespace, seed: int, arm: str) -> Path:
    name = args.tag if arm == "value" else arm
    return OUT / "arms" / (f"{name}-{seed}-{args.accounts}-{args.days}-{args.capacity}-"
                           f"w{args.warmup}.json")  # fmt: skip


def _value_model(config: Config, args: argparse.Namespace) -> ValueModel:
    """The simulation's value model; ``--no-fx`` compares currencies one to one (ablation)."""
    model = value_model(config.params)
    hurdle = args.min_return if args.min_return is not None else (
        load_costs(CONFIG / "costs.yaml").min_return)  # fmt: skip
    model = replace(model, min_return=hurdle)
    return replace(model, rates={}) if not args.fx else model


def _models_dir(seed: int) -> Path:
    """Each training portfolio's models apart: every one of them registers a pay30-v1."""
    return OUT / "models" / str(seed)


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
    saved = OUT / f"registry-{key}-uplift.pickle"  # the pay30 model with its call uplift
    if not saved.exists():
        training = OUT / f"training-{key}.db"
        if not training.exists():
            compare(config, [Policy("training", shipped, "rules", args.capacity)], seed=seed,
                    work_dir=OUT, days=args.train_days, progress=_progress)  # fmt: skip
            (OUT / f"run-{seed}-training.db").rename(training)
        database = Database(f"sqlite:///{training}")
        as_of = config.params.start + timedelta(days=args.train_days)
        entry = train_registered(database.uow, as_of=as_of, models_dir=_models_dir(seed),
                                 seed=seed)  # fmt: skip
        database.dispose()
        saved.write_bytes(pickle.dumps((entry, entry["metrics"].get("rows", 0))))
    return pickle.loads(saved.read_bytes())  # type: ignore[no-any-return]


def main() -> None:
    args = _args()
    if args.report:
        print(_markdown(json.loads((OUT / "results.json").read_text())))
        return
    if args.merge:
        _merge([Path(name) for name in args.merge.split(",")])
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.collect:
        _collect(args, seeds)
        return
    (OUT / "arms").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    train_seed = args.train_seed or 10_000 + seeds[0]
    if args.train_only:
        _train(args, train_seed)
        return
    if args.arms and "value" not in args.arms.split(","):
        model, rows = {}, 0  # the arms asked for use no model
    else:
        model, rows = _train(args, train_seed)
    trained = time.perf_counter() - started
    print(f"propensity ({args.model}): {rows} labelled rows, {trained:.0f} s", file=sys.stderr)
    # Spawned, not forked: Polars' thread pool does not survive a fork.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=spawn) as pool:
        runs = list(pool.map(_one_seed, [args] * len(seeds), [model] * len(seeds), seeds))
    if not all("rules" in r and "value" in r for r in runs):
        print(f"arms {args.arms} saved under {OUT / 'arms'}", file=sys.stderr)
        return
    report = _report(args, runs, trained)
    if isinstance(model, dict) and model:
        report["model"] = {k: model[k] for k in ("version", "kind", "metrics", "params")}
    report["tag"] = args.tag
    (OUT / "results.json").write_text(json.dumps(report, indent=2, default=str))
    (OUT / f"results-{args.tag}-{args.seeds.replace(',', '_')}.json").write_text(
        json.dumps(report, indent=2, default=str))  # fmt: skip
    print(_markdown(report))


B2B = "b2b-receivables"  # the client whose few large balances decide a run


def _group(summary: dict[str, Any], group: str) -> tuple[float, float]:
    """Recovered and cost (report currency, minor units) of a group of clients."""
    if group == "all":
        return float(summary["recovered_minor"]), float(summary["cost_minor"])
    rows = [v for c, v in summary["by_client"].items() if (c == B2B) == (group == "b2b")]
    return (float(sum(r["recovered_minor"] for r in rows)),
            float(sum(r["cost_minor"] for r in rows)))  # fmt: skip


def _change(run: dict[str, dict[str, Any]], group: str) -> float:
    """Per cent change, value vs rules, of recovered per unit of cost in ``group``."""
    (rr, rc), (vr, vc) = _group(run["rules"], group), _group(run["value"], group)
    return 100 * ((vr / vc) / (rr / rc) - 1)


def _money_change(run: dict[str, dict[str, Any]], key: str) -> float:
    """Per cent change, value vs rules, of recovered (``key`` 0) or cost (1), all clients.

    Printed beside the ratio: a ratio can be raised by contacting less, which
    recovers less; the money shows whether that is what happened.
    """
    rules, value = _group(run["rules"], "all")[key], _group(run["value"], "all")[key]
    return 100 * (value / rules - 1)


def _added(run: dict[str, dict[str, Any]], policy: str, group: str) -> float:
    """What ``policy``'s spending added over the no-contact arm, per unit of its cost."""
    (r, c), (base, _) = _group(run[policy], group), _group(run["none"], group)
    return (r - base) / c


GROUPS = ("all", "b2b", "rest")


def _merge(files: list[Path]) -> None:
    """Batches of seeds of the same settings, reported as one."""
    reports = [json.loads(f.read_text()) for f in files]
    first = reports[0]
    keys = ("accounts", "days", "capacity", "warmup", "train_days", "allocation")
    if any(r.get(k) != first.get(k) for r in reports for k in keys):
        sys.exit("the batches were run with different settings")
    meta = {k: first.get(k) for k in keys} | {"seeds": ",".join(r["seeds"] for r in reports)}
    runs = [run for r in reports for run in r["runs"]]
    report = _report(argparse.Namespace(**meta), runs, first.get("training_seconds", 0))
    report["model"] = first.get("model")
    (OUT / "results-merged.json").write_text(json.dumps(report, indent=2, default=str))
    print(_markdown(report))


def _collect(args: argparse.Namespace, seeds: list[int]) -> None:
    """The report of the arms saved for ``seeds`` (seeds missing an arm are left out)."""
    runs, missing = [], []
    for seed in seeds:
        files = {arm: _arm_file(args, seed, arm) for arm in ("rules", "value", "none")}
        run = {arm: json.loads(f.read_text()) for arm, f in files.items() if f.exists()}
        if "rules" in run and "value" in run:
            runs.append(run)
            _seed_line(seed, run)
        else:
            missing.append(seed)
    if len({"none" in r for r in runs}) > 1:  # the no-contact arm only where every seed has it
        for r in runs:
            r.pop("none", None)
    args.seeds = ",".join(str(r["rules"]["seed"]) for r in runs)
    report = _report(args, runs, 0) | {"tag": args.tag, "missing": missing}
    name = f"results-{args.tag}-collected.json"
    (OUT / name).write_text(json.dumps(report, indent=2, default=str))
    print(_markdown(report))
    if missing:
        print(f"missing (not run yet): {missing}")


def _seed_line(seed: int, run: dict[str, dict[str, Any]]) -> None:
    rules, value = run["rules"], run["value"]
    changes = ", ".join(f"{g} {_change(run, g):+.1f} %" for g in GROUPS)
    print(
        f"seed {seed}: rules {rules['recovered_per_cost']:.1f}, value "
        f"{value['recovered_per_cost']:.1f} ({changes}), violations "
        f"{rules['violations']}/{value['violations']}",
        file=sys.stderr,
        flush=True,
    )


def _stats(values: list[float]) -> dict[str, Any]:
    """Mean, standard deviation, range and the 95 % interval of the mean (Student's t).

    Non-finite values are left out (the no-contact arm's recovered per cost is infinite
    on a run where it cost nothing).
    """
    from scipy.stats import t

    values = [v for v in values if math.isfinite(v)] or [math.nan]

    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    half = (
        float(t.ppf(0.975, len(values) - 1)) * sd / len(values) ** 0.5 if len(values) > 1 else 0.0
    )
    mean = statistics.fmean(values)
    return {"mean": mean, "sd": sd, "min": min(values), "max": max(values),
            "ci95": [mean - half, mean + half], "n": len(values)}  # fmt: skip


def _report(args: argparse.Namespace, runs: list[dict[str, dict[str, Any]]], trained: float
            ) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"machine": machine(), "accounts": args.accounts, "days": args.days,
                              "capacity": args.capacity, "seeds": args.seeds,
                              "warmup": args.warmup, "train_days": args.train_days,
                              "allocation": args.allocation, "training_seconds": round(trained),
                              "runs": runs}  # fmt: skip
    out["change_percent"] = _stats([_change(r, "all") for r in runs])
    out["recovered_change_percent"] = _stats([_money_change(r, 0) for r in runs])
    out["cost_change_percent"] = _stats([_money_change(r, 1) for r in runs])
    for group in GROUPS:
        out[f"change_percent.{group}"] = _stats([_change(r, group) for r in runs])
        if all("none" in r for r in runs):
            for policy in ("rules", "value"):
                out[f"added_per_cost.{policy}.{group}"] = _stats(
                    [_added(r, policy, group) for r in runs]
                )
            base = [_added(r, "rules", group) for r in runs]
            if all(b > 0 for b in base):  # B2B: often nothing added by either (paid anyway)
                out[f"added_change_percent.{group}"] = _stats(
                    [
                        100 * (_added(r, "value", group) / b - 1)
                        for r, b in zip(runs, base, strict=True)
                    ]
                )
    for policy in ("rules", "value", "none"):
        if not all(policy in r for r in runs):
            continue
        for key in ("recovered_per_cost", "recovered_minor", "cost_minor", "contacts_per_debtor",
                    "conversations", "complaints", "violations", "seconds"):  # fmt: skip
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
    for policy in ("rules", "value", "none"):
        if f"{policy}.seconds" not in report:
            continue
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
            if policy == "none" and key == "recovered_per_cost":
                cells.append("—")  # next to no cost (promise reminders, queued messages)
                continue
            cells.append(f"{s['mean'] / scale:,.1f} ± {s['sd'] / scale:,.1f}")
        lines.append(f"| {policy} | " + " | ".join(cells) + " |")
    lines.append("")
    for group in GROUPS:
        c = report.get(f"change_percent.{group}", report["change_percent"])
        lo, hi = c["ci95"]
        lines.append(
            f"Change in recovered per unit of cost ({group}): {c['mean']:+.1f} % ± {c['sd']:.1f} "
            f"(95 % CI {lo:+.1f} to {hi:+.1f}; min {c['min']:+.1f}, max {c['max']:+.1f})"
        )
        for policy in ("rules", "value"):
            a = report.get(f"added_per_cost.{policy}.{group}")
            if a:
                lines.append(f"  added over no contact per unit of cost, {policy}: "
                             f"{a['mean']:.1f} ± {a['sd']:.1f} (95 % CI {a['ci95'][0]:.1f} "
                             f"to {a['ci95'][1]:.1f})")  # fmt: skip
        d = report.get(f"added_change_percent.{group}")
        if d:
            lines.append(f"  change in added per unit of cost: {d['mean']:+.1f} % ± {d['sd']:.1f} "
                         f"(95 % CI {d['ci95'][0]:+.1f} to {d['ci95'][1]:+.1f})")  # fmt: skip
    for key, what in (("recovered_change_percent", "recovered"), ("cost_change_percent", "cost")):
        c = report.get(key)
        if c:
            lines.append(f"Change in {what} (all): {c['mean']:+.1f} % ± {c['sd']:.1f} (95 % CI "
                         f"{c['ci95'][0]:+.1f} to {c['ci95'][1]:+.1f})")  # fmt: skip
    lines.append(f"Seeds {report['seeds']}, warm-up {report.get('warmup', 0)} days")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
