"""Benchmark: the supervisor console's reads on a large portfolio (SQLite).

    .venv/bin/python bench/supervisor/run.py [--accounts 1000000] [--interactions 10000000]
                                             [--audit 500000] [--repeat 5] [--keep]

Generates, in bulk (the analytics benchmark's generators: 200 collectors in 10
teams with per-day targets, accounts, two payments per account, a year of
interactions), plus what the console reads besides: a promise for every tenth
account (taken by its collector, a third judged this month), today's plan (a
call for one account in five), an open task per collector, most of them
overdue, and ``--audit`` hash-chained audit events appended through the real
repository. The database lives under var/bench/supervisor.

Then it times, ``--repeat`` times each (medians reported), through the services
the pages call:

* the dashboard of the month so far for a supervisor (one team, 20 collectors)
  and for compliance (10 teams, 200 collectors);
* today's queues, for the same two;
* the first page of the audit trail: unfiltered (compliance), by an action
  prefix, scoped to a supervisor's team;
* the hash-chain check over the whole trail.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.analytics.run import CLIENTS, STAMP, _insert, accounts, interactions, median_time
from bench.analytics.run import payments as pay
from bench.analytics.run import people as staff
from bench.common import ROOT, fresh_sqlite, machine

from arrears.core.roles import Principal, Role
from arrears.store.db import make_engine
from arrears.store.repositories.audit import AuditEvent
from arrears.store.repositories.supervision import AuditFilter
from arrears.store.uow import UnitOfWork
from arrears.workbench import supervision, trail

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
FOLDER = ROOT / "var" / "bench" / "supervisor"


def extras(db: sqlite3.Connection, acc: pl.DataFrame, rng: np.random.Generator) -> None:
    """Promises, today's plan and tasks (what the analytics generator does not make)."""
    db.execute("UPDATE teams SET targets = ?", (json.dumps({
        "accounts_worked_per_day": 40, "rpc_per_day": 12, "promises_per_day": 4,
        "collected_per_day": {"CNY": 500_000, "USD": 80_000, "GBP": 60_000}, "kept_rate": 0.6,
    }),))  # fmt: skip
    some = acc.filter(pl.col("id") % 10 == 0)
    n = some.height
    status = np.array(["pending", "kept", "partial", "broken"])[
        rng.choice(4, n, p=[0.4, 0.3, 0.1, 0.2])
    ]
    day = pl.Series(np.datetime64("2026-11-01") + rng.integers(0, 20, n)).cast(pl.Date)
    _insert(db, "promises", pl.DataFrame({
        "account_id": some["id"], "debtor_id": some["id"],
        "amount_minor": rng.integers(5_000, 500_000, n),
        "currency": some["currency"], "due_on": day, "channel": "phone",
        "taken_by": ("c" + some["assignee_id"].cast(pl.String)), "status": status,
        "created_at": (pl.Series(np.datetime64("2026-10-20") + rng.integers(0, 30, n))
                       .cast(pl.Datetime("us")).dt.strftime(STAMP)),
        "updated_at": "2026-11-20 00:00:00.000000", "paid_minor": 0,
        "resolved_on": [d if s != "pending" else None for d, s in zip(day, status, strict=True)],
    }))  # fmt: skip
    db.execute("INSERT INTO plan_runs (id, plan_date, status, versions, partitions, "
               "partitions_done, counts, actor, started_at) VALUES (1, ?, 'done', '{}', 1, '[]', "
               "'{}', 'bench', ?)", (TODAY.isoformat(), "2026-11-20 06:00:00.000000"))  # fmt: skip
    planned = acc.filter(pl.col("id") % 5 == 0)
    _insert(db, "planned_actions", pl.DataFrame({
        "plan_date": TODAY, "run_id": 1, "account_id": planned["id"], "debtor_id": planned["id"],
        "client_id": planned["client_id"], "partition": 0, "step": "call", "action": "call",
        "channel": "call", "status": "planned", "verdict": "ALLOW", "priority": 1.0,
        "expected_value_minor": 0, "reason": "bench", "findings": "[]",
        "created_at": "2026-11-20 06:00:00.000000",
    }))  # fmt: skip
    _insert(db, "tasks", pl.DataFrame({
        "kind": "follow_up", "title": "call back", "details": "{}", "role": "collector",
        "assignee_id": np.arange(1, 201), "due_at": "2026-11-19 09:00:00.000000",
        "status": "open", "created_by": "bench", "created_at": "2026-11-18 09:00:00.000000",
    }))  # fmt: skip


