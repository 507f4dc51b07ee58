"""Properties of the time rules, checked against the IANA database with zoneinfo.

Hypothesis draws instants (often near daylight-saving changes: US 2026-03-08 and
2026-11-01, UK 2026-03-29 and 2026-10-25) and sets of candidate zones (Arizona
and Hawaii without DST, Alaska, Shanghai, London ...). Each example is a frame of
many contacts evaluated at once, as the planner would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.compliance.scenario import books

from arrears.compliance.engine import evaluate
from arrears.compliance.model import CONTACTS, HISTORY
from arrears.compliance.zones import local_dates

ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "Asia/Shanghai",
    "Europe/London",
]
DST_DAYS = [date(2026, 3, 8), date(2026, 11, 1), date(2026, 3, 29), date(2026, 10, 25)]
START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)

near_dst = st.builds(
    lambda day, minutes: datetime.combine(day, time(0), UTC) + timedelta(minutes=minutes),
    st.sampled_from(DST_DAYS),
    st.integers(-36 * 60, 60 * 60),
)
any_time = st.datetimes(
    min_value=START.replace(tzinfo=None), max_value=END.replace(tzinfo=None), timezones=st.just(UTC)
)
instants = st.one_of(near_dst, any_time)
zone_sets = st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True)


def frame(rows: list[tuple[datetime, list[str]]], jurisdiction: str) -> pl.DataFrame:
    n = len(rows)
    data: dict[str, Any] = {name: [None] * n for name in CONTACTS}
    data.update(
        contact_id=list(range(n)),
        person=[f"p{i}" for i in range(n)],
        now=[r[0] for r in rows],
        zones=[r[1] for r in rows],
        zones_known=[True] * n,
        jurisdictions=[[jurisdiction]] * n,
        channel=["letter"] * n,
        to=["home"] * n,
        debt=["D"] * n,
    )
    return pl.DataFrame(data, schema=CONTACTS)


def inside(instant: datetime, zone: str, opens: time, closes: time, inclusive: bool) -> bool:
    local = instant.astimezone(ZoneInfo(zone)).time()
    return opens <= local and (local <= closes if inclusive else local < closes)


def hours_findings(result: Any, prefix: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    rows = result.findings.filter(pl.col("rule").is_in(list(prefix))).to_dicts()
    return {row["contact_id"]: row for row in rows}


def check_window(
    rows: list[tuple[datetime, list[str]]],
    jurisdiction: str,
    rules: tuple[str, ...],
    opens: time,
    closes: time,
    inclusive: bool,
) -> None:
    result = evaluate(frame(rows, jurisdiction), pl.DataFrame(schema=HISTORY), books())
    found = hours_findings(result, rules)
    for i, (now, zones) in enumerate(rows):
        ok = [inside(now, z, opens, closes, inclusive) for z in zones]
        hit = found.get(i)
        if hit is None:
            assert all(ok), (now, zones)  # no ALLOW outside any candidate zone's window
            continue
        assert not all(ok), (now, zones)
        if hit["verdict"] == "DELAY":
            until = hit["until"]
            assert until > now
            assert all(inside(until, z, opens, closes, inclusive) for z in zones), (now, zones)
            before = until - timedelta(microseconds=1)
            assert not all(inside(before, z, opens, closes, inclusive) for z in zones)
        else:
            assert hit["verdict"] == "BLOCK"
            steps = (now + timedelta(minutes=15 * k) for k in range(4 * 48))
            assert not any(
                all(inside(t, z, opens, closes, inclusive) for z in zones) for t in steps
            )


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(instants, zone_sets), min_size=1, max_size=40))
def test_no_us_contact_is_allowed_outside_eight_to_nine_in_any_candidate_zone(
    rows: list[tuple[datetime, list[str]]],
) -> None:
    check_window(rows, "US", ("US-TIME-01", "US-TIME-02", "US-TIME-02a"), time(8), time(21), True)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(instants, zone_sets), min_size=1, max_size=40))
def test_no_chinese_contact_is_allowed_outside_eight_to_ten_pm_beijing_and_local_time(
    rows: list[tuple[datetime, list[str]]],
) -> None:
    with_beijing = [(now, list(dict.fromkeys([*zones, "Asia/Shanghai"]))) for now, zones in rows]
    result = evaluate(frame(rows, "CN"), pl.DataFrame(schema=HISTORY), books())
    found = hours_findings(result, ("CN-TIME-01",))
    for i, (now, zones) in enumerate(with_beijing):
        ok = all(inside(now, z, time(8), time(22), False) for z in zones)
        assert ok == (i not in found), (now, zones)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(instants, zone_sets), min_size=1, max_size=40))
def test_uk_contacts_keep_the_design_default_window(rows: list[tuple[datetime, list[str]]]) -> None:
    check_window(rows, "GB", ("UK-06",), time(8), time(21), True)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(instants, st.sampled_from(ZONES)), min_size=1, max_size=200))
def test_local_dates_agree_with_the_zone_database(rows: list[tuple[datetime, str]]) -> None:
    data = pl.DataFrame(
        {"at": [r[0] for r in rows], "zone": [r[1] for r in rows]},
        schema={"at": pl.Datetime("us", "UTC"), "zone": pl.String()},
    )
    got = local_dates(data, "at", "zone").to_list()
    assert got == [at.astimezone(ZoneInfo(zone)).date() for at, zone in rows]


class TestDaylightSavingDays:
    """Fixed cases on the change days, for the record."""

    def test_eight_am_on_us_spring_forward_day_is_twelve_utc(self):
        rows = [(datetime(2026, 3, 8, 11, 59, tzinfo=UTC), ["America/New_York"])]
        result = evaluate(frame(rows, "US"), pl.DataFrame(schema=HISTORY), books())
        hit = hours_findings(result, ("US-TIME-01",))[0]
        assert hit["until"] == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)

    def test_phoenix_and_new_york_share_ten_to_nine_eastern_in_summer_only(self):
        summer = [
            (datetime(2026, 7, 1, 13, 30, tzinfo=UTC), ["America/New_York", "America/Phoenix"])
        ]
        winter = [
            (datetime(2026, 12, 1, 14, 30, tzinfo=UTC), ["America/New_York", "America/Phoenix"])
        ]
        s = hours_findings(
            evaluate(frame(summer, "US"), pl.DataFrame(schema=HISTORY), books()), ("US-TIME-02",)
        )[0]
        w = hours_findings(
            evaluate(frame(winter, "US"), pl.DataFrame(schema=HISTORY), books()), ("US-TIME-02",)
        )[0]
        # 08:00 in Phoenix (UTC-7) is 11:00 EDT in July and 10:00 EST in December.
        assert s["until"] == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)
        assert w["until"] == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)

    def test_london_on_the_day_clocks_go_back_opens_at_eight_local(self):
        rows = [(datetime(2026, 10, 25, 6, 0, tzinfo=UTC), ["Europe/London"])]
        result = evaluate(frame(rows, "GB"), pl.DataFrame(schema=HISTORY), books())
        assert hours_findings(result, ("UK-06",))[0]["until"] == datetime(
            2026, 10, 25, 8, 0, tzinfo=UTC
        )


def test_hawaii_and_new_york_share_one_pm_to_nine_pm_eastern_in_winter() -> None:
    rows = [(datetime(2026, 12, 1, 17, 30, tzinfo=UTC), ["America/New_York", "Pacific/Honolulu"])]
    result = evaluate(frame(rows, "US"), pl.DataFrame(schema=HISTORY), books())
    # 12:30 EST is 07:30 in Honolulu (UTC-10, no DST): open at 08:00 HST = 13:00 EST.
    hit = hours_findings(result, ("US-TIME-02",))[0]
    assert hit["until"] == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
