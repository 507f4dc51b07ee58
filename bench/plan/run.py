"""Benchmark: the daily plan on synthetic frames of 1M and 10M accounts.

    .venv/bin/python bench/plan/run.py [--sizes 1000000 10000000] [--partition 1000000]
        [--workers 2] [--repeat 3] [--write]

Each account has two contact points and on average 8 past contacts. The mix of
jurisdictions is even over CN, GB and six US states. As in the demo history, about
90% of US accounts have their validation notice on record (a letter mailed 25 to 39
days before the plan date), so their steps are calls, texts and e-mails that the
compliance engine judges under Reg F and the state overlays; about 70% of US
accounts have a known time zone (address or phone area code), the others get the
conservative set of US zones.

The partitions are first synthesised and written as Arrow files (untimed: the data
is in the store). Then ``planner.plan.plan_partitions`` -- the function
``planner.service`` plans the store's partitions with -- reads them (into memory)
and plans them (features computed from store-shaped frames, strategy, segments,
arms, today's steps, compliance verdicts, expected value and capacity) in
``--workers`` processes. Wall time covers the whole planning phase, worker start-up
included; CPU time sums the planning processes (all threads, start-up included): on a
shared machine it is the steadier of the two. The same files are planned ``--repeat``
times, each in new worker processes, and the medians reported: runs on this shared
machine vary by a fifth. Peak memory is the largest sum of RSS
over the process tree. The floor, a bare Polars group-by over each partition's
contact history, says how much the plan costs over reading the history once.
``--write`` puts the results in docs/benchmarks.md (section ``plan``); without it
they are printed only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import ROOT, machine, now, write_section
from bench.common import _tree_rss_kib as tree_rss_kib

from arrears.planner.plan import PartitionInputs, PartitionPlan, PlanParams, Policy, plan_partitions
from arrears.store.queries.planning import STEPS_DONE_SCHEMA

AS_OF = date(2026, 11, 20)
NO_INVOICES = pl.DataFrame(schema={"account_id": pl.Int64, "invoice_count": pl.Int64})
NO_DONE = pl.DataFrame(schema=STEPS_DONE_SCHEMA)
JURISDICTIONS = ["CN", "US-CA", "US-NY", "US-TX", "US-MA", "US-WA", "GB", "US-FL"]
# The zone a US account's address or phone area code gives (a state's main zone).
STATE_ZONES = {
    "US-CA": "America/Los_Angeles", "US-NY": "America/New_York", "US-TX": "America/Chicago",
    "US-MA": "America/New_York", "US-WA": "America/Los_Angeles", "US-FL": "America/New_York",
}  # fmt: skip
ZONE_KNOWN = 0.7  # share of US accounts whose zone is known
NOTICE_SENT = 0.9  # share of US accounts whose validation notice went out weeks ago
CLIENTS = {"CN": "cn-consumer", "GB": "uk-utility"}


def synth_accounts(n: int, seed: int, offset: int) -> pl.DataFrame:
    """The planner's input columns for n accounts (as store.queries would give them).

    About 70% of US accounts have a known time zone (from the address or the phone's
    area code); the others fall back to the conservative set of US zones.
    """
    from arrears.strategy.features import SCHEMA

    rng = np.random.default_rng(seed)
    ids = np.arange(offset, offset + n, dtype=np.int64)
    jur = np.array(JURISDICTIONS)[rng.integers(0, len(JURISDICTIONS), n)]
    dpd = np.clip(rng.gamma(1.2, 60, n).astype(np.int32) - 5, -7, 900)
    principal = (rng.lognormal(8.5, 1.0, n) * 100).astype(np.int64)
    frame = pl.DataFrame({
        "account_id": ids, "account_ref": pl.Series(ids).cast(pl.String),
        "jurisdiction": jur, "dpd": dpd, "principal_minor": principal,
        "interest_minor": principal // 20, "fees_minor": principal // 50,
        "costs_minor": np.zeros(n, dtype=np.int64),
        "unanswered_calls": rng.integers(0, 6, n).astype(np.int32),
        "days_since_last_payment": pl.Series(rng.integers(1, 90, n)).set(
            pl.Series(rng.random(n) >= 0.3), None),
    })  # fmt: skip
    known = pl.Series(rng.random(n) < ZONE_KNOWN)
    zone = pl.col("jurisdiction").replace_strict(STATE_ZONES, default=None)
    frame = frame.with_columns(
        pl.when(pl.lit(known) & zone.is_not_null()).then(pl.concat_list(zone))
        .otherwise(pl.lit([], dtype=pl.List(pl.String))).alias("time_zones")
    )  # fmt: skip
    return frame.with_columns(
        pl.col("account_id").alias("debtor_id"),
        pl.when(pl.col("jurisdiction") == "CN").then(pl.lit("cn-consumer"))
        .when(pl.col("jurisdiction") == "GB").then(pl.lit("uk-utility"))
        .otherwise(pl.lit("us-agency")).alias("client"),
        pl.when(pl.col("jurisdiction") == "CN").then(pl.lit("CNY"))
        .when(pl.col("jurisdiction") == "GB").then(pl.lit("GBP"))
        .otherwise(pl.lit("USD")).alias("currency"),
        pl.lit(1, dtype=pl.Int64).alias("client_id"),
        pl.lit([], dtype=pl.List(pl.String)).alias("holds"),
        pl.lit(None, dtype=pl.String).alias("current_segment"),
        pl.lit(None, dtype=pl.Date).alias("segment_since"),
    ).pipe(_fill_features, SCHEMA)  # fmt: skip


def _fill_features(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    from arrears.core.aging import DPD_SCHEME, M_SCHEME
    from arrears.strategy.features import MAJOR, bucket_expr

    balance = pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")
    frame = frame.with_columns(
        balance.alias("balance_minor"),
        (balance.cast(MAJOR) / 100).cast(MAJOR).alias("balance"),
        (pl.col("principal_minor").cast(MAJOR) / 100).cast(MAJOR).alias("principal"),
        bucket_expr(pl.col("dpd"), DPD_SCHEME).alias("bucket"),
        bucket_expr(pl.col("dpd"), M_SCHEME).alias("m_bucket"),
        pl.lit("person").alias("debtor_kind"), pl.lit("credit_card").alias("product"),
        pl.lit("active").alias("status"), pl.lit("en-US").alias("language"),
        pl.lit(True).alias("has_mobile"), pl.lit(True).alias("has_phone"),
        pl.lit(True).alias("has_email"), pl.lit(False).alias("has_address"),
    )  # fmt: skip
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in schema.items() if c not in frame.columns]
    frame = frame.with_columns(missing).with_columns(
        pl.col("events").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("steps_done").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("broken_promises").fill_null(0), pl.col("contacts_7d").fill_null(0),
        pl.col("segment_days").fill_null(0), pl.col("invoice_count").fill_null(0),
        pl.col("validation_notice_sent").fill_null(True), pl.col("disputed").fill_null(False),
        pl.col("on_hold").fill_null(False), pl.col("charged_off").fill_null(False),
        pl.col("replied_since_last_message").fill_null(False),
    )  # fmt: skip
    return frame.with_columns(pl.col(c).cast(t) for c, t in schema.items())


STORE_COLUMNS = (
    "account_id", "account_ref", "client", "client_id", "debtor_id", "debtor_kind", "product",
    "currency", "jurisdiction", "language", "status", "principal_minor", "interest_minor",
    "fees_minor", "costs_minor", "opened_on", "due_on", "charged_off_on", "last_payment_on",
    "current_segment", "segment_since", "holds", "time_zones", "country", "region",
)  # fmt: skip


def store_shaped(features: pl.DataFrame) -> pl.DataFrame:
    """The rows as the store's planning queries return them (features are computed from these)."""
    due = pl.lit(AS_OF) - pl.duration(days=pl.col("dpd"))
    return features.with_columns(
        due.alias("due_on"),
        (due - pl.duration(days=200)).alias("opened_on"),
        pl.lit(None, dtype=pl.Date).alias("charged_off_on"),
        (pl.lit(AS_OF) - pl.duration(days=pl.col("days_since_last_payment"))).alias(
            "last_payment_on"
        ),
        pl.col("jurisdiction").str.split("-").list.first().alias("country"),
        pl.col("jurisdiction").str.split("-").list.get(1, null_on_oob=True).alias("region"),
    ).select(STORE_COLUMNS)


