"""Benchmark: judging one account's few numbers, as the collector's 360 view does.

    .venv/bin/python bench/compliance/single.py [--repeat 200] [--profile]

The 360 view asks :func:`arrears.outbox.recheck.judge` whether each of an
account's phone numbers may be called now, and if not, when. This builds the
frames the view reads from the store (``store.queries.planning``: the account,
its debtor's contact points, the last weeks of interactions) for accounts in
each rulebook's jurisdiction (US with the MA and WA overlays, CN, GB), each with
three phone numbers and about 20 past events, and times ``judge`` in process,
one account a call, over several instants of the day. It prints the median and
95th percentile per jurisdiction and overall, of the wall time and of the
process's CPU time (on a shared machine the CPU time is the steadier of the two),
and how many Polars queries one judgement runs (each costs a fixed ~30-200 µs
whatever the rows, more on a busy machine: the count is the steadiest measure).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from arrears.compliance.rulebooks import load_rulebooks
from arrears.outbox.recheck import judge
from arrears.store.queries.planning import INCONVENIENT, OPT_OUTS

PLACES = {  # jurisdiction -> (debtor's zones, phone numbers)
    "US-MA": (["America/New_York"], ["+16175550101", "+16175550102", "+18575550103"]),
    "US-WA": ([], ["+12065550101", "+12065550102", "+15095550103"]),
    "US-CA": (["America/Los_Angeles"], ["+14155550101", "+14155550102", "+13105550103"]),
    "CN": (["Asia/Shanghai"], ["+8613800000001", "+8613800000002", "+8613900000003"]),
    "GB": (["Europe/London"], ["+447700900001", "+447700900002", "+447700900003"]),
}
CHANNELS = ["call", "call", "call", "sms", "email", "letter"]
OUTCOMES = ["no_answer", "voicemail", "busy", "conversation", "delivered", "no_answer"]


def account(jurisdiction: str, account_id: int) -> pl.DataFrame:
    """The account as ``planning.open_accounts(account_ids=[...])`` gives it."""
    zones, _ = PLACES[jurisdiction]
    return pl.DataFrame(
        {"account_id": [account_id], "account_ref": [f"A{account_id}"], "client": ["demo"],
         "client_id": [1], "debtor_id": [account_id], "debtor_kind": ["person"],
         "product": ["credit_card"], "currency": ["USD"], "jurisdiction": [jurisdiction],
         "language": ["en-US"], "status": ["active"], "principal_minor": [250_000],
         "interest_minor": [1_000], "fees_minor": [0], "costs_minor": [0],
         "opened_on": [date(2025, 1, 5)], "due_on": [date(2026, 8, 1)],
         "charged_off_on": [None], "last_payment_on": [None], "current_segment": [None],
         "segment_since": [None], "holds": [[]], "time_zones": [zones], "country": [None],
         "region": [None]},
        schema_overrides={"holds": pl.List(pl.String), "time_zones": pl.List(pl.String),
                          "charged_off_on": pl.Date, "last_payment_on": pl.Date,
                          "current_segment": pl.String, "segment_since": pl.Date,
                          "country": pl.String, "region": pl.String},
    )  # fmt: skip


def points(jurisdiction: str, account_id: int) -> pl.DataFrame:
    """Three phone numbers as ``planning.contact_points(debtor_ids=[...])`` gives them."""
    _, numbers = PLACES[jurisdiction]
    n = len(numbers)
    weekend = [{"days": ["sun"], "from": "00:00", "to": "24:00", "until": None}]
    return pl.DataFrame(
        {"point_id": [account_id * 10 + i for i in range(n)], "debtor_id": [account_id] * n,
         "kind": ["mobile", "phone", "landline"][:n], "value": numbers,
         "line_type": ["mobile", None, "landline"][:n], "time_zones": [[]] * n,
         "verified": [True, False, True][:n], "consents": [["tcpa"], [], []][:n],
         "do_not_contact": [False] * n, "preferred": [True, False, False][:n],
         "confidence": [90, 50, 70][:n], "opt_outs": [[]] * n, "inconvenient_times": [weekend] * n},
        schema_overrides={"time_zones": pl.List(pl.String), "consents": pl.List(pl.String),
                          "opt_outs": OPT_OUTS, "inconvenient_times": INCONVENIENT},
    )  # fmt: skip


def history(jurisdiction: str, account_id: int, now: datetime, events: int) -> pl.DataFrame:
    """About ``events`` interactions over the last 30 days, like ``planning.interactions``."""
    rng = np.random.default_rng(account_id)
    _, numbers = PLACES[jurisdiction]
    ago = np.sort(rng.integers(3600, 30 * 86400, events))[::-1]
    channel = [CHANNELS[i] for i in rng.integers(0, len(CHANNELS), events)]
    return pl.DataFrame(
        {"debtor_id": [account_id] * events, "account_id": [account_id] * events,
         "channel": channel, "direction": ["out"] * events,
         "occurred_at": [now - timedelta(seconds=int(s)) for s in ago],
         "contact_value": [numbers[i] for i in rng.integers(0, len(numbers), events)],
         "outcome": [OUTCOMES[i] for i in rng.integers(0, len(OUTCOMES), events)],
         "template": [None] * events},
        schema={"debtor_id": pl.Int64, "account_id": pl.Int64, "channel": pl.String,
                "direction": pl.String, "occurred_at": pl.Datetime("us", "UTC"),
                "contact_value": pl.String, "outcome": pl.String, "template": pl.String},
    )  # fmt: skip


def messages(frame: pl.DataFrame, account_id: int) -> pl.DataFrame:
    """One call per phone number, as ``workbench.view.call_verdicts`` lays them out."""
    n = frame.height
    return pl.DataFrame(
        {"contact_id": frame["point_id"], "account_id": [account_id] * n,
         "debtor_id": [account_id] * n, "channel": ["call"] * n, "to": frame["value"],
         "content": [None] * n},
        schema={"contact_id": pl.Int64, "account_id": pl.Int64, "debtor_id": pl.Int64,
                "channel": pl.String, "to": pl.String, "content": pl.String},
    )  # fmt: skip


def cases(events: int) -> list[tuple[str, tuple[pl.DataFrame, ...], datetime]]:
    """(jurisdiction, judge's frames, now) over instants spread through a day."""
    out = []
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    for k, jurisdiction in enumerate(PLACES):
        for hour in range(0, 24, 3):
            account_id = 1000 + k * 100 + hour
            now = start + timedelta(hours=hour, minutes=7 * k)
            pts = points(jurisdiction, account_id)
            frames = (messages(pts, account_id), account(jurisdiction, account_id), pts,
                      history(jurisdiction, account_id, now, events))  # fmt: skip
            out.append((jurisdiction, frames, now))
    return out


def queries_per_call(books: Any, all_cases: list[Any]) -> float:
    """Polars queries run per judgement (every eager frame operation is one)."""
    from polars.lazyframe import engine

    count = 0
    classes = [c for c in vars(engine).values() if isinstance(c, type) and "collect" in vars(c)]
    saved = {c: vars(c)["collect"] for c in classes}

    def counting(original: Any) -> Any:
        def collect(self: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            return original(self, *args, **kwargs)

        return collect

    for c in classes:
        c.collect = counting(saved[c])
    try:
        for _, frames, now in all_cases:
            judge(*frames, books, now)
    finally:
        for c in classes:
            c.collect = saved[c]
    return count / len(all_cases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds over every case")
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    books = load_rulebooks()
    all_cases = cases(args.events)
    for _, frames, now in all_cases[:3]:  # warm up: imports, zone data, first plans
        judge(*frames, books, now)
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for jurisdiction, frames, now in all_cases:
            began, began_cpu = time.perf_counter(), time.process_time()
            judge(*frames, books, now)
            wall.setdefault(jurisdiction, []).append((time.perf_counter() - began) * 1000)
            cpu.setdefault(jurisdiction, []).append((time.process_time() - began_cpu) * 1000)
    queries = queries_per_call(books, all_cases)
    wall["all"] = [t for ts in wall.values() for t in ts]
    cpu["all"] = [t for ts in cpu.values() for t in ts]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'jurisdiction':<12} {'calls':>6} {'wall median':>12} {'p95 ms':>7} "
          f"{'cpu median':>11} {'p95 ms':>7}")  # fmt: skip
    for name, ts in wall.items():
        print(f"{name:<12} {len(ts):>6} {statistics.median(ts):>12.1f} {_p95(ts):>7.1f} "
              f"{statistics.median(cpu[name]):>11.1f} {_p95(cpu[name]):>7.1f}")  # fmt: skip
    print(f"Polars queries per judgement: {queries:.0f}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


if __name__ == "__main__":
    main()
