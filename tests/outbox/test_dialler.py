"""The dialler list: windows that are open in every zone the debtor may be in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from arrears.compliance.rulebooks import load_rulebooks
from arrears.outbox.dialler import call_window, dial_url, dialler_rows, hours_for, to_csv

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 20)
BOOKS = load_rulebooks(ROOT / "config" / "rulebooks")


def test_the_window_is_the_calling_hours_in_the_debtors_zone():
    window = call_window(DAY, ["America/New_York"], ("08:00", "21:00"), None)
    assert window is not None
    assert (window.start, window.end) == (
        datetime(2026, 11, 20, 13, 0, tzinfo=UTC), datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
    )  # fmt: skip
    assert window.local() == "08:00-21:00 America/New_York"


def test_two_candidate_zones_narrow_the_window_never_widen_it():
    window = call_window(DAY, ["America/New_York", "America/Los_Angeles"], ("08:00", "21:00"), None)
    assert window is not None
    assert window.start == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # 08:00 in Los Angeles
    assert window.end == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 21:00 in New York


def test_the_plans_not_before_moves_the_start():
    later = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    window = call_window(DAY, ["America/New_York"], ("08:00", "21:00"), later)
    assert window is not None and window.start == later


def test_hours_come_from_the_rulebooks_and_the_state_overlay_wins():
    assert hours_for("US", BOOKS) == ("08:00", "21:00")
    assert hours_for("US-WA", BOOKS) != hours_for("US", BOOKS)  # WA: at home 08:00-20:00


def test_rows_are_ranked_with_a_click_to_call_link_and_closed_calls_counted():
    calls = [
        {"client_code": "acme", "account_ref": "A1", "debtor_name": "Ann Lee",
         "contact_to": "+12025550100", "jurisdiction": "US", "time_zones": ["America/New_York"],
         "not_before": None, "priority": 0.9, "template": "us_call_script_mini_miranda"},
        {"client_code": "acme", "account_ref": "A2", "debtor_name": "Bo Li",
         "contact_to": "+12025550101", "jurisdiction": "US", "time_zones": ["America/New_York"],
         "not_before": datetime(2026, 11, 21, 3, 0, tzinfo=UTC), "priority": 0.5},
    ]  # fmt: skip
    rows, closed = dialler_rows(calls, DAY, BOOKS, hook="tel:{number}")
    assert [r["account_ref"] for r in rows] == ["A1"] and closed == 1
    assert rows[0]["dial_url"] == "tel:+12025550100"
    assert to_csv(rows).splitlines()[0].startswith("rank,client,account_ref")
    assert dial_url(None, "+1") == ""