def synth_points(accounts: pl.DataFrame, seed: int) -> pl.DataFrame:
    """A mobile and an e-mail per debtor, with the columns of ``store.queries.contact_points``.

    About 3% of debtors said some times are inconvenient (weekday mornings at work,
    or Fridays, the plan date's weekday) and about 1% opted out of texts.
    """
    from arrears.compliance.model import INCONVENIENT, OPT_OUTS

    rng = np.random.default_rng(seed + 2)
    ids = accounts["debtor_id"]
    n = len(ids)
    mobile = pl.DataFrame(
        {"debtor_id": ids, "kind": ["mobile"] * n, "value": (ids + 10**9).cast(pl.String)}
    )
    email = pl.DataFrame(
        {"debtor_id": ids, "kind": ["email"] * n, "value": ids.cast(pl.String) + "@example.com"}
    )
    mornings = {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "10:00",
                "until": None}  # fmt: skip
    fridays = {"days": ["fri"], "from": "00:00", "to": "24:00", "until": AS_OF + timedelta(30)}
    draw = rng.random(n)
    times = pl.Series(
        "inconvenient_times",
        np.select([draw < 0.02, draw < 0.03], [1, 2], 0),
    ).replace_strict({0: [], 1: [mornings], 2: [fridays]}, return_dtype=INCONVENIENT)
    stop_sms = [{"channel": "sms", "to": None, "at": datetime(2026, 10, 1, tzinfo=UTC)}]
    opted = pl.Series("opt_outs", rng.random(n) < 0.01).replace_strict(
        {False: [], True: stop_sms}, return_dtype=OPT_OUTS
    )
    per_debtor = pl.DataFrame({"debtor_id": ids}).with_columns(times, opted)
    return (
        pl.concat([mobile, email])
        .join(per_debtor, on="debtor_id", how="left")
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("point_id"),
            pl.lit(None, dtype=pl.String).alias("line_type"),
            pl.lit([], dtype=pl.List(pl.String)).alias("time_zones"),
            pl.lit(False).alias("verified"),
            pl.lit([], dtype=pl.List(pl.String)).alias("consents"),
            pl.lit(False).alias("do_not_contact"),
            pl.lit(False).alias("preferred"),
            pl.lit(80, dtype=pl.Int64).alias("confidence"),
        )
    )


