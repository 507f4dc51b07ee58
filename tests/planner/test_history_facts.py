"""The one-pass history aggregates give what one group-by per feature gives.

``features.history_facts`` computes every per-account aggregate of the contact
history in one streaming group-by (plus one over the calls). The reference
below is the straightforward form it replaced: a filter, a group-by and a join
per feature. Random histories with ties, inbound events, null outcomes and
validation notices must give the same frame.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from arrears.planner.features import (
    CALL_CHANNELS,
    HISTORY_FACTS,
    MESSAGE_CHANNELS,
    SEVEN_DAYS,
    UNANSWERED,
    VALIDATION_NOTICE,
    history_facts,
)

AS_OF = date(2026, 11, 20)
CHANNELS = ["call", "voicemail", "sms", "email", "letter", "visit"]
OUTCOMES = ["no_answer", "voicemail", "conversation", "busy", "delivered", "reply", None]


def random_history(seed: int, accounts: int = 300, rows: int = 3000) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = datetime(2026, 10, 21, tzinfo=UTC)
    # Few distinct instants (whole hours), so that calls often tie on the latest one.
    hours = rng.integers(0, 30 * 24, rows)
    ids = rng.integers(0, accounts, rows)
    return pl.DataFrame(
        {
            "debtor_id": ids,
            "account_id": ids,
            "channel": np.array(CHANNELS)[rng.integers(0, len(CHANNELS), rows)],
            "direction": np.array(["out", "out", "out", "in"])[rng.integers(0, 4, rows)],
            "occurred_at": [start + timedelta(hours=int(h)) for h in hours],
            "contact_value": ["v"] * rows,
            "outcome": [OUTCOMES[i] for i in rng.integers(0, len(OUTCOMES), rows)],
            "template": [VALIDATION_NOTICE if r < 0.05 else None for r in rng.random(rows)],
        },
        schema_overrides={"occurred_at": pl.Datetime("us", "UTC"), "template": pl.String},
    )


def reference(history: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """A group-by and a join per feature (the form ``history_facts`` replaced)."""
    out = history.filter(pl.col("direction") == "out")
    calls = out.filter(pl.col("channel").is_in(CALL_CHANNELS)).sort("occurred_at")
    conv = history.filter(pl.col("outcome") == "conversation")
    day = pl.col("occurred_at").dt.date()
    since = (pl.lit(as_of) - day.max()).dt.total_days().cast(pl.Int32)
    per = [
        out.group_by("account_id").agg(since.alias("days_since_last_contact"),
            (day >= pl.lit(as_of - SEVEN_DAYS)).sum().cast(pl.Int32).alias("contacts_7d")),
        conv.group_by("account_id").agg(since.alias("days_since_last_conversation"),
                                        pl.col("occurred_at").max().alias("_last_conv")),
        *(out.filter(pl.col("channel") == ch).group_by("account_id")
          .agg(since.alias(f"days_since_last_{ch}")) for ch in MESSAGE_CHANNELS),
        out.filter(pl.col("channel").is_in(MESSAGE_CHANNELS)).group_by("account_id")
        .agg(pl.col("occurred_at").max().alias("_last_msg")),
        history.filter(pl.col("direction") == "in").group_by("account_id")
        .agg(pl.col("occurred_at").max().alias("_last_in")),
        calls.group_by("account_id").agg(pl.col("outcome").last().alias("last_call_outcome")),
        out.group_by("account_id").agg(pl.col("occurred_at").min().alias("first_contact_at")),
        out.filter(pl.col("template") == VALIDATION_NOTICE).group_by("account_id")
        .agg(pl.col("occurred_at").min().alias("validation_sent_at")),
    ]  # fmt: skip
    frame = history.select("account_id").unique()
    for part in per:
        frame = frame.join(part, on="account_id", how="left")
    unanswered = (
        calls.join(frame.select("account_id", "_last_conv"), on="account_id", how="left")
        .filter(pl.col("_last_conv").is_null() | (pl.col("occurred_at") > pl.col("_last_conv")))
        .filter(pl.col("outcome").is_in(UNANSWERED))
        .group_by("account_id")
        .agg(pl.len().cast(pl.Int32).alias("unanswered_calls"))
    )
    return frame.join(unanswered, on="account_id", how="left").with_columns(
        (pl.col("_last_in").is_not_null() & pl.col("_last_msg").is_not_null()
         & (pl.col("_last_in") > pl.col("_last_msg"))).alias("replied_since_last_message"),
        pl.col("contacts_7d").fill_null(0),
    )  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_history_facts_match_one_group_by_per_feature(seed: int) -> None:
    history = random_history(seed)
    got = history_facts(history, AS_OF).with_columns(
        pl.col("unanswered_calls").fill_null(0), pl.col("contacts_7d").fill_null(0)
    )
    want = reference(history, AS_OF).with_columns(pl.col("unanswered_calls").fill_null(0))
    assert_frame_equal(
        got.sort("account_id"),
        want.select(got.columns).sort("account_id"),
        check_dtypes=False,
    )


def test_the_latest_call_recorded_last_wins_a_tie() -> None:
    at = datetime(2026, 11, 19, 10, tzinfo=UTC)
    history = pl.DataFrame(
        {
            "debtor_id": [1, 1, 1],
            "account_id": [1, 1, 1],
            "channel": ["call", "call", "call"],
            "direction": ["out", "out", "out"],
            "occurred_at": [at, at, at - timedelta(hours=1)],
            "contact_value": ["v", "v", "v"],
            "outcome": ["busy", "voicemail", "conversation"],
            "template": [None, None, None],
        },
        schema_overrides={"occurred_at": pl.Datetime("us", "UTC"), "template": pl.String},
    )
    row = history_facts(history, AS_OF).row(0, named=True)
    assert row["last_call_outcome"] == "voicemail"
    assert row["unanswered_calls"] == 2


def test_the_shared_facts_are_the_first_contact_and_the_notice() -> None:
    facts = history_facts(random_history(4), AS_OF)
    assert set(HISTORY_FACTS) <= set(facts.columns)
