"""Hours in every candidate zone, and the person's own inconvenient times."""

from __future__ import annotations

from typing import Any, ClassVar

from tests.compliance.scenario import (
    DENVER_LANDLINE,
    LONDON_MOBILE,
    NY_MOBILE,
    SHANGHAI_MOBILE,
    check,
    finding,
    payload,
    rules,
)

PACIFIC_HOME = {"country": "US", "region": "CA", "city": "San Francisco", "kind": "home"}


class TestUSHours:
    def test_a_call_at_nine_in_the_morning_eastern_is_not_delayed_by_the_hours_rule(self):
        result = check(payload("2026-04-08T09:00:00-04:00"))
        assert not rules(result) & {"US-TIME-01", "US-TIME-02", "US-TIME-02a"}

    def test_a_call_at_seven_fifty_nine_is_delayed_to_eight_local(self):
        result = check(payload("2026-04-08T07:59:00-04:00"))
        assert result["verdict"] == "DELAY"
        assert finding(result, "US-TIME-01")["until"] == "2026-04-08T08:00:00-04:00"
        assert result["until"] == "2026-04-08T08:00:00-04:00"

    def test_twenty_one_hundred_exactly_is_still_convenient(self):
        result = check(payload("2026-04-08T21:00:00-04:00"))
        assert "US-TIME-01" not in rules(result)

    def test_a_call_one_second_after_nine_pm_is_delayed_to_eight_next_morning(self):
        result = check(payload("2026-04-08T21:00:01-04:00"))
        assert finding(result, "US-TIME-01")["until"] == "2026-04-09T08:00:00-04:00"

    def test_letters_emails_and_texts_are_judged_at_dispatch_time(self):
        for channel in ("letter", "email", "sms"):
            result = check(payload("2026-04-08T22:30:00-04:00", channel=channel))
            assert finding(result, "US-TIME-01")["verdict"] == "DELAY", channel


class TestConflictingLocations:
    """cmt 6(b)(1)(i)-2: convenient in every location the information suggests."""

    def test_eastern_mobile_and_pacific_address_open_at_eleven_eastern(self):
        facts = {"addresses": [PACIFIC_HOME]}
        result = check(payload("2026-04-08T10:30:00-04:00", debtor=facts))
        found = finding(result, "US-TIME-02")
        assert found["verdict"] == "DELAY"
        assert found["until"] == "2026-04-08T11:00:00-04:00"

    def test_eastern_mobile_and_pacific_address_allow_a_call_at_eight_thirty_pm_eastern(self):
        result = check(payload("2026-04-08T20:30:00-04:00", debtor={"addresses": [PACIFIC_HOME]}))
        assert "US-TIME-02" not in rules(result)

    def test_eastern_mobile_and_pacific_address_close_at_nine_pm_eastern(self):
        result = check(payload("2026-04-08T21:05:00-04:00", debtor={"addresses": [PACIFIC_HOME]}))
        assert finding(result, "US-TIME-02")["until"] == "2026-04-09T11:00:00-04:00"

    def test_eastern_mobile_and_mountain_landline_open_at_ten_eastern(self):
        phones = [
            {"number": NY_MOBILE, "kind": "mobile", "owner": "debtor"},
            {"number": DENVER_LANDLINE, "kind": "landline", "owner": "debtor"},
        ]
        early = check(payload("2026-04-08T09:30:00-04:00", debtor={"phones": phones}))
        assert finding(early, "US-TIME-02")["until"] == "2026-04-08T10:00:00-04:00"
        fine = check(payload("2026-04-08T10:00:00-04:00", debtor={"phones": phones}))
        assert "US-TIME-02" not in rules(fine)

    def test_stated_zones_replace_what_addresses_and_numbers_suggest(self):
        facts = {"addresses": [PACIFIC_HOME], "time_zones": ["America/New_York"]}
        result = check(payload("2026-04-08T10:30:00-04:00", debtor=facts))
        assert not rules(result) & {"US-TIME-01", "US-TIME-02"}

    def test_zones_that_share_no_window_block_until_the_location_is_clarified(self):
        # Two 13-hour windows always overlap; New York, London and Sydney share no instant.
        facts = {"time_zones": ["America/New_York", "Europe/London", "Australia/Sydney"]}
        result = check(payload("2026-04-08T10:30:00-04:00", debtor=facts))
        found = finding(result, "US-TIME-02")
        assert found["verdict"] == "BLOCK"
        assert "location needs clarification" in found["message"]


