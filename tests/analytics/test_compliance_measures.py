"""Suppressed actions by rule, overrides, disputes with their age, complaints."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from arrears.analytics.measures import compliance


def test_suppression_by_rule_with_shares():
    actions = pl.DataFrame(
        {"client_id": [1] * 4, "status": ["planned", "suppressed", "suppressed", "suppressed"],
         "suppressed_by": [None, "reg-f-7in7", "reg-f-7in7", "capacity"]}
    )  # fmt: skip
    out = compliance.suppression(actions)
    rows = {
        (r["status"], r["suppressed_by"]): (r["actions"], r["share"])
        for r in out.iter_rows(named=True)
    }
    assert rows == {("planned", None): (1, 0.25), ("suppressed", "reg-f-7in7"): (2, 0.5),
                    ("suppressed", "capacity"): (1, 0.25)}  # fmt: skip


def test_dispute_ages_count_open_ones_to_today_and_resolved_ones_to_their_end():
    def t(day: int) -> datetime:
        return datetime(2026, 11, day, 8, tzinfo=UTC)

    disputes = pl.DataFrame(
        [(1, 1, "not_mine", "open", t(1), None), (2, 1, "not_mine", "open", t(11), None),
         (3, 1, "amount", "upheld", t(1), t(5))],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "reason": pl.String,
                "status": pl.String, "opened_at": pl.Datetime("us", "UTC"),
                "resolved_at": pl.Datetime("us", "UTC")}, orient="row",
    )  # fmt: skip
    out = compliance.dispute_ages(disputes, date(2026, 11, 21))
    rows = {(r["reason"], r["status"]): r for r in out.iter_rows(named=True)}
    assert (rows[("not_mine", "open")]["disputes"], rows[("not_mine", "open")]["oldest_days"]) == (
        2,
        20,
    )
    assert rows[("not_mine", "open")]["median_days"] == 15
    assert rows[("amount", "upheld")]["oldest_days"] == 4


def test_overrides_and_complaints():
    decided = pl.DataFrame(
        {"decided_at": [datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC),
                        datetime(2026, 11, 3, tzinfo=UTC)],
         "client_id": [1, 1, 1], "decision": ["approved", "refused", "approved"],
         "decided_role": ["compliance"] * 3,
         "reason": ["debtor asked for a call", "no consent", "callback requested"]}
    )  # fmt: skip
    assert compliance.overrides(decided)["reason"].to_list() == [
        "no consent", "debtor asked for a call", "callback requested"]  # fmt: skip
    assert compliance.override_counts(decided).rows() == [
        (1, "approved", "compliance", 2),
        (1, "refused", "compliance", 1),
    ]
    calls = pl.DataFrame({"client_id": [1, 1, 1], "channel": ["call", "call", "email"],
                          "outcome": ["complaint", "conversation", "complaint"],
                          "occurred_at": [datetime(2026, 11, 20, 9, tzinfo=UTC)] * 3})  # fmt: skip
    assert compliance.complaints(calls, date(2026, 11, 23)).rows() == [
        (1, "call", 1, 3.0, 3), (1, "email", 1, 3.0, 3)]  # fmt: skip


def test_complaints_are_counted_with_their_age_from_rows_or_a_cube():
    """Three call complaints on the 1st, 10th and 20th, one e-mail on the 22nd; on the 23rd
    their ages are 22, 13, 3 (median 13, oldest 22) and 1. The cube's rows (by day, n each)
    give the same: the 10th's row stands for two complaints, so the median is 13 of 22, 13,
    13 and 3 (13.0)."""
    at = [datetime(2026, 11, d, 9, tzinfo=UTC) for d in (1, 10, 20, 22)]
    rows = pl.DataFrame({"client_id": [1] * 4, "channel": ["call", "call", "call", "email"],
                         "outcome": ["complaint"] * 4, "occurred_at": at})  # fmt: skip
    assert compliance.complaints(rows, date(2026, 11, 23)).rows() == [
        (1, "call", 3, 13.0, 22), (1, "email", 1, 1.0, 1)]  # fmt: skip
    cube = pl.DataFrame({"client_id": [1, 1, 1], "channel": ["call"] * 3,
                         "outcome": ["complaint"] * 3,
                         "day": [date(2026, 11, 1), date(2026, 11, 10), date(2026, 11, 20)],
                         "n": [1, 2, 1]})  # fmt: skip
    assert compliance.complaints(cube, date(2026, 11, 23)).rows() == [(1, "call", 4, 13.0, 22)]
