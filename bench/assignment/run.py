"""Benchmark: the assignment rules over 1,000,000 accounts on SQLite.

    .venv/bin/python bench/assignment/run.py [--accounts 1000000] [--runs 3] [--write]

Generates a migrated SQLite database straight from numpy with ``executemany``
(four clients in the demo's mix: 45 % cn-consumer, 30 % us-agency, 15 %
b2b-receivables, 10 % uk-utility; one debtor per account; debtor language
zh-CN for the Chinese clients and for 8 % of the US debtors), four teams of 200
collectors in all with languages, skills and a capacity that fits the book,
and the shipped ``config/assignment.yaml``. Then measures, each the median of
``--runs`` on a fresh copy:

* **first run** — every account is new: decide 1M accounts, open 1M ownership
  rows and set ``accounts.assignee_id`` (one transaction);
* **steady run** — the same run again the next day: everything is kept, nothing
  is written but the run's row;
* **core only** — :func:`arrears.core.assignment.assign` in memory on the same
  1M accounts (no database).

``--write`` puts the results in docs/benchmarks.md (section ``assignment``).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine, now, write_section

AS_OF = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
STAMP = "2026-11-20 06:00:00.000000"
CLIENTS = [  # code, share, jurisdictions, currency, share of zh-CN speakers
    ("cn-consumer", 0.45, ["CN"], "CNY", 0.97),
    ("us-agency", 0.30, ["US-NY", "US-CA", "US-TX", "US-WA"], "USD", 0.08),
    ("b2b-receivables", 0.15, ["CN"], "CNY", 1.0),
    ("uk-utility", 0.10, ["GB"], "GBP", 0.0),
]
TEAMS = [  # team, collectors, languages, skills (the first five of each team: the extra skill)
    ("CN collections", 90, ["zh-CN"], "high_balance"),
    ("US agency", 60, ["en-US"], "zh"),
    ("B2B", 30, ["zh-CN"], "b2b"),
    ("UK", 20, ["en-US"], None),
]


def seed(path: Path, n: int) -> None:
    """A migrated database with n accounts and the staff, written with raw executemany."""
    from arrears.store.db import make_engine
    from arrears.store.migrate import upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    rng = np.random.default_rng(11)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    next_id = 1
    for index, (code, share, places, currency, chinese) in enumerate(CLIENTS):
        db.execute("INSERT INTO clients (id, code, name, jurisdiction, currency, settings, "
                   "created_at) VALUES (?, ?, ?, ?, ?, '{}', ?)",
                   (index + 1, code, code, places[0][:2], currency, STAMP))  # fmt: skip
        count = int(n * share) if index < len(CLIENTS) - 1 else n - next_id + 1
        ids = range(next_id, next_id + count)
        zh = rng.random(count) < chinese
        db.executemany(
            "INSERT INTO debtors (id, client_id, debtor_ref, kind, name, name_key, language, "
            "time_zones, risk_flags, inconvenient_times, has_conflicts, created_at, updated_at) "
            "VALUES (?, ?, ?, 'person', ?, ?, ?, '[]', '[]', '[]', 0, ?, ?)",
            ((i, index + 1, f"D{i}", f"Person {i}", f"person {i}",
              "zh-CN" if zh[k] else "en-US", STAMP, STAMP) for k, i in enumerate(ids)),
        )  # fmt: skip
        principal = (rng.lognormal(12, 1, count)).astype(np.int64)
        db.executemany(
            "INSERT INTO accounts (id, client_id, account_ref, debtor_id, currency, "
            "principal_minor, interest_minor, fees_minor, costs_minor, credit_minor, due_on, "
            "status, holds, arms, jurisdiction, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, '2026-06-01', 'active', '[]', '{}', ?, ?, ?)",
            ((i, index + 1, f"A{i}", i, currency, int(principal[k]), places[k % len(places)],
              STAMP, STAMP) for k, i in enumerate(ids)),
        )  # fmt: skip
        next_id += count
    _staff(db, n)
    db.commit()
    db.close()


def _staff(db: sqlite3.Connection, n: int) -> None:
    people = sum(t[1] for t in TEAMS)
    capacity = int(n / people * 1.6)  # room for the book, unevenly spread over teams
    user_id = 0
    for team_id, (team, size, languages, skill) in enumerate(TEAMS, start=1):
        db.execute("INSERT INTO teams (id, name, targets, created_at) VALUES (?, ?, '{}', ?)",
                   (team_id, team, STAMP))  # fmt: skip
        for k in range(size):
            user_id += 1
            speaks = [*languages, "zh-CN"] if skill == "zh" and k < 5 else languages
            skills = [skill] if skill and skill != "zh" and k < 5 else []
            if team == "B2B":
                skills = ["b2b"]
            db.execute(
                "INSERT INTO users (id, username, display_name, role, team_id, active, "
                "daily_capacity, created_at, language, must_change_password) "
                "VALUES (?, ?, ?, 'collector', ?, 1, 0, ?, ?, 0)",
                (user_id, f"c{user_id}", f"Collector {user_id}", team_id, STAMP, speaks[0]),
            )  # fmt: skip
            db.execute(
                "INSERT INTO collector_profiles (user_id, languages, skills, capacity, "
                "updated_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, _json(speaks), _json(skills), capacity, STAMP),
            )  # fmt: skip


def _json(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def run_once(path: Path, day: date, at: datetime) -> tuple[float, str]:
    from arrears.store.db import make_engine
    from arrears.store.uow import UnitOfWork
    from arrears.workbench.assignment import run_rules
    from arrears.workbench.assignment_rules import load_rules

    rules = load_rules(ROOT / "config" / "assignment.yaml")
    engine = make_engine(f"sqlite:///{path}")
    start = time.perf_counter()
    with UnitOfWork.for_engine(engine) as uow:
        summary = run_rules(uow=uow, rules=rules, as_of=day, at=at, by="bench")
        uow.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    told = (f"{summary.accounts} accounts: {summary.new} new, {summary.kept} kept, "
            f"{summary.moved} moved, {summary.unassigned} unassigned")  # fmt: skip
    return seconds, told


def core_only(path: Path) -> float:
    from arrears.core.assignment import assign
    from arrears.store.db import make_engine
    from arrears.store.uow import UnitOfWork
    from arrears.workbench.assignment import ASSIGNABLE, _facts, collectors_as_of
    from arrears.workbench.assignment_rules import load_rules

    rules = load_rules(ROOT / "config" / "assignment.yaml")
    engine = make_engine(f"sqlite:///{path}")
    with UnitOfWork.for_engine(engine) as uow:
        facts = [_facts(r) for r in uow.assignment.open_accounts(ASSIGNABLE)]
        people, _ = collectors_as_of(uow, day=AS_OF, default_capacity=rules.default_capacity)
    engine.dispose()
    start = time.perf_counter()
    assign(facts, people, rules.rules)
    return time.perf_counter() - start


def fresh(template: Path, folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    return path


def median_of(runs: int, once: Callable[[], tuple[float, str]]) -> tuple[float, list[float], str]:
    results = [once() for _ in range(runs)]
    times = [s for s, _ in results]
    return statistics.median(times), times, results[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [f"Assignment rules over {args.accounts:,} accounts, SQLite; {machine()}; {now()}.",
             ""]  # fmt: skip
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        started = time.perf_counter()
        seed(template, args.accounts)
        print(f"seeded {args.accounts:,} accounts in {time.perf_counter() - started:.1f} s")
        first = median_of(args.runs, lambda: run_once(fresh(template, folder, "first.db"),
                                                      AS_OF, AT))  # fmt: skip
        assigned = folder / "assigned.db"
        shutil.copyfile(folder / "first.db", assigned)
        day, at = date(2026, 11, 21), datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
        steady = median_of(args.runs, lambda: run_once(fresh(assigned, folder, "steady.db"),
                                                       day, at))  # fmt: skip
        core = [core_only(template) for _ in range(args.runs)]
        for label, (median, times, told) in (("first run", first), ("steady run", steady)):
            lines.append(f"- {label}: median {median:.1f} s of {args.runs} "
                         f"({', '.join(f'{t:.1f}' for t in times)}); {told}")  # fmt: skip
        lines.append(f"- core only (`core.assignment.assign`, in memory): median "
                     f"{statistics.median(core):.1f} s of {args.runs}")  # fmt: skip
    print("\n".join(lines))
    if args.write:
        write_section("assignment", "## Assignment\n\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
