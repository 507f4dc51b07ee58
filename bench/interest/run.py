"""Benchmark: ``accrue`` for 20,000 accounts x 30 days on SQLite.

Two shapes, each on a fresh copy of the same seeded database, median of 3 runs:

* catch-up: one run accruing 30 days (one ledger line per stretch);
* daily: 30 runs of one day each (600,000 ledger lines in all).

About 10 % of the accounts carry a hold (dispute, cease, bankruptcy, breathing
space) that starts mid-period, 5 % are charged off, and some have late fees
falling due, so the stop and fee paths are measured too.

    .venv/bin/python bench/interest/run.py [--accounts 20000] [--days 30] [--runs 3]

Prints the numbers; it does not write docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from arrears.payments.interest import accrue, load_interest_config  # noqa: E402
from arrears.store.db import make_engine  # noqa: E402
from arrears.store.migrate import upgrade  # noqa: E402
from arrears.store.uow import UnitOfWork  # noqa: E402

PLACED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
START = date(2026, 1, 10)
CLIENTS = [  # code, jurisdictions, currency, products
    ("cn-consumer", ["CN"], "CNY", ["personal_loan", "credit_card"]),
    ("us-agency", ["US-NY", "US-CA", "US-TX", "US-WA", "US-OH"], "USD",
     ["credit_card", "auto_deficiency", "medical"]),
    ("uk-utility", ["GB"], "GBP", ["utility", "telecom"]),
]  # fmt: skip
HOLDS = ["dispute", "cease", "bankruptcy", "breathing_space", "deferral"]


def seed(path: Path, n: int) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    rng = np.random.default_rng(7)
    with UnitOfWork.for_engine(engine) as uow:
        for index, (code, places, currency, products) in enumerate(CLIENTS):
            client = uow.clients.add(code=code, name=code, at=PLACED, jurisdiction=places[0],
                                     currency=currency)  # fmt: skip
            count = n // len(CLIENTS) + (1 if index < n % len(CLIENTS) else 0)
            debtors = uow.debtors.insert_many([{
                "client_id": client.id, "debtor_ref": f"{code}-{i}", "kind": "person",
                "name": f"Person {i}", "name_key": f"person {i}", "language": "en-US",
                "time_zones": [], "risk_flags": [], "has_conflicts": False,
                "created_at": PLACED, "updated_at": PLACED,
            } for i in range(count)])  # fmt: skip
            rows = []
            for i, debtor in enumerate(debtors):
                roll = rng.random()
                holds = []
                if roll < 0.10:
                    since = START + timedelta(days=int(rng.integers(0, 30)))
                    holds = [{"kind": HOLDS[i % len(HOLDS)], "since": since.isoformat()}]
                due = START - timedelta(days=int(rng.integers(-20, 400)))
                rows.append({
                    "client_id": client.id, "account_ref": f"{code}-{i}", "debtor_id": debtor,
                    "product": products[i % len(products)], "currency": currency,
                    "principal_minor": int(rng.lognormal(12, 1)), "interest_minor": 0,
                    "fees_minor": 0, "costs_minor": 0, "credit_minor": 0, "status": "active",
                    "holds": holds, "arms": {}, "jurisdiction": places[i % len(places)],
                    "opened_on": due - timedelta(days=int(rng.integers(30, 2000))),
                    "due_on": due,
                    "charged_off_on": START + timedelta(days=10) if 0.10 <= roll < 0.15 else None,
                    "created_at": PLACED, "updated_at": PLACED,
                })  # fmt: skip
            uow.accounts.insert_many(rows)
        uow.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def timed(template: Path, folder: Path, days: int, daily: bool) -> tuple[float, int]:
    path = folder / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    engine = make_engine(f"sqlite:///{path}")
    config = load_interest_config(ROOT / "config" / "interest")
    ends = [START + timedelta(days=d) for d in range(days)] if daily else [
        START + timedelta(days=days - 1)
    ]  # fmt: skip
    rows = 0
    start = time.perf_counter()
    for through in ends:
        with UnitOfWork.for_engine(engine) as uow:
            at = datetime.combine(through, datetime.min.time(), UTC) + timedelta(hours=23)
            summary = accrue(uow=uow, through=through, at=at, terms=config, actor="bench")
            uow.commit()
        rows += summary.rows
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {memory:.1f} GiB, "
          f"Python {platform.python_version()}, SQLite")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        started = time.perf_counter()
        seed(template, args.accounts)
        print(f"seeded {args.accounts} accounts in {time.perf_counter() - started:.1f} s")
        for label, daily in (
            (f"catch-up (1 run of {args.days} days)", False),
            (f"daily ({args.days} runs)", True),
        ):
            results = [timed(template, folder, args.days, daily) for _ in range(args.runs)]
            median = statistics.median(s for s, _ in results)
            rows = results[0][1]
            per_run = f", {median / args.days:.3f} s per run" if daily else ""
            print(f"{label}: median {median:.2f} s of {args.runs} "
                  f"({', '.join(f'{s:.2f}' for s, _ in results)}); {rows} ledger lines"
                  f"{per_run}")  # fmt: skip


if __name__ == "__main__":
    main()
