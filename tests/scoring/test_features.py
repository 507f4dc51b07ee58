"""Point-in-time features and outcomes on hand-made frames."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from arrears.scoring.features import NAMES, labelled, outcomes, snapshot, training_frame

AS_OF = date(2026, 10, 1)


def accounts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": [1, 2, 3],
            "currency": ["CNY", "USD", "USD"],
            "principal_minor": [90_000, 50_000, 0],
            "interest_minor": [0, 0, 0],
            "fees_minor": [0, 0, 0],
            "costs_minor": [0, 0, 0],
            "original_minor": [200_000, 50_000, 10_000],
            "opened_on": [date(2025, 1, 1), date(2026, 9, 1), date(2025, 1, 1)],
            "due_on": [date(2026, 7, 3), date(2026, 9, 21), date(2026, 1, 1)],
            "charged_off_on": [None, None, date(2026, 6, 1)],
        }
    )


def payments() -> pl.DataFrame:
    # Account 1 paid three times before the day, once after it; a reversal nets one out.
    return pl.DataFrame(
        {
            "account_id": [1, 1, 1, 1, 1, 3],
            "paid_on": [date(2026, 6, 1), date(2026, 8, 20), date(2026, 9, 20),
                        date(2026, 10, 10), date(2026, 10, 12), date(2026, 10, 5)],
            "signed_minor": [5_000, 5_000, 5_000, 10_000, -5_000, 10_000],
        }
    )  # fmt: skip


def interactions() -> pl.DataFrame:
    at = [datetime(2026, 9, d, 10, tzinfo=UTC) for d in (10, 12, 25, 28)]
    return pl.DataFrame(
        {
            "account_id": [1, 1, 1, 2],
            "channel": ["call", "call", "sms", "sms"],
            "direction": ["out", "out", "in", "out"],
            "occurred_at": at,
            "outcome": ["no_answer", "conversation", "reply", "bounced"],
        }
    )


def promises() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": [1, 1, 2],
            "created_on": [date(2026, 9, 1), date(2026, 9, 20), date(2026, 9, 28)],
            "status": ["broken", "kept", "broken"],
            "resolved_on": [date(2026, 9, 26), date(2026, 10, 3), date(2026, 10, 8)],
        }
    )


def row(frame: pl.DataFrame, account: int) -> dict[str, object]:
    return frame.filter(pl.col("account_id") == account).row(0, named=True)


def test_features_count_only_what_happened_before_the_day():
    frame = snapshot(accounts(), payments(), interactions(), promises(), AS_OF)
    assert frame.columns == ["account_id", *NAMES]
    one = row(frame, 1)
    assert one["dpd"] == 90 and one["payments_90d"] == 2 and one["payments_180d"] == 3
    assert one["payments_30d"] == 1 and one["days_since_last_payment"] == 11
    # Today's balance plus the net 5,000 paid since the day.
    assert one["balance_minor"] == 95_000
    assert one["contacts_30d"] == 2 and one["conversations_30d"] == 1
    assert one["unanswered_30d"] == 1 and one["replies_30d"] == 1
    assert one["days_since_last_conversation"] == 19
    # The first promise broke before the day; the second was still pending then.
    assert one["promises_broken"] == 1 and one["promises_kept"] == 0
    assert one["days_since_promise_broken"] == 5 and one["promise_pending"] == 1


def test_accounts_without_history_get_zero_counts_and_null_recency():
    two = row(snapshot(accounts(), payments(), interactions(), promises(), AS_OF), 2)
    assert two["payments_180d"] == 0 and two["days_since_last_payment"] is None
    assert two["bounced_30d"] == 1 and two["contacts_30d"] == 1
    assert two["promises_broken"] == 0 and two["promise_pending"] == 1
    assert two["days_since_last_conversation"] is None


def test_an_account_that_owed_nothing_on_the_day_is_not_in_the_snapshot():
    # Account 3 has no balance today, but owed the 10,000 it paid on 5 October.
    frame = snapshot(accounts(), payments(), interactions(), promises(), AS_OF)
    assert row(frame, 3)["balance_minor"] == 10_000
    later = snapshot(accounts(), payments(), interactions(), promises(), date(2026, 10, 6))
    assert 3 not in later["account_id"].to_list()


def test_outcomes_net_reversals_within_the_horizon():
    paid = outcomes(payments(), AS_OF, horizon_days=30).sort("account_id")
    assert paid.rows() == [(1, 5_000, True), (3, 10_000, True)]
    short = outcomes(payments(), AS_OF, horizon_days=5)
    assert short["account_id"].to_list() == [3]  # only account 3 paid in the first five days


def test_labelled_snapshots_stack_by_day():
    one = labelled(accounts(), payments(), interactions(), promises(), AS_OF)
    assert row(one, 2)["paid"] is False and row(one, 1)["paid_minor"] == 5_000
    days = [AS_OF, date(2026, 9, 1)]
    stacked = training_frame(accounts(), payments(), interactions(), promises(), days)
    assert stacked.group_by("as_of").len().sort("as_of")["len"].to_list() == [2, 3]
