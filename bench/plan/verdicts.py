"""Same verdicts before and after a speed change: dump them, then compare two dumps.

    .venv/bin/python bench/plan/verdicts.py dump DIR [--accounts 200000]
    .venv/bin/python bench/plan/verdicts.py compare DIR_BEFORE DIR_AFTER

``dump`` plans one synthetic partition of the plan benchmark (``run.py``) and
writes, sorted so that row order does not matter: the account features, the compliance engine's
findings and decisions for that partition's proposed contacts, the plan's
actions and assignments, and the send-time judge's verdicts for the 360 view's
single accounts (``bench/compliance/single.py``). ``compare`` says which of
them differ, and how many rows. Run ``dump`` with the code before a change
(for instance an exported copy of the tree on ``PYTHONPATH``) and after it.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.compliance import single
from bench.plan.run import (
    AS_OF,
    NO_DONE,
    NO_INVOICES,
    ROOT,
    store_shaped,
    synth_accounts,
    synth_history,
    synth_points,
    synth_resolution,
)

NAMES = ("features", "findings", "decisions", "actions", "assignments", "single")


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in a fixed order; list-of-struct columns compared as their text."""
    with warnings.catch_warnings():  # a slow map, but the same text as the earlier dumps
        warnings.simplefilter("ignore")
        flat = frame.with_columns(
            pl.col(c).map_elements(str, return_dtype=pl.String)
            for c, t in frame.schema.items()
            if isinstance(t, pl.List) and isinstance(t.inner, pl.Struct)
        )
    return flat.sort(flat.columns, nulls_last=True)


def dump(folder: Path, accounts: int) -> None:
    from arrears.compliance.rulebooks import load_rulebooks
    from arrears.outbox.recheck import judge
    from arrears.planner import plan as planning
    from arrears.planner.features import account_features
    from arrears.strategy.loader import load_strategies

    folder.mkdir(parents=True, exist_ok=True)
    strategies = load_strategies(ROOT / "config" / "strategies")
    books = load_rulebooks(ROOT / "config" / "rulebooks")
    rows = synth_accounts(accounts, seed=0, offset=0)
    points, history = synth_points(rows, seed=0), synth_history(rows, 8.0, seed=0)
    features = account_features(store_shaped(rows), points, history, NO_DONE, NO_INVOICES,
                                AS_OF, synth_resolution(rows, seed=0))  # fmt: skip
    seen: dict[str, pl.DataFrame] = {}
    original = planning.evaluate

    def spy(contacts: pl.DataFrame, past: pl.DataFrame, rulebooks: object) -> object:
        began = time.perf_counter()
        result = original(contacts, past, rulebooks)  # type: ignore[arg-type]
        print(f"engine: {time.perf_counter() - began:.2f} s for {contacts.height:,} contacts")
        seen["findings"], seen["decisions"] = result.findings, result.decisions
        return result

    planning.evaluate = spy  # type: ignore[assignment]
    began = time.perf_counter()
    params = planning.PlanParams(call_capacity=accounts // 20)
    plan = planning.plan_partition(features, points, history, NO_DONE, strategies=strategies,
                                   rulebooks=books, as_of=AS_OF, params=params)  # fmt: skip
    print(f"plan: {time.perf_counter() - began:.2f} s for {accounts:,} accounts")
    planning.evaluate = original
    verdicts = [judge(*frames, books, now).with_columns(pl.lit(now).alias("now"))
                for _, frames, now in single.cases(20)]  # fmt: skip
    out = {**seen, "features": features, "actions": plan.actions, "assignments": plan.assignments,
           "single": pl.concat(verdicts)}  # fmt: skip
    for name in NAMES:
        _sorted(out[name]).write_parquet(folder / f"{name}.parquet")


def compare(before: Path, after: Path) -> bool:
    same = True
    for name in NAMES:
        a = pl.read_parquet(before / f"{name}.parquet")
        b = pl.read_parquet(after / f"{name}.parquet")
        added = [c for c in b.columns if c not in a.columns]
        if added:  # a column added since the earlier dump: compare the others
            print(f"{name}: new columns {', '.join(added)} (not compared)")
            b = b.drop(added)
        equal = a.equals(b)
        if not equal:
            same = False
            common = a.join(b, on=a.columns, how="semi", nulls_equal=True).height
            print(f"{name}: DIFFERENT ({a.height:,} rows before, {b.height:,} after, "
                  f"{common:,} of the before rows found after)")  # fmt: skip
        else:
            print(f"{name}: equal ({a.height:,} rows)")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("folder", type=Path)
    d.add_argument("--accounts", type=int, default=200_000)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.folder, args.accounts)
    else:
        sys.exit(0 if compare(args.before, args.after) else 1)


if __name__ == "__main__":
    main()
