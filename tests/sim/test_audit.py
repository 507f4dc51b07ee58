"""The simulator's audit of calls: the calls recorded must be exactly those the gate allowed."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from arrears.sim.simulator.audit import AuditTally, check_calls, count

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def calls(rows: list[tuple[int, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(a, "call", to) for a, to in rows], schema=["account_id", "channel", "to"], orient="row"
    )


def test_calls_recorded_as_the_gate_allowed_are_judged_and_clean() -> None:
    tally = AuditTally()
    allowed = calls([(1, "+8613800000001"), (2, "+8613800000002")])
    check_calls(tally, allowed, allowed, NOW)
    assert (tally.checked, tally.violations) == (2, 0)


def test_a_call_the_gate_did_not_allow_is_a_violation() -> None:
    tally = AuditTally()
    allowed = calls([(1, "+8613800000001")])
    recorded = calls([(1, "+8613800000001"), (2, "+8613800000002")])  # account 2 was blocked
    check_calls(tally, recorded, allowed, NOW)
    assert (tally.checked, tally.violations) == (2, 1)
    other_number = calls([(1, "+8613800000009")])
    check_calls(tally, other_number, allowed, NOW)
    assert tally.violations == 2 and tally.examples[-1].startswith(NOW.isoformat())


def test_the_audit_of_messages_counts_blocks_and_delays_and_reviews_apart() -> None:
    tally = AuditTally()
    judged = pl.DataFrame({
        "verdict": ["ALLOW", "BLOCK", "DELAY", "REVIEW"],
        "rules": [[], ["CN-TIME-01"], ["US-FREQ-02"], []], "stop_reason": [None] * 4,
    }, schema_overrides={"stop_reason": pl.String})  # fmt: skip
    count(tally, judged, NOW)
    assert (tally.checked, tally.violations, tally.reviews) == (4, 2, 1)
    assert tally.rules == {"CN-TIME-01": 1, "US-FREQ-02": 1}
