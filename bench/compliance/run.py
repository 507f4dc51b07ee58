"""Benchmark of the compliance engine on synthetic frames.

    .venv/bin/python bench/compliance/run.py [--contacts 1000000] [--per-contact 8] [--write]

Builds a synthetic day of proposed contacts (US with MA/WA overlays, CN, GB;
one or two candidate zones; calls, texts, e-mails, letters, voicemails; some
designations, opt-outs, holds and consents) and past events per contact over
the last 30 days, then times :func:`arrears.compliance.engine.evaluate`.
``--write`` puts the result in docs/benchmarks.md (section ``compliance``).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import machine, now, write_section

from arrears.compliance.engine import evaluate
from arrears.compliance.model import CONTACTS, HISTORY, UTC_TIME
from arrears.compliance.rulebooks import load_rulebooks

KINDS = [  # (zones, jurisdictions)
    (["America/New_York"], ["US"]),
    (["America/Chicago"], ["US"]),
    (["America/Los_Angeles"], ["US"]),
    (["America/New_York", "America/Los_Angeles"], ["US"]),
    (["America/New_York"], ["US", "US-MA"]),
    (["America/Los_Angeles"], ["US", "US-WA"]),
    (["America/Denver", "America/Phoenix"], ["US"]),
    (["Asia/Shanghai"], ["CN"]),
    (["Europe/London"], ["GB"]),
]
CHANNELS = np.array(["call", "call", "call", "sms", "email", "letter", "voicemail"])
OUTCOMES = np.array(["no_answer", "voicemail", "busy", "conversation", "delivered", "no_answer"])
START = datetime(2026, 4, 8, 10, 0, tzinfo=UTC)


def _pick(values: Sequence[Any], index: np.ndarray, dtype: pl.DataType) -> pl.Series:
    return pl.Series(values, dtype=dtype).gather(pl.Series(index))


def contacts(n: int, rng: np.random.Generator) -> pl.DataFrame:
    kind = rng.integers(0, len(KINDS), n)
    kind[rng.random(n) < 0.5] = 0  # half the book is Eastern US
    seconds = rng.integers(0, 16 * 3600, n)
    strings = pl.List(pl.String())
    empty_times = [None, [{"days": ["sat", "sun"], "from": "00:00", "to": "24:00", "until": None}]]
    frame = pl.DataFrame(
        {
            "contact_id": np.arange(n, dtype=np.int64),
            "person": np.char.add("p", np.arange(n).astype(str)),
            "now": pl.Series([START]).dt.cast_time_unit("us").gather(np.zeros(n, dtype=np.int64))
            + pl.Series(seconds * 1_000_000).cast(pl.Duration("us")),
            "jurisdictions": _pick([k[1] for k in KINDS], kind, strings),
            "zones": _pick([k[0] for k in KINDS], kind, strings),
            "channel": CHANNELS[rng.integers(0, len(CHANNELS), n)],
            "debt": np.char.add("d", np.arange(n).astype(str)),
            "inconvenient_times": _pick(
                empty_times, (rng.random(n) < 0.1).astype(np.int64), CONTACTS["inconvenient_times"]
            ),
        }
    )
    return frame.with_columns(
        pl.format("+1212555{}", pl.col("contact_id") % 10000).alias("to"),
        (pl.col("channel") == "sms").alias("automated"),
        pl.lit("debtor").alias("counterparty"),
        pl.lit("collection").alias("purpose"),
        pl.lit(None, pl.String()).alias("content"),
        pl.lit("mobile").alias("to_line_type"),
        pl.lit("debtor").alias("to_owner"),
        pl.when(pl.col("channel") == "letter").then(pl.lit("home")).alias("to_place"),
        pl.lit(False).alias("to_employer_email"),
        pl.lit(True).alias("zones_known"),
        pl.lit([], dtype=CONTACTS["inconvenient_places"]).alias("inconvenient_places"),
        pl.lit([], dtype=CONTACTS["opt_outs"]).alias("opt_outs"),
        pl.when(pl.col("contact_id") % 50 == 0)
        .then(pl.lit([{"kind": "dispute", "debt": None, "since": None}], dtype=CONTACTS["holds"]))
        .otherwise(pl.lit([], dtype=CONTACTS["holds"]))
        .alias("holds"),
        pl.when(pl.col("contact_id") % 100 == 0)
        .then(
            pl.lit(
                [{"kind": "call_on_date", "date": date(2026, 4, 8), "to": None}],
                dtype=CONTACTS["consents"],
            )
        )
        .otherwise(
            pl.lit([{"kind": "texts", "date": None, "to": None}], dtype=CONTACTS["consents"])
        )
        .alias("consents"),
        pl.lit(False).alias("time_barred"),
        pl.lit(START - timedelta(days=20)).cast(UTC_TIME).alias("validation_sent_at"),
        pl.lit(START - timedelta(days=25)).cast(UTC_TIME).alias("first_contact_at"),
        pl.lit(False).alias("debtor_unreachable"),
    ).select(list(CONTACTS))


def history(n: int, per: int, rng: np.random.Generator) -> pl.DataFrame:
    rows = n * per
    owner = rng.integers(0, n, rows)
    back = rng.integers(60, 30 * 24 * 3600, rows)
    return pl.DataFrame(
        {
            "person": np.char.add("p", owner.astype(str)),
            "at": pl.Series([START]).dt.cast_time_unit("us").gather(np.zeros(rows, dtype=np.int64))
            - pl.Series(back * 1_000_000).cast(pl.Duration("us")),
            "channel": CHANNELS[rng.integers(0, 4, rows)],
            "direction": np.where(rng.random(rows) < 0.1, "in", "out"),
            "to": np.char.add("+1212555", (owner % 10000).astype(str)),
            "debt": np.char.add("d", owner.astype(str)),
            "outcome": OUTCOMES[rng.integers(0, len(OUTCOMES), rows)],
        }
    ).cast(HISTORY)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--per-contact", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best and median shown")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    books = load_rulebooks()
    c = contacts(args.contacts, rng)
    h = history(args.contacts, args.per_contact, rng)
    evaluate(c.head(1000), h.head(8000), books)  # warm up
    times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        result = evaluate(c, h, books)
        times.append(time.perf_counter() - start)
    seconds, median = min(times), sorted(times)[len(times) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = result.decisions.group_by("verdict").len().sort("verdict")
    verdicts = ", ".join(f"{v} {n:,}" for v, n in counts.iter_rows())
    body = "\n".join(
        [
            "## Compliance engine",
            "",
            f"Measured {now()} on {machine()}; Polars {pl.__version__}, "
            f"POLARS_MAX_THREADS={os.environ.get('POLARS_MAX_THREADS', 'default')}.",
            "",
            "| contacts | history rows | findings | best s | median s | contacts/s (best) "
            "| peak RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {c.height:,} | {h.height:,} | {result.findings.height:,} | {seconds:.1f} | "
            f"{median:.1f} | {c.height / seconds:,.0f} | {peak:,.0f} MiB |",
            "",
            f"Decisions: {verdicts}.",
            "",
            f"{len(times)} runs in one process; the machine is shared, so runs vary. Peak RSS "
            "includes building the synthetic frames.",
            "",
            "`.venv/bin/python bench/compliance/run.py --write` (synthetic: US with MA and WA "
            "overlays, CN, GB; one or two candidate zones; 8 past events per contact over 30 "
            "days).",
        ]
    )
    print(body)
    if args.write:
        write_section("compliance", body)


if __name__ == "__main__":
    main()
