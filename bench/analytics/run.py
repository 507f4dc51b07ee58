"""Benchmark: the nightly analytics refresh and each dashboard's data on a large portfolio.

    .venv/bin/python bench/analytics/run.py [--accounts 1000000] [--interactions 20000000]
                                            [--repeat 3] [--keep]

Generates, in bulk (numpy + SQLite executemany, no ORM), a SQLite database under
var/bench/analytics: accounts of three clients (CNY, USD, GBP) placed over the
last 12 months, two payments per account on average, ``--interactions``
contacts spread over the 12 months, 200 collectors in 10 teams with targets,
20 % of accounts in a champion/challenger experiment. Snapshot history: the
day totals of every day of the 12 months (what the trend reads) and the full
per-account rows of each month end and of yesterday (what roll rates, cure and
bad-debt rates, CEI and experiments read). Full rows for all 365 days would be
365 million rows (tens of GB in SQLite); see the report's note on retention.

Then it times, ``--repeat`` times each (medians reported):

* the nightly refresh (``analytics.refresh.refresh``): today's snapshot, its
  totals, the daily contact cubes and every report's default view precomputed
  (wall and CPU seconds: the machine is shared, CPU seconds compare runs);
* each dashboard's data after the refresh (its reports read with ``cached=True``,
  as the pages do), and with ``--live`` the same reports computed live once;
* with ``--filtered``, each dashboard filtered by one client, segment, strategy and
  team, by two filters, and over other periods (7 days, 90 days, and 53 days ending
  a week ago with two filters): what the pages read for a filtered view (the
  refresh's kept table, the daily cubes, or the report computed live).

``--keep --no-refresh`` reuses a database the refresh already ran on (the
dashboards are then measured against its precomputed tables); ``--boards`` limits
the dashboards measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from arrears.analytics.dashboards import DASHBOARDS
from arrears.analytics.inputs import Scope
from arrears.analytics.measures.costs import load_costs
from arrears.analytics.refresh import refresh
from arrears.analytics.reports import Options, cached_aging, default_scope, run_report
from arrears.analytics.service import aging_report
from arrears.analytics.snapshots import snapshot_of, totals_of
from arrears.core.aging import DPD_SCHEME
from arrears.store.db import make_engine
from arrears.store.migrate import upgrade
from arrears.store.uow import UnitOfWork
from bench.common import ROOT, fresh_sqlite, machine, now, write_section

TODAY = date(2026, 11, 20)
FIRST = TODAY - timedelta(days=364)
CLIENTS = [(1, "cn-consumer", "CNY"), (2, "us-agency", "USD"), (3, "uk-utility", "GBP")]
CHANNELS = np.array(["call", "sms", "email", "letter"])
OUTCOMES = {
    "call": (["no_answer", "voicemail", "conversation", "busy", "third_party_answered"],
             [0.5, 0.15, 0.2, 0.1, 0.05]),
    "sms": (["delivered", "bounced"], [0.95, 0.05]),
    "email": (["delivered", "bounced"], [0.93, 0.07]),
    "letter": (["delivered"], [1.0]),
}  # fmt: skip
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _insert(db: sqlite3.Connection, table: str, frame: pl.DataFrame, batch: int = 200_000) -> None:
    columns = ", ".join(frame.columns)
    marks = ", ".join("?" * len(frame.columns))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    for part in frame.iter_slices(batch):
        db.executemany(sql, part.rows())


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days).cast(pl.Date)


def people(db: sqlite3.Connection, at: str) -> None:
    targets = json.dumps({"calls_per_day": 80, "rpc_per_day": 12, "promises_per_day": 4})
    _insert(db, "teams", pl.DataFrame({"id": range(1, 11), "name": [f"team-{i}" for i in
            range(1, 11)], "targets": [targets] * 10, "created_at": [at] * 10}))  # fmt: skip
    n = 200
    _insert(db, "users", pl.DataFrame({
        "id": range(1, n + 1), "username": [f"c{i}" for i in range(1, n + 1)],
        "display_name": [f"Collector {i}" for i in range(1, n + 1)], "role": ["collector"] * n,
        "team_id": [1 + i % 10 for i in range(n)], "active": [1] * n,
        "daily_capacity": [80] * n, "created_at": [at] * n, "language": ["zh-CN"] * n,
        "must_change_password": [0] * n,
    }))  # fmt: skip


def accounts(db: sqlite3.Connection, n: int, rng: np.random.Generator) -> pl.DataFrame:
    client = rng.integers(1, 4, n)
    placed = rng.integers(0, 365, n)
    due = placed - rng.integers(0, 200, n)
    balance = rng.lognormal(10, 1.2, n).astype(np.int64)
    ids = np.arange(1, n + 1)
    arms = np.where(rng.random(n) < 0.2, np.where(rng.random(n) < 0.5, '{"m1-tone": "standard"}',
                    '{"m1-tone": "empathetic"}'), "{}")  # fmt: skip
    frame = pl.DataFrame({
        "id": ids, "client_id": client, "account_ref": ids.astype(str), "debtor_id": ids,
        "currency": np.array(["", "CNY", "USD", "GBP"])[client], "principal_minor": balance,
        "interest_minor": 0, "fees_minor": 0, "costs_minor": 0, "credit_minor": 0,
        "original_minor": balance + rng.integers(0, 50_000, n),
        "due_on": _dates(np.datetime64(FIRST) + due),
        "status": np.where(rng.random(n) < 0.12, "paid", "active"), "holds": "[]",
        "strategy": np.array(["", "cn", "us", "uk"])[client],
        "segment": np.array(["M1", "M2", "M3", "M4+"])[rng.integers(0, 4, n)],
        "arms": arms, "assignee_id": rng.integers(1, 201, n),
        "created_at": pl.Series(np.datetime64(FIRST) + placed).cast(pl.Datetime("us"))
        .dt.strftime(STAMP),
    }).with_columns(pl.col("created_at").alias("updated_at"))  # fmt: skip
    debtors = pl.DataFrame({
        "id": ids, "client_id": client, "debtor_ref": ids.astype(str), "kind": "person",
        "name": "n", "name_key": "n", "language": "zh-CN", "time_zones": "[]",
        "risk_flags": "[]", "has_conflicts": 0, "created_at": frame["created_at"],
        "updated_at": frame["created_at"],
    })  # fmt: skip
    _insert(db, "debtors", debtors)
    _insert(db, "accounts", frame)
    return frame


def payments(db: sqlite3.Connection, acc: pl.DataFrame, rng: np.random.Generator) -> None:
    n = acc.height * 2
    who = rng.integers(0, acc.height, n)
    placed = (acc["created_at"].str.slice(0, 10).str.to_date().to_numpy()[who]
              - np.datetime64(FIRST)).astype(int)  # fmt: skip
    day = placed + (rng.random(n) * (365 - placed)).astype(int)
    amount = rng.lognormal(7, 1, n).astype(np.int64) + 1
    _insert(db, "payments", pl.DataFrame({
        "client_id": acc["client_id"].to_numpy()[who], "account_id": who + 1,
        "reference": np.arange(n).astype(str), "kind": "payment", "amount_minor": amount,
        "currency": acc["currency"].to_numpy()[who], "paid_on": _dates(np.datetime64(FIRST) + day),
        "allocation": [json.dumps({"principal": int(a)}) for a in amount], "created_at":
        "2026-11-20 00:00:00.000000",
    }))  # fmt: skip


def interactions(db: sqlite3.Connection, n_acc: int, n: int, rng: np.random.Generator) -> None:
    chunk = 2_000_000
    for low in range(0, n, chunk):
        m = min(chunk, n - low)
        channel = CHANNELS[rng.choice(4, m, p=[0.55, 0.25, 0.15, 0.05])]
        outcome = np.empty(m, dtype=object)
        for name, (values, p) in OUTCOMES.items():
            mask = channel == name
            outcome[mask] = np.array(values)[rng.choice(len(values), int(mask.sum()), p=p)]
        seconds = rng.integers(0, 365 * 86_400, m)
        at = pl.Series(np.datetime64(datetime(FIRST.year, FIRST.month, FIRST.day)) +
                       seconds.astype("timedelta64[s]")).cast(pl.Datetime("us"))  # fmt: skip
        user = np.where((channel == "call") & (rng.random(m) < 0.6), rng.integers(1, 201, m), 0)
        account = rng.integers(1, n_acc + 1, m)
        _insert(db, "interactions", pl.DataFrame({
            "account_id": account, "debtor_id": account, "channel": channel,
            "direction": "out", "occurred_at": at.dt.strftime(STAMP),
            "user_id": pl.Series(user).replace(0, None), "outcome": outcome, "details": "{}",
        }))  # fmt: skip
        print(f"  interactions {low + m:,}", flush=True)


def history(db: sqlite3.Connection, acc: pl.DataFrame) -> None:
    """Day totals for 365 days; full snapshot rows for month ends and yesterday."""
    base = acc.select(
        pl.col("id").alias("account_id"), "client_id", "status", "segment", "strategy", "arms",
        "assignee_id", (1 + pl.col("assignee_id") % 10).alias("team_id"), "principal_minor",
        "interest_minor", "fees_minor", "costs_minor", "currency",
        pl.col("created_at").str.slice(0, 10).str.to_date().alias("placed_on"), "due_on",
    )  # fmt: skip
    days = [FIRST + timedelta(days=d) for d in range(365)]
    full = {d for d in days if (d + timedelta(days=1)).day == 1} | {TODAY - timedelta(days=1)}
    totals, runs = [], []
    for day in days:
        snap = snapshot_of(base, day)
        totals.append(totals_of(snap))
        runs.append((day.isoformat(), "bench", snap.height, "2026-11-20 00:00:00.000000",
                     "2026-11-20 00:00:00.000000"))  # fmt: skip
        if day in full:
            rows = snap.select(
                "as_of", "account_id", "client_id", "status", "segment", "strategy", "arms",
                "assignee_id", "team_id", "bucket", "dpd", "principal_minor", "interest_minor",
                "fees_minor", "costs_minor", "balance_minor", "currency", "placed_on", "due_on",
            )  # fmt: skip
            _insert(db, "account_snapshots", rows)
    _insert(db, "snapshot_totals", pl.concat(totals))
    db.executemany("INSERT INTO snapshot_runs VALUES (?, ?, ?, ?, ?)", runs)


def generate(path: Path, n: int, m: int) -> None:
    db = fresh_sqlite(path)
    rng = np.random.default_rng(11)
    at = "2025-11-01 00:00:00.000000"
    for cid, code, currency in CLIENTS:
        db.execute("INSERT INTO clients (id, code, name, currency, settings, created_at) "
                   "VALUES (?, ?, ?, ?, '{}', ?)", (cid, code, code, currency, at))  # fmt: skip
    people(db, at)
    db.execute("PRAGMA cache_size=-1000000")  # 1 GB: index pages stay in memory while loading
    acc = accounts(db, n, rng)
    print(f"  accounts {n:,}", flush=True)
    payments(db, acc, rng)
    # The interactions' indexes are built once after loading, not row by row (10x faster).
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                         "tbl_name = 'interactions' AND sql IS NOT NULL").fetchall()  # fmt: skip
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    interactions(db, n, m, rng)
    for _, sql in indexes:
        db.execute(sql)
    history(db, acc)
    db.commit()
    db.execute("ANALYZE")
    db.close()


def median_time(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


MONTH = TODAY - timedelta(days=29)
FILTERS = {
    "client": Scope(MONTH, TODAY, client="cn-consumer"),
    "segment": Scope(MONTH, TODAY, segment="M2"),
    "strategy": Scope(MONTH, TODAY, strategy="us"),
    "team": Scope(MONTH, TODAY, team="team-3"),
    "client+segment": Scope(MONTH, TODAY, client="cn-consumer", segment="M2"),
    "segment+team": Scope(MONTH, TODAY, segment="M3", team="team-3"),
    "period": Scope(TODAY - timedelta(days=6), TODAY),
    "quarter": Scope(TODAY - timedelta(days=89), TODAY - timedelta(days=1)),
    "period+client+team": Scope(TODAY - timedelta(days=59), TODAY - timedelta(days=7),
                                client="us-agency", team="team-3"),
}  # fmt: skip


def _board_data(engine: Any, board: Any, scope: Scope, options: Options, cached: bool) -> None:
    """What the page reads for one dashboard (pages.py: the refresh's table when there is one)."""
    with UnitOfWork.for_engine(engine) as uow:
        for name in board.reports:
            if name == "aging":
                kept = cached_aging(uow=uow, scope=scope) if cached else None
                kept or aging_report(uow=uow, as_of=scope.end, scheme=DPD_SCHEME,
                                     client=scope.client)  # fmt: skip
            else:
                run_report(uow=uow, name=name, scope=scope, options=options, cached=cached)


def measure(
    path: Path, repeat: int, live: bool, *, nightly_run: bool = True, filtered: bool = False,
    boards: list[str] | None = None,
) -> dict[str, float]:  # fmt: skip
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)  # a kept database made before a newer migration
    options = Options(costs=load_costs(ROOT / "config" / "costs.yaml"),
                      champions={"m1-tone": "standard"})  # fmt: skip
    at = datetime(2026, 11, 20, 23, tzinfo=UTC)

    def nightly() -> None:
        with UnitOfWork.for_engine(engine) as uow:
            refresh(uow=uow, as_of=TODAY, at=at, actor="bench", options=options)
            uow.commit()

    results: dict[str, float] = {}
    if nightly_run:
        walls, cpus = [], []
        for i in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            nightly()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            print(f"  refresh {i + 1}: {walls[-1]:.1f} s wall, {cpus[-1]:.1f} CPU s, load "
                  f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        # The first refresh after an upgrade also keeps the past month ends' transitions and
        # snapshots once; the nightly cost is that of the later ones.
        results["refresh"] = statistics.median(walls)
        results["refresh (CPU s, median)"] = statistics.median(cpus)
        results["refresh (first, wall s)"] = walls[0]
        results["refresh (first, CPU s)"] = cpus[0]
        results["refresh (peak RSS GiB)"] = (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        )
    chosen = [b for b in DASHBOARDS.values() if not boards or b.slug in boards]
    views: list[tuple[str, Scope, bool]] = [("after refresh", default_scope(TODAY), True)]
    if live:
        views.append(("live", default_scope(TODAY), False))
    if filtered:  # what the pages read for a filtered view: kept table, cubes, or live
        views.extend((f"by {k}", v, True) for k, v in FILTERS.items())
    for board in chosen:
        for label, scope, cached in views:
            name = f"{board.slug} ({label})"
            results[name] = median_time(
                partial(_board_data, engine, board, scope, options, cached), repeat
            )
            print(f"  {name}: {results[name]:.2f} s", flush=True)
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--interactions", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse the generated database")
    parser.add_argument("--live", action="store_true", help="also time reports computed live")
    parser.add_argument("--filtered", action="store_true", help="also time filtered views")
    parser.add_argument("--no-refresh", action="store_true", help="do not run (or time) the "
                        "refresh: measure against the tables it wrote last")  # fmt: skip
    parser.add_argument("--boards", nargs="*", help="only these dashboards (slugs)")
    parser.add_argument("--write", action="store_true", help="write the table into "
                        "docs/benchmarks.md (its analytics section)")  # fmt: skip
    args = parser.parse_args()
    folder = ROOT / "var" / "bench" / "analytics"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"analytics-{args.accounts}-{args.interactions}.db"
    if not (args.keep and path.exists()):
        start = time.perf_counter()
        generate(path, args.accounts, args.interactions)
        print(f"generated in {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 2**30:.1f} GiB)", flush=True)  # fmt: skip
    results = measure(path, args.repeat, args.live, nightly_run=not args.no_refresh,
                      filtered=args.filtered, boards=args.boards)  # fmt: skip
    print(f"\n{machine()}; {args.accounts:,} accounts, {args.interactions:,} interactions, "
          f"medians of {args.repeat}")  # fmt: skip
    for label, seconds in results.items():
        print(f"  {label:40s} {seconds:8.2f} s")
    (folder / "results.json").write_text(json.dumps(results, indent=1))
    if args.write:
        write_section("analytics", report(results, args))


def report(results: dict[str, float], args: argparse.Namespace) -> str:
    """The docs/benchmarks.md section: the refresh, then each dashboard's slowest view."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "## Analytics refresh and dashboards (`bench/analytics/run.py`)", "",
        f"Measured {now()} on {machine()}; load average at the end {load}.",
        f"SQLite, {args.accounts:,} accounts, {args.interactions:,} interactions, 12 months of "
        f"day totals with month-end snapshot rows; medians of {args.repeat}.", "",
        "| what | seconds | target |", "| --- | ---: | ---: |",
    ]  # fmt: skip
    for label, value in results.items():
        if label.startswith("refresh"):
            target = "300" if label == "refresh" else "—"
            lines.append(f"| {label} | {value:.1f} | {target} |")
    boards: dict[str, tuple[float, str]] = {}
    for label, value in results.items():
        if not label.startswith("refresh"):
            slug, view = label.split(" (", 1)
            if value >= boards.get(slug, (-1.0, ""))[0]:
                boards[slug] = (value, view.rstrip(")"))
    for slug, (value, view) in boards.items():
        lines.append(f"| {slug}: slowest view ({view}) | {value:.2f} | 1 |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
