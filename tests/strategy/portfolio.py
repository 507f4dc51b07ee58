"""Hand-made and synthetic feature frames for the strategy tests and benchmark.

``accounts(...)`` builds a small frame from :data:`features.SCHEMA` where every
feature has a plain default and each test says only what matters to it.
``synthetic_portfolio(n)`` draws a varied portfolio (four kinds of client, all
ages, holds, disputes, events, steps already done) with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from arrears.strategy.features import MAJOR, SCHEMA
from arrears.strategy.triggers import REPEAT_COLUMN, REPEAT_DTYPE

DEFAULTS: dict[str, Any] = {
    "account_ref": "REF",
    "client": "cn-consumer",
    "debtor_id": 1,
    "debtor_kind": "person",
    "product": "personal_loan",
    "currency": "CNY",
    "jurisdiction": "CN",
    "language": "zh-CN",
    "status": "active",
    "principal_minor": 100_000,
    "interest_minor": 0,
    "fees_minor": 0,
    "costs_minor": 0,
    "balance_minor": 100_000,
    "balance": Decimal("1000"),
    "principal": Decimal("1000"),
    "dpd": 0,
    "charged_off": False,
    "broken_promises": 0,
    "missed_instalments": 0,
    "unanswered_calls": 0,
    "contacts_7d": 0,
    "replied_since_last_message": False,
    "disputed": False,
    "on_hold": False,
    "has_mobile": True,
    "has_phone": True,
    "has_email": True,
    "has_address": True,
    "invoice_count": 1,
    "segment_days": 0,
    "validation_notice_sent": True,
    "events": [],
    "steps_done": [],
    "time_barred": False,
    "hardship": False,
    "vulnerable": False,
}


def accounts(*rows: dict[str, Any], last_done: bool = False) -> pl.LazyFrame:
    """A features frame: each row is DEFAULTS updated with the row; ids 1, 2, ... unless given.

    ``balance`` may be given as a number; ``steps_last_done`` (the proposed repeat
    feature) is added when ``last_done`` is true or a row sets it.
    """
    records = []
    for number, row in enumerate(rows, start=1):
        record = {"account_id": number, **DEFAULTS, **row}
        if "balance" in row:
            record["balance"] = Decimal(str(row["balance"]))
        records.append(record)
    schema = dict(SCHEMA)
    if last_done or any(REPEAT_COLUMN in r for r in rows):
        schema[REPEAT_COLUMN] = REPEAT_DTYPE
    data = {name: [r.get(name) for r in records] for name in schema}
    return pl.DataFrame(data, schema=schema).lazy()


CLIENTS = [
    ("cn-consumer", "CN", "person"),
    ("cn-fintech", "CN", "person"),
    ("us-agency", "US", "person"),
    ("us-agency", "US-CA", "person"),
    ("b2b-receivables", "DE", "company"),
    ("uk-bank", "GB", "person"),
    ("fr-bank", "FR", "person"),  # no strategy applies
]
STATUSES = ["active", "promised", "in_plan", "disputed", "on_hold", "placed", "legal"]
STATUS_WEIGHTS = [0.8, 0.05, 0.05, 0.02, 0.02, 0.03, 0.03]
EVENTS = ["promise_broken", "instalment_missed", "no_reply", "dispute_resolved", "payment_received"]
OUTCOMES = ["no_answer", "voicemail", "conversation", None]


def synthetic_portfolio(n: int, seed: int = 7, step_ids: Sequence[str] = ()) -> pl.DataFrame:
    """``n`` varied accounts with every feature (and steps_last_done) filled plausibly."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(CLIENTS), n)
    minor = rng.lognormal(11, 1.5, n).astype(np.int64)
    frame = pl.DataFrame(
        {
            "account_id": np.arange(1, n + 1, dtype=np.int64),
            "client": np.array([c[0] for c in CLIENTS])[kind],
            "jurisdiction": np.array([c[1] for c in CLIENTS])[kind],
            "debtor_kind": np.array([c[2] for c in CLIENTS])[kind],
            "status": rng.choice(STATUSES, n, p=STATUS_WEIGHTS),
            "balance_minor": minor,
            "dpd": rng.integers(-10, 1500, n).astype(np.int32),
            "segment_days": rng.integers(0, 60, n).astype(np.int32),
            "days_since_last_payment": rng.integers(0, 2000, n).astype(np.int32),
            "days_since_last_email": rng.integers(0, 15, n).astype(np.int32),
            "days_since_last_sms": rng.integers(0, 15, n).astype(np.int32),
            "unanswered_calls": rng.integers(0, 6, n).astype(np.int32),
            "broken_promises": rng.integers(0, 3, n).astype(np.int32),
            "missed_instalments": rng.integers(0, 3, n).astype(np.int32),
            "last_call_outcome": _choice(rng, n, OUTCOMES),
            "validation_notice_sent": rng.random(n) < 0.9,
            "disputed": rng.random(n) < 0.01,
            "on_hold": rng.random(n) < 0.02,
            "replied_since_last_message": rng.random(n) < 0.3,
            "has_mobile": rng.random(n) < 0.9,
            "has_phone": rng.random(n) < 0.92,
            "has_email": rng.random(n) < 0.7,
            "has_address": rng.random(n) < 0.95,
            "events": _lists(rng, n, EVENTS, 0.05),
            "steps_done": _lists(rng, n, list(step_ids) or ["x"], 0.5),
        }
    )
    return _complete(frame, rng)


def _lists(rng: np.random.Generator, n: int, pool: Sequence[str], rate: float) -> pl.Series:
    # A few distinct list values, gathered: building a million Python lists is slow.
    choices: list[list[str]] = (
        [[]] + [[v] for v in pool] + [list(pool[i : i + 3]) for i in range(len(pool))]
    )
    index = np.where(rng.random(n) < rate, rng.integers(1, len(choices), n), 0)
    values = pl.Series(choices, dtype=pl.List(pl.String))
    return values.gather(index)


def _choice(rng: np.random.Generator, n: int, values: Sequence[str | None]) -> pl.Series:
    return pl.Series(values, dtype=pl.String).gather(rng.integers(0, len(values), n))


def _complete(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    n = frame.height
    done = frame["steps_done"]
    last = done.list.eval(
        pl.struct(pl.element().alias("step"), pl.lit(3, dtype=pl.Int32).alias("days_ago"))
    )
    extra = {
        "balance": (pl.col("balance_minor").cast(pl.Decimal(24, 4)) / 100).cast(MAJOR),
        "principal": (pl.col("balance_minor").cast(pl.Decimal(24, 4)) / 100).cast(MAJOR),
        "principal_minor": pl.col("balance_minor"),
    }
    frame = frame.with_columns(**extra).with_columns(
        pl.Series(REPEAT_COLUMN, last, dtype=REPEAT_DTYPE),
        _choice(rng, n, ["pending", "kept", "broken", None]).alias("promise_status"),
        _choice(rng, n, ["active", "missed", None, None]).alias("plan_status"),
    )
    missing = {k: v for k, v in SCHEMA.items() if k not in frame.columns}
    filled = [pl.lit(DEFAULTS.get(k), dtype=v).alias(k) for k, v in missing.items()]
    return frame.with_columns(filled).select(*SCHEMA).cast(pl.Schema(SCHEMA))