def synth_resolution(accounts: pl.DataFrame, seed: int) -> pl.DataFrame:
    """``store.queries.resolution_state``: ~8% of accounts have a promise, ~3% a plan.

    A quarter of the broken promises broke yesterday (today's ``promise_broken`` event).
    """
    rng = np.random.default_rng(seed + 3)
    n = accounts.height
    draw = rng.random(n)
    promise = np.select([draw < 0.04, draw < 0.06, draw < 0.08], ["pending", "kept", "broken"],
                        "")  # fmt: skip
    plan = np.where(rng.random(n) < 0.03, "active", "")
    frame = pl.DataFrame({
        "account_id": accounts["account_id"],
        "promise_status": pl.Series(promise).replace("", None),
        "plan_status": pl.Series(plan).replace("", None),
        "_today": rng.random(n) < 0.25,
    })  # fmt: skip
    frame = frame.filter(
        pl.col("promise_status").is_not_null() | pl.col("plan_status").is_not_null()
    )
    broken = pl.col("promise_status") == "broken"
    return frame.select(
        "account_id", "promise_status",
        broken.cast(pl.Int32).alias("broken_promises"),
        "plan_status",
        pl.when(pl.col("plan_status").is_not_null()).then(0).cast(pl.Int32)
        .alias("missed_instalments"),
        pl.when(broken & pl.col("_today")).then(pl.lit(["promise_broken"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String))).alias("resolution_events"),
    )  # fmt: skip