class TestNoLocationKnown:
    """US-TIME-02a (DESIGN): the whole US is assumed, and the finding says so."""

    NON_GEOGRAPHIC = "+15005550006"  # a 500 number: the prefix tells no place

    def test_a_non_geographic_number_and_no_address_use_every_us_zone_and_say_so(self):
        facts = {"phones": [{"number": self.NON_GEOGRAPHIC, "kind": "mobile"}]}
        result = check(payload("2026-07-08T12:00:00-04:00", to=self.NON_GEOGRAPHIC, debtor=facts))
        found = finding(result, "US-TIME-02a")
        # 08:00 in Honolulu is 14:00 in New York in July; instants are written in the
        # first conservative zone (New York).
        assert found["until"] == "2026-07-08T14:00:00-04:00"
        assert "No location is known" in found["message"]

    def test_the_conservative_window_in_summer_is_two_pm_to_nine_pm_eastern(self):
        facts = {"phones": []}
        late = check(payload("2026-07-08T21:01:00-04:00", to=self.NON_GEOGRAPHIC, debtor=facts))
        assert finding(late, "US-TIME-02a")["until"] == "2026-07-09T14:00:00-04:00"
        fine = check(payload("2026-07-08T14:00:00-04:00", to=self.NON_GEOGRAPHIC, debtor=facts))
        assert "US-TIME-02a" not in rules(fine)

    def test_in_winter_honolulu_opens_at_one_pm_eastern(self):
        facts = {"phones": []}
        early = check(payload("2026-12-08T12:30:00-05:00", to=self.NON_GEOGRAPHIC, debtor=facts))
        assert finding(early, "US-TIME-02a")["until"] == "2026-12-08T13:00:00-05:00"


class TestChinaHours:
    def test_a_call_at_twenty_one_thirty_beijing_time_is_allowed_by_the_hours_rule(self):
        facts = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}
        result = check(
            payload(
                "2026-04-08T21:30:00+08:00", to=SHANGHAI_MOBILE, jurisdictions=("CN",), debtor=facts
            )
        )
        assert "CN-TIME-01" not in rules(result)

    def test_twenty_two_hundred_beijing_time_is_delayed_to_eight_next_morning(self):
        facts = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}
        result = check(
            payload(
                "2026-04-08T22:00:00+08:00", to=SHANGHAI_MOBILE, jurisdictions=("CN",), debtor=facts
            )
        )
        found = finding(result, "CN-TIME-01")
        assert found["until"] == "2026-04-09T08:00:00+08:00"
        assert found["message_zh"]

    def test_a_debtor_abroad_is_checked_in_their_zone_and_in_beijing_time(self):
        # 10:00 in London is 17:00 in Beijing (fine); 07:00 London is 14:00 Beijing (London
        # says no): the stricter wins.
        facts = {"time_zones": ["Europe/London"]}
        result = check(
            payload(
                "2026-04-08T07:00:00+01:00", to=SHANGHAI_MOBILE, jurisdictions=("CN",), debtor=facts
            )
        )
        assert finding(result, "CN-TIME-01")["until"] == "2026-04-08T08:00:00+01:00"


class TestBritainHours:
    def test_uk_contact_before_eight_london_time_is_delayed_under_the_design_default(self):
        facts = {"phones": [{"number": LONDON_MOBILE, "kind": "mobile"}]}
        result = check(
            payload(
                "2026-04-08T07:30:00+01:00", to=LONDON_MOBILE, jurisdictions=("GB",), debtor=facts
            )
        )
        assert finding(result, "UK-06")["until"] == "2026-04-08T08:00:00+01:00"


class TestWashington:
    def test_a_washington_call_at_seven_forty_five_is_held_by_the_federal_eight_oclock_floor(self):
        facts = {"time_zones": ["America/Los_Angeles"]}
        result = check(
            payload("2026-04-08T07:45:00-07:00", jurisdictions=("US", "US-WA"), debtor=facts)
        )
        assert "WA-01" not in rules(result)  # 07:30 has passed for Washington
        assert finding(result, "US-TIME-01")["until"] == "2026-04-08T08:00:00-07:00"

    def test_a_washington_call_at_seven_is_delayed_by_both_rules(self):
        facts = {"time_zones": ["America/Los_Angeles"]}
        result = check(payload("2026-04-08T07:00:00-07:00", jurisdictions=("US-WA",), debtor=facts))
        assert finding(result, "WA-01")["until"] == "2026-04-08T07:30:00-07:00"
        assert result["until"] == "2026-04-08T08:00:00-07:00"


