"""Where a simulated run spends its time: one policy, a few days, under cProfile.

    .venv/bin/python bench/simulate/profile_run.py [--accounts 600] [--days 4] [--seed 1]
        [--priority rules|value] [--registry var/bench/simulate/registry-*.pickle] [--top 40]

The portfolio is prepared once (var/bench/simulate/portfolio-*.db, as the
comparison does) and copied; only the run itself is profiled. Prints the wall
time per simulated day and the functions with the largest cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pickle
import pstats
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.payments.policy import load_policies
from arrears.sim.simulator.params import load_params
from arrears.sim.simulator.runner import Config, compare, simulate
from arrears.sim.simulator.training import registry_scorer
from arrears.sim.simulator.world import Policy
from arrears.store.database import Database
from arrears.strategy.loader import load_strategies
from arrears.templates import load_templates

CONFIG = ROOT / "config"
OUT = ROOT / "var" / "bench" / "simulate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=600)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--capacity", type=int, default=40)
    parser.add_argument("--priority", default="rules", choices=["rules", "value"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="Time only.")
    parser.add_argument("--registry", type=Path, help="A registry entry saved by run.py (value).")
    args = parser.parse_args()
    params = load_params(CONFIG / "simulation.yaml").model_copy(
        update={"accounts": args.accounts, "call_capacity": args.capacity}
    )
    config = Config(params, load_rulebooks(CONFIG / "rulebooks"),
                    load_templates(CONFIG / "templates"), load_policies(CONFIG / "resolution"),
                    FieldCipher(bytes(range(32))))  # fmt: skip
    scorer = None
    if args.registry is not None:
        entry, _ = pickle.loads(args.registry.read_bytes())
        scorer = registry_scorer(entry, OUT / "models")
    policy = Policy(args.priority, load_strategies(CONFIG / "strategies"), args.priority,
                    args.capacity, scorer=scorer)  # fmt: skip
    template = OUT / f"portfolio-{args.seed}-{args.accounts}-{params.start.isoformat()}.db"
    if not template.exists():
        compare(config, [], seed=args.seed, work_dir=OUT, accounts=args.accounts)
    copy = OUT / f"profile-{args.seed}-{args.priority}.db"
    shutil.copyfile(template, copy)
    database = Database(f"sqlite:///{copy}")
    database.ensure_schema()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    try:
        if not args.no_profile:
            profiler.enable()
        metrics = simulate(database.uow, config, policy, seed=args.seed, days=args.days)
        profiler.disable()
    finally:
        database.dispose()
    seconds = time.perf_counter() - started
    print(f"{args.accounts} accounts x {args.days} days ({args.priority}): {seconds:.1f} s, "
          f"{seconds / args.days:.2f} s a day; contacts {sum(metrics.contacts.values())}, "
          f"violations {metrics.audit.violations}")  # fmt: skip
    if not args.no_profile:
        out = io.StringIO()
        profiler.dump_stats(str(OUT / "profile.pstats"))
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