def synth_history(accounts: pl.DataFrame, per_account: float, seed: int) -> pl.DataFrame:
    """On average ``per_account`` past contacts per account over the last 30 days.

    As in the demo history (``sim.history``), about 90% of US accounts also have their
    validation notice on record: a letter mailed 25 to 39 days before the plan date.
    """
    rng = np.random.default_rng(seed + 1)
    n = accounts.height
    counts = rng.poisson(per_account, n)
    ids = np.repeat(accounts["account_id"].to_numpy(), counts)
    m = len(ids)
    start = datetime.combine(AS_OF - timedelta(days=30), datetime.min.time(), tzinfo=UTC)
    seconds = rng.integers(0, 30 * 86400, m)
    channel = np.array(["call", "call", "call", "sms", "email"])[rng.integers(0, 5, m)]
    outcome = np.array(["no_answer", "voicemail", "conversation", "busy", "delivered"])[
        rng.integers(0, 5, m)]  # fmt: skip
    contacts = pl.DataFrame({
        "debtor_id": ids, "account_id": ids, "channel": channel,
        "direction": np.where(rng.random(m) < 0.95, "out", "in"),
        "occurred_at": pl.Series(seconds * 1_000_000).cast(pl.Duration("us")) + start,
        "contact_value": (pl.Series(ids) + 10**9).cast(pl.String), "outcome": outcome,
    }).with_columns(
        pl.col("occurred_at").cast(pl.Datetime("us", "UTC")),
        pl.lit(None, dtype=pl.String).alias("template"),
    )  # fmt: skip
    us = accounts["jurisdiction"].str.starts_with("US").to_numpy()
    sent = accounts["account_id"].to_numpy()[us & (rng.random(n) < NOTICE_SENT)]
    k = len(sent)
    mailed = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) - timedelta(days=39)
    days = rng.integers(0, 15, k) * 86400 + rng.integers(13 * 3600, 22 * 3600, k)
    notices = pl.DataFrame({
        "debtor_id": sent, "account_id": sent, "channel": ["letter"] * k,
        "direction": ["out"] * k,
        "occurred_at": pl.Series(days * 1_000_000).cast(pl.Duration("us")) + mailed,
        "contact_value": ["address on file"] * k, "outcome": ["delivered"] * k,
    }).with_columns(
        pl.col("occurred_at").cast(pl.Datetime("us", "UTC")),
        pl.lit("validation_notice").alias("template"),
    )  # fmt: skip
    return pl.concat([contacts, notices]).sort("account_id", maintain_order=True)


@dataclass(frozen=True)
class Piece:
    """One synthetic partition: its files' stem, first account id and size."""

    stem: str
    offset: int
    size: int


def prepare(folder: Path, piece: Piece) -> tuple[int, float]:
    """Write the partition's store-shaped frames as Arrow files; (history rows, floor seconds).

    Untimed: it stands for the data being in the store. The timed plan reads the
    files into memory and plans them. The floor is a
    bare Polars group-by over the partition's history.
    """
    accounts = synth_accounts(piece.size, seed=piece.offset, offset=piece.offset)
    history = synth_history(accounts, 8.0, seed=piece.offset)
    start = time.perf_counter()
    history.group_by("debtor_id").agg(
        pl.len(), pl.col("occurred_at").max(), (pl.col("outcome") == "conversation").sum()
    )
    floor = time.perf_counter() - start
    frames = {
        "accounts": store_shaped(accounts), "points": synth_points(accounts, seed=piece.offset),
        "resolution": synth_resolution(accounts, seed=piece.offset), "history": history,
    }  # fmt: skip
    for name, frame in frames.items():
        frame.write_ipc(folder / f"{piece.stem}.{name}.arrow", compression="uncompressed")
    return history.height, floor


@dataclass
class FileJob:
    """The bench's side of ``planner.plan.plan_partitions``: read the files, count the actions.

    ``write`` returns the actions, this process's id and its CPU seconds so far
    (start-up included), so the run's CPU is the sum over the processes that planned.
    """

    folder: Path

    def read(self, piece: Piece) -> PartitionInputs:
        def frame(name: str) -> pl.DataFrame:
            # Polars reads the file its own way (it may map it: the pages are the page
            # cache's, counted in the RSS). Reading the bytes through Python first cost
            # about 2 CPU s more a partition: the kernel faulting in and zeroing a fresh
            # gigabyte for each copy (docs/benchmarks.md).
            return pl.read_ipc(self.folder / f"{piece.stem}.{name}.arrow")

        return PartitionInputs(
            accounts=frame("accounts"), points=frame("points"), history=frame("history"),
            done=NO_DONE, invoices=NO_INVOICES, resolution=frame("resolution"),
        )  # fmt: skip

    def write(self, piece: Piece, plan: PartitionPlan) -> tuple[int, int, float]:
        return plan.actions.height, os.getpid(), time.process_time()


