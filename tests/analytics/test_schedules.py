"""When scheduled reports are due: daily, weekly, monthly slots at a local time, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from arrears.analytics.schedules import Cadence, next_slot, parse_weekday, period_end
from arrears.errors import InvalidInput


def test_a_daily_slot_is_the_next_local_time_in_its_zone():
    shanghai = Cadence("daily", time(7, 30), "Asia/Shanghai")
    # 23:00 UTC on the 23rd is 07:00 on the 24th in Shanghai: 07:30 is still to come that day.
    assert next_slot(shanghai, datetime(2026, 11, 23, 23, 0, tzinfo=UTC)) == datetime(
        2026, 11, 23, 23, 30, tzinfo=UTC)  # fmt: skip
    assert next_slot(shanghai, datetime(2026, 11, 23, 23, 30, tzinfo=UTC)) == datetime(
        2026, 11, 24, 23, 30, tzinfo=UTC)  # fmt: skip


def test_a_weekly_slot_falls_on_its_weekday_and_a_monthly_one_on_the_last_day_when_short():
    monday = Cadence("weekly", time(8, 0), "Europe/London", weekday=parse_weekday("mon"))
    slot = next_slot(monday, datetime(2026, 11, 25, 12, tzinfo=UTC))  # a Wednesday
    assert slot == datetime(2026, 11, 30, 8, 0, tzinfo=UTC) and slot.weekday() == 0
    month_end = Cadence("monthly", time(6, 0), "UTC", day=31)
    february, march = datetime(2027, 2, 28, 6, tzinfo=UTC), datetime(2027, 3, 31, 6, tzinfo=UTC)
    assert next_slot(month_end, datetime(2027, 2, 1, tzinfo=UTC)) == february
    assert next_slot(month_end, datetime(2027, 2, 28, 7, tzinfo=UTC)) == march


def test_local_time_is_kept_across_a_daylight_saving_change():
    new_york = Cadence("daily", time(9, 0), "America/New_York")
    before = next_slot(new_york, datetime(2027, 3, 13, 12, tzinfo=UTC))
    after = next_slot(new_york, before)
    assert before == datetime(2027, 3, 13, 14, 0, tzinfo=UTC)  # 09:00 EST (UTC-5)
    assert after == datetime(2027, 3, 14, 13, 0, tzinfo=UTC)  # 09:00 EDT (UTC-4), clocks moved
    assert period_end(new_york, after) == date(2027, 3, 13)


@pytest.mark.parametrize(("kind", "weekday", "day", "zone", "problem"), [
    ("hourly", None, None, "UTC", "cadence"),
    ("weekly", None, None, "UTC", "--weekday"),
    ("monthly", None, 32, "UTC", "1 to 31"),
    ("daily", None, None, "Mars/Olympus", "time zone"),
])  # fmt: skip
def test_a_bad_schedule_says_what_is_wrong(kind, weekday, day, zone, problem):
    with pytest.raises(InvalidInput, match=problem):
        Cadence(kind, time(7), zone, weekday, day)