def audit(path: Path, count: int) -> None:
    """``count`` chained events through the real repository (hashes and all)."""
    engine = make_engine(f"sqlite:///{path}")
    rng = np.random.default_rng(5)
    actions = ["account.viewed", "payment.recorded", "promise.taken", "account.reassigned",
               "settlement.accepted", "user.signed_in"]  # fmt: skip
    for low in range(0, count, 50_000):
        with UnitOfWork.for_engine(engine) as uow:
            uow.audit.append_many([
                AuditEvent(NOW - timedelta(seconds=int(s)), f"user:c{int(u)}", actions[int(a)],
                           "account", str(int(e)), after={"n": low + i})
                for i, (s, u, a, e) in enumerate(zip(
                    rng.integers(0, 30 * 86_400, min(50_000, count - low)),
                    rng.integers(1, 201, 50_000), rng.integers(0, len(actions), 50_000),
                    rng.integers(1, 1_000_000, 50_000), strict=False))
            ])  # fmt: skip
            uow.commit()
    engine.dispose()


def generate(path: Path, n: int, m: int, events: int) -> None:
    db = fresh_sqlite(path)
    rng = np.random.default_rng(11)
    at = "2025-11-01 00:00:00.000000"
    for cid, code, currency in CLIENTS:
        db.execute("INSERT INTO clients (id, code, name, currency, settings, created_at) "
                   "VALUES (?, ?, ?, ?, '{}', ?)", (cid, code, code, currency, at))  # fmt: skip
    staff(db, at)
    acc = accounts(db, n, rng)
    pay(db, acc, rng)
    interactions(db, n, m, rng)
    extras(db, acc, rng)
    db.commit()
    db.close()
    audit(path, events)
    db = sqlite3.connect(path)
    db.execute("ANALYZE")
    db.close()


def person(role: Role, team_id: int | None, name: str) -> Principal:
    return Principal(user_id=0, username=name, display_name=name, role=role, team_id=team_id,
                     locale="en-US", csrf="")  # fmt: skip


def measure(path: Path, repeat: int) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{path}")
    factory = lambda: UnitOfWork.for_engine(engine)  # noqa: E731
    boss, comp = person(Role.SUPERVISOR, 1, "c1"), person(Role.COMPLIANCE, None, "comp")
    month = supervision.Period(TODAY.replace(day=1), TODAY)

    def run(action):
        def once() -> object:
            with factory() as uow:
                return action(uow)

        return median_time(once, repeat)

    out = {
        "dashboard, one team": run(lambda u: supervision.dashboard(uow=u, me=boss, period=month)),
        "dashboard, 10 teams": run(lambda u: supervision.dashboard(uow=u, me=comp, period=month)),
        "queues, one team": run(lambda u: supervision.queue_status(uow=u, me=boss, now=NOW)),
        "queues, 10 teams": run(lambda u: supervision.queue_status(uow=u, me=comp, now=NOW)),
        "audit page, all": run(lambda u: trail.audit_trail(uow=u, me=comp, where=AuditFilter())),
        "audit page, action prefix": run(lambda u: trail.audit_trail(
            uow=u, me=comp, where=AuditFilter(action="settlement."))),
        "audit page, one team": run(lambda u: trail.audit_trail(uow=u, me=boss,
                                                                where=AuditFilter())),
        "hash-chain check": run(lambda u: trail.verify_trail(uow=u, me=comp)),
    }  # fmt: skip
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=10_000_000)
    parser.add_argument("--audit", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    args = parser.parse_args()
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / "bench.db"
    if not (args.keep and path.exists()):
        print(f"generating {args.accounts:,} accounts ...", flush=True)
        generate(path, args.accounts, args.interactions, args.audit)
    print(machine())
    for name, seconds in measure(path, args.repeat).items():
        print(f"{name:28s} {seconds * 1000:10.1f} ms (median of {args.repeat})")


if __name__ == "__main__":
    main()