class TreeMemory:
    """The largest sum of RSS over this process and its descendants, sampled every 100 ms."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(os.getpid()))
            time.sleep(0.1)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def pieces(size: int, partition: int) -> list[Piece]:
    return [
        Piece(f"p{offset}", offset, min(partition, size - offset))
        for offset in range(0, size, partition)
    ]


def run(size: int, partition: int, workers: int, repeat: int) -> dict[str, Any]:
    """Prepare the partitions (untimed), then plan them ``repeat`` times; the medians."""
    from arrears.compliance.rulebooks import load_rulebooks
    from arrears.strategy.loader import load_strategies

    todo = pieces(size, partition)
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        folder = Path(tmp)
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max(1, workers), mp_context=context) as pool:
            prepared = list(pool.map(prepare, [folder] * len(todo), todo))
        policy = Policy(
            strategies=load_strategies(ROOT / "config" / "strategies"),
            rulebooks=load_rulebooks(ROOT / "config" / "rulebooks"),
            as_of=AS_OF,
            # Calls for a twentieth of each partition's accounts, as before the workers.
            params=PlanParams(call_capacity=min(partition, size) // 20),
        )
        runs = [plan_once(todo, FileJob(folder), policy, workers) for _ in range(repeat)]
    seconds = [r["plan_s"] for r in runs]
    return {
        "accounts": size,
        "workers": workers,
        "history": sum(rows for rows, _ in prepared),
        "actions": runs[0]["actions"],
        "plan_s": statistics.median(seconds),
        "plan_range": (min(seconds), max(seconds)),
        "plan_cpu_s": statistics.median(r["plan_cpu_s"] for r in runs),
        "floor_s": sum(floor for _, floor in prepared),
        "rss": max(r["rss"] for r in runs),
    }


def plan_once(todo: list[Piece], job: FileJob, policy: Policy, workers: int) -> dict[str, float]:
    """One planning of every partition, in new worker processes: wall, CPU, actions, RSS."""
    cpu_here, start = time.process_time(), time.perf_counter()
    actions, cpu_of = 0, dict[int, float]()
    with TreeMemory() as memory:
        for _, (count, pid, cpu) in plan_partitions(todo, job, policy=policy, workers=workers):
            actions += count
            cpu_of[pid] = max(cpu_of.get(pid, 0.0), cpu)
        seconds = time.perf_counter() - start
    here = time.process_time() - cpu_here
    # In one process the job's CPU reading is this process's (counted once, since start).
    cpu = here if workers <= 1 else here + sum(cpu_of.values())
    print(f"  planned {len(todo)} partition(s): {seconds:.1f} s, {cpu:.1f} CPU s", flush=True)
    return {"actions": actions, "plan_s": seconds, "plan_cpu_s": cpu,
            "rss": memory.peak_kib / 2**20}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--partition", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="processes planning partitions")
    parser.add_argument("--repeat", type=int, default=3, help="plans of the same partitions")
    parser.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md")
    args = parser.parse_args()
    results = []
    before = os.getloadavg()[0]
    for size in args.sizes:
        result = run(size, args.partition, args.workers, args.repeat)
        print(result, flush=True)
        results.append(result)
    load = f"{before:.1f} before, {os.getloadavg()[0]:.1f} after"
    lines = [
        "## Daily plan (`bench/plan/run.py`)", "",
        f"Measured {now()} on {machine()}. Synthetic accounts in partitions of "
        f"{args.partition:,}, planned by `planner.plan.plan_partitions` in "
        f"{args.workers} worker process(es) as `arrears plan --workers` does; ~8 past contacts "
        f"per account; US accounts: ~{NOTICE_SENT:.0%} with the validation notice on record, "
        f"~{ZONE_KNOWN:.0%} with a known zone; the same partitions planned {args.repeat} "
        f"time(s) in new workers, medians; load average {load}. "
        "Plan (s) is wall time from the first partition read to the last plan, worker "
        "start-up included; plan CPU (s) sums every planning process (start-up included); "
        "peak RSS sums the processes (the largest of the runs).", "",
        "| accounts | workers | history rows | actions | plan (s) | runs (s) | plan CPU (s) "
        "| floor: group-by (s) | plan CPU / floor | peak RSS (GiB) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]  # fmt: skip
    for r in results:
        lines.append(
            f"| {r['accounts']:,} | {r['workers']} | {r['history']:,} | {r['actions']:,} | "
            f"{r['plan_s']:.1f} | {r['plan_range'][0]:.1f}-{r['plan_range'][1]:.1f} | "
            f"{r['plan_cpu_s']:.1f} | {r['floor_s']:.2f} | "
            f"{r['plan_cpu_s'] / max(r['floor_s'], 1e-9):.0f}x | {r['rss']:.1f} |"
        )
    lines += ["", "Target (2 cores): 10M accounts planned in <= 60 s with <= 12 GiB peak memory."]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("plan", body)


if __name__ == "__main__":
    main()
