"""Collector and team productivity against the team's daily targets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from arrears.analytics.measures import people

START, END = date(2026, 11, 16), date(2026, 11, 22)  # Monday to Sunday: 5 working days
STAFF = pl.DataFrame(
    [(7, "li", "collector", 1, "east", '{"calls_per_day": 10, "rpc_per_day": 2, '
      '"promises_per_day": 1}'),
     (8, "wang", "collector", 1, "east", '{"calls_per_day": 10, "rpc_per_day": 2, '
      '"promises_per_day": 1}'),
     (9, "boss", "admin", None, None, None)],
    schema={"user_id": pl.Int64, "username": pl.String, "role": pl.String,
            "team_id": pl.Int64, "team": pl.String, "targets": pl.String},
    orient="row",
)  # fmt: skip


def test_productivity_against_targets():
    at = datetime(2026, 11, 17, 3, tzinfo=UTC)
    calls = pl.DataFrame(
        [(1, "call", "out", at, 7, "conversation")] * 3 + [(1, "call", "out", at, 7, "busy")] * 22
        + [(2, "call", "out", at, 8, "no_answer")] * 5 + [(2, "sms", "out", at, 8, "delivered")],
        schema={"account_id": pl.Int64, "channel": pl.String, "direction": pl.String,
                "occurred_at": pl.Datetime("us", "UTC"), "user_id": pl.Int64,
                "outcome": pl.String}, orient="row",
    ).with_columns(pl.lit(None, pl.String).alias("status"))  # fmt: skip
    promises = pl.DataFrame(
        {"taken_by": ["li", "li", "wang", "li"],
         "created_on": [date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 18),
                        date(2026, 11, 1)]}
    )  # fmt: skip
    out = people.productivity(people.calls_by_collector(calls), promises, STAFF, START, END)
    li = out.filter(pl.col("username") == "li").row(0, named=True)
    assert (li["calls"], li["rpc"], li["promises"]) == (25, 3, 2)
    assert (li["calls_target"], li["rpc_target"], li["promises_target"]) == (50, 10, 5)
    assert li["calls_attainment"] == pytest.approx(0.5)
    assert out["username"].to_list() == ["li", "wang"]  # admins have no targets here
    team = people.team_productivity(out).row(0, named=True)
    assert (team["collectors"], team["calls"], team["calls_target"]) == (2, 30, 100)
    assert team["calls_attainment"] == pytest.approx(0.3)


def test_collected_against_the_teams_daily_target():
    """Team east's target is 1,000.00 CNY a working day: 5,000.00 over the 5 working days of
    the week. li collects 3,000.00 and 200.00 USD (no USD target), less a 500.00 reversal;
    wang nothing: 2,500.00 of 5,000.00 (50 %), USD 200.00 without a target, and 0 %."""
    target = '{"collected_per_day": {"CNY": 100000}}'
    staff = pl.DataFrame(
        [(7, "li", "collector", 1, "east", target), (8, "wang", "collector", 1, "east", target),
         (9, "boss", "admin", None, None, None)],
        schema=STAFF.schema, orient="row",
    )  # fmt: skip
    paid = pl.DataFrame(
        [(7, "CNY", 300_000), (7, "USD", 20_000), (7, "CNY", -50_000), (None, "CNY", 70_000)],
        schema={"user_id": pl.Int64, "currency": pl.String, "amount_minor": pl.Int64},
        orient="row",
    )  # fmt: skip
    by = people.collected_by_collector(paid)
    out = people.collected_against_target(by, staff, START, END)
    rows = out.select("username", "currency", "collected_minor", "collected_target_minor",
                      "collected_attainment").rows()  # fmt: skip
    assert rows == [("li", "CNY", 250_000, 500_000, 0.5), ("li", "USD", 20_000, None, None),
                    ("wang", "CNY", 0, 500_000, 0.0)]  # fmt: skip
