"""Right-party contacts, contact and response rates, deliveries, promises and best time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from arrears.analytics.measures import contact

SCHEMA = {"account_id": pl.Int64, "client_id": pl.Int64, "segment": pl.String,
          "strategy": pl.String, "channel": pl.String, "direction": pl.String,
          "occurred_at": pl.Datetime("us", "UTC"), "user_id": pl.Int64,
          "outcome": pl.String, "status": pl.String}  # fmt: skip


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)  # 2026-11-16 is a Monday


def interactions(rows: list[tuple[int, str, str, datetime, str | None]], segment: str = "M1"):
    return pl.DataFrame(
        [(a, 1, segment, "s", ch, d, t, 7 if ch == "call" else None, o, None)
         for a, ch, d, t, o in rows],
        schema=SCHEMA, orient="row",
    )  # fmt: skip


HISTORY = interactions([
    (1, "call", "out", at(16, 9), "conversation"),
    (1, "call", "out", at(16, 10), "no_answer"),
    (2, "call", "out", at(16, 9), "third_party_answered"),
    (2, "call", "out", at(17, 9), "voicemail"),
    (3, "sms", "out", at(16, 9), "delivered"),
    (3, "sms", "in", at(18, 8), "reply"),  # 47 h later: a response
    (4, "sms", "out", at(16, 9), "bounced"),
    (5, "email", "out", at(16, 9), "delivered"),
    (5, "email", "in", at(20, 9), "reply"),  # 96 h later: too late to count
    (6, "letter", "out", at(16, 9), "delivered"),
])  # fmt: skip


def test_rpc_rate_states_both_denominators():
    row = contact.right_party_contact_rate(HISTORY).row(0, named=True)
    assert (row["attempts"], row["connects"], row["rpc"]) == (4, 2, 1)
    assert (row["rpc_rate"], row["rpc_per_connect"]) == (0.25, 0.5)


def test_contact_and_response_rates_by_channel():
    out = {r["channel"]: r for r in contact.contact_rates(HISTORY).iter_rows(named=True)}
    assert (out["call"]["attempts"], out["call"]["contacts"], out["call"]["responses"]) == (4, 2, 0)
    assert (out["sms"]["contact_rate"], out["sms"]["response_rate"]) == (0.5, 0.5)
    assert out["email"]["responses"] == 0


def test_hours_and_weekdays_are_read_in_the_asked_time_zone():
    out = contact.contact_rates(HISTORY, ("channel", "hour", "weekday"), "Asia/Shanghai")
    call = out.filter((pl.col("channel") == "call") & (pl.col("hour") == 17))
    # 09:00 UTC is 17:00 in Beijing: two calls on Monday, one on Tuesday.
    assert dict(call.select("weekday", "attempts").iter_rows()) == {1: 2, 2: 1}


def test_deliveries_count_sent_delivered_and_bounced_messages_and_letters():
    out = {r["channel"]: r for r in contact.deliveries(HISTORY).iter_rows(named=True)}
    assert set(out) == {"sms", "email", "letter"}
    assert (out["sms"]["sent"], out["sms"]["delivered"], out["sms"]["bounced"]) == (2, 1, 1)
    assert out["sms"]["bounce_rate"] == 0.5 and out["letter"]["delivery_rate"] == 1.0


def test_promise_rate_kept_rate_and_amount_kept():
    promises = pl.DataFrame(
        [(1, 1, 1_000, 1_000, "CNY", date(2026, 11, 18), "kept", "u", date(2026, 11, 16)),
         (2, 1, 2_000, 500, "CNY", date(2026, 11, 19), "partial", "u", date(2026, 11, 16)),
         (3, 1, 4_000, 0, "CNY", date(2026, 11, 19), "broken", "u", date(2026, 10, 1)),
         (4, 1, 9_000, 0, "CNY", date(2026, 11, 19), "cancelled", "u", date(2026, 11, 16)),
         (5, 1, 9_000, 0, "CNY", date(2026, 12, 30), "pending", "u", date(2026, 11, 17))],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "amount_minor": pl.Int64,
                "paid_minor": pl.Int64, "currency": pl.String, "due_on": pl.Date,
                "status": pl.String, "taken_by": pl.String, "created_on": pl.Date},
        orient="row",
    )  # fmt: skip
    row = contact.promise_rates(promises, HISTORY, date(2026, 11, 1), date(2026, 11, 30)).row(
        0, named=True
    )
    # Taken in November: 1, 2, 4, 5 (4); RPCs: 1. Due and judged: 1, 2, 3; kept: 1.
    assert (row["promises"], row["rpc"], row["promise_rate"]) == (4, 1, 4.0)
    assert (row["due"], row["kept"], row["kept_rate"]) == (3, 1, pytest.approx(1 / 3))
    assert (row["promised_minor"], row["amount_kept_minor"]) == (7_000, 1_500)


def test_best_time_picks_the_cell_with_the_best_contact_rate_per_segment():
    rows = [
        (i, "call", "out", at(16, 9), "conversation" if i < 4 else "no_answer") for i in range(6)
    ] + [(i, "call", "out", at(16, 14), "no_answer") for i in range(6)]
    out = contact.best_time(interactions(rows, "M2"), minimum=5)
    assert out.select("segment", "channel", "weekday", "hour").row(0) == ("M2", "call", 1, 9)
    assert out["contact_rate"].item() == pytest.approx(4 / 6)
