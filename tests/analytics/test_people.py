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