class TestInconvenientTimes:
    """US-TIME-03: the person's designations, in their local time."""

    TUE_THU: ClassVar[dict[str, Any]] = {
        "days": ["tue", "thu"],
        "from": "00:00",
        "to": "24:00",
        "until": "2026-12-31",
    }

    def test_a_designated_day_delays_to_the_end_of_the_interval(self):
        facts = {"inconvenient_times": [self.TUE_THU]}
        result = check(payload("2026-04-09T10:00:00-04:00", debtor=facts))  # a Thursday
        found = finding(result, "US-TIME-03")
        assert found["until"] == "2026-04-10T00:00:00-04:00"
        # ... and the release at midnight is re-checked against the hours: 08:00 Friday.
        assert result["until"] == "2026-04-10T08:00:00-04:00"

    def test_a_day_outside_the_designation_is_not_affected(self):
        facts = {"inconvenient_times": [self.TUE_THU]}
        result = check(payload("2026-04-08T10:00:00-04:00", debtor=facts))  # a Wednesday
        assert "US-TIME-03" not in rules(result)

    def test_a_designation_ends_on_its_until_date(self):
        facts = {"inconvenient_times": [{**self.TUE_THU, "until": "2026-04-01"}]}
        result = check(payload("2026-04-09T10:00:00-04:00", debtor=facts))
        assert "US-TIME-03" not in rules(result)

    def test_adjacent_designations_are_followed_to_the_first_free_time(self):
        weekdays = {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}
        evenings = {"days": ["wed"], "from": "17:00", "to": "20:00"}
        facts = {"inconvenient_times": [weekdays, evenings]}
        result = check(payload("2026-04-08T10:00:00-04:00", debtor=facts))
        assert finding(result, "US-TIME-03")["until"] == "2026-04-08T20:00:00-04:00"

    def test_an_overnight_designation_wraps_past_midnight(self):
        nights = {"days": ["wed"], "from": "19:00", "to": "09:30"}
        result = check(
            payload("2026-04-09T08:30:00-04:00", debtor={"inconvenient_times": [nights]})
        )
        assert finding(result, "US-TIME-03")["until"] == "2026-04-09T09:30:00-04:00"

    def test_a_release_from_the_frequency_cap_that_lands_on_a_designated_day_moves_on(self):
        from tests.compliance.scenario import calls

        history = calls([f"2026-04-0{d}" for d in range(2, 9)])
        facts = {"inconvenient_times": [{"days": ["thu"], "from": "00:00", "to": "24:00"}]}
        result = check(payload("2026-04-08T15:00:00-04:00", debtor=facts, history=history))
        assert finding(result, "US-FREQ-01")["verdict"] == "DELAY"
        # The 7-in-7 release is Thu 9 Apr 08:00, a designated day: Friday 08:00.
        assert result["verdict"] == "DELAY"
        assert result["until"] == "2026-04-10T08:00:00-04:00"

    def test_every_time_designated_blocks_rather_than_delays_forever(self):
        always = {"days": [], "from": "00:00", "to": "24:00"}
        result = check(
            payload("2026-04-08T10:00:00-04:00", debtor={"inconvenient_times": [always]})
        )
        assert finding(result, "US-TIME-03")["verdict"] == "BLOCK"

    def test_one_reply_to_the_persons_own_contact_may_go_at_their_inconvenient_time(self):
        facts = {"inconvenient_times": [self.TUE_THU]}
        inbound = [
            {
                "at": "2026-04-09T09:00:00-04:00",
                "channel": "email",
                "direction": "in",
                "to": "jo@example.com",
                "outcome": "delivered",
            }
        ]
        result = check(
            payload(
                "2026-04-09T10:00:00-04:00",
                channel="email",
                to="jo@example.com",
                purpose="reply",
                debtor=facts,
                history=inbound,
            )
        )
        assert "US-TIME-03" not in rules(result)
