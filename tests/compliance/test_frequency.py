"""Call frequency: Reg F 7-in-7 and the week after a conversation, MA, WA, China."""

from __future__ import annotations

from typing import Any, ClassVar

from tests.compliance.scenario import (
    NY_MOBILE,
    SHANGHAI_MOBILE,
    calls,
    check,
    finding,
    findings,
    payload,
    rules,
)

APRIL_1_TO_7 = [f"2026-04-0{d}" for d in range(1, 8)]


class TestSevenInSeven:
    """12 CFR 1006.14(b)(2)(i)(A) (US-FREQ-01), official examples of cmt 14(b)(2)."""

    def test_seven_calls_april_first_to_seventh_then_a_call_on_the_eighth_is_allowed(self):
        # cmt 14(b)(2)(i)-1.i: the call on April 8 does not exceed the frequency.
        result = check(payload("2026-04-08T10:00:00-04:00", history=calls(APRIL_1_TO_7)))
        assert "US-FREQ-01" not in rules(result)
        assert result["verdict"] not in ("DELAY", "BLOCK")

    def test_an_eighth_call_within_april_first_to_seventh_is_delayed(self):
        # cmt 14(b)(2)(ii)-1.i: 8 calls within 7 consecutive days is presumed a violation.
        result = check(payload("2026-04-07T15:00:00-04:00", history=calls(APRIL_1_TO_7)))
        found = finding(result, "US-FREQ-01")
        assert found["verdict"] == "DELAY"
        assert found["until"] == "2026-04-08T08:00:00-04:00"
        assert "7 counted calls about debt A1" in found["message"]

    def test_seven_calls_in_the_seven_days_to_the_eighth_delay_to_the_ninth_at_eight(self):
        # The contact-check format's own example.
        history = calls([f"2026-04-0{d}" for d in range(2, 9)], at="08:30:00-04:00")
        result = check(payload("2026-04-08T09:15:00-04:00", history=history))
        assert finding(result, "US-FREQ-01")["until"] == "2026-04-09T08:00:00-04:00"
        assert result["until"] == "2026-04-09T08:00:00-04:00"

    def test_calls_are_counted_per_debt(self):
        history = calls(APRIL_1_TO_7)
        for event in history:
            event["debt"] = "B2"
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" not in rules(result)

    def test_a_call_that_names_no_debt_counts_for_every_debt(self):
        history = calls(APRIL_1_TO_7)
        for event in history:
            event["debt"] = None
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" in rules(result)

    def test_texts_and_emails_do_not_count_toward_seven_in_seven(self):
        history = calls(APRIL_1_TO_7)
        for event in history:
            event["channel"] = "sms"
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" not in rules(result)

    def test_voicemails_count_as_calls(self):
        history = calls(APRIL_1_TO_7, outcome="limited_content_message")
        for event in history:
            event["channel"] = "voicemail"
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" in rules(result)

    def test_a_text_is_not_limited_by_the_call_counter(self):
        result = check(
            payload("2026-04-07T15:00:00-04:00", channel="sms", history=calls(APRIL_1_TO_7))
        )
        assert "US-FREQ-01" not in rules(result)


class TestExclusions:
    def test_busy_and_not_in_service_calls_are_not_counted(self):
        # 1006.14(b)(3)(ii), cmt 14(b)(3)(ii)-1.
        history = calls(APRIL_1_TO_7[:4], outcome="busy") + calls(
            APRIL_1_TO_7[4:], outcome="not_in_service"
        )
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" not in rules(result)

    def test_misdirected_calls_monday_and_wednesday_count_zero_for_the_person(self):
        # cmt 14(b)(2)(i)-3: the number turned out to be someone else's.
        wrong = "+12125550199"
        phones = [
            {"number": NY_MOBILE, "kind": "mobile", "owner": "debtor"},
            {"number": wrong, "kind": "mobile", "owner": "third_party"},
        ]
        history = calls(APRIL_1_TO_7, to=wrong)
        result = check(
            payload("2026-04-07T15:00:00-04:00", debtor={"phones": phones}, history=history)
        )
        assert "US-FREQ-01" not in rules(result)

    def test_calls_to_the_attorney_are_not_counted(self):
        history = calls(APRIL_1_TO_7, to="+12125550177", counterparty="attorney")
        result = check(payload("2026-04-07T15:00:00-04:00", history=history))
        assert "US-FREQ-01" not in rules(result)

    def test_a_call_on_the_date_the_person_asked_to_be_called_is_not_limited(self):
        # 1006.14(b)(3)(i) (US-FREQ-03): consent given directly for that date.
        facts = {"consents": [{"kind": "call_on_date", "date": "2026-04-07"}]}
        result = check(
            payload("2026-04-07T15:00:00-04:00", debtor=facts, history=calls(APRIL_1_TO_7))
        )
        assert "US-FREQ-01" not in rules(result)

    def test_calls_placed_on_a_consented_date_do_not_count_later(self):
        facts = {"consents": [{"kind": "call_on_date", "date": "2026-04-07"}]}
        history = calls(APRIL_1_TO_7) + calls(["2026-04-07"], at="11:00:00-04:00")
        result = check(payload("2026-04-08T10:00:00-04:00", debtor=facts, history=history))
        assert "US-FREQ-01" not in rules(result)

    def test_consent_for_a_date_does_not_make_an_inconvenient_hour_convenient(self):
        facts = {"consents": [{"kind": "call_on_date", "date": "2026-04-07"}]}
        result = check(payload("2026-04-07T22:00:00-04:00", debtor=facts))
        assert finding(result, "US-TIME-01")["verdict"] == "DELAY"

    def test_the_consent_ends_with_a_conversation_that_day(self):
        facts = {"consents": [{"kind": "call_on_date", "date": "2026-04-07"}]}
        history = calls(["2026-04-07"], at="09:00:00-04:00", outcome="conversation")
        result = check(payload("2026-04-07T15:00:00-04:00", debtor=facts, history=history))
        assert finding(result, "US-FREQ-02")["verdict"] == "DELAY"


class TestAfterConversation:
    """1006.14(b)(2)(i)(B) (US-FREQ-02), cmt 14(b)(2)(i)-1.ii."""

    TALK = calls(["2026-08-13"], at="11:00:00-04:00", outcome="conversation")  # a Thursday

    def test_a_conversation_thursday_august_13_allows_a_call_thursday_august_20(self):
        result = check(payload("2026-08-20T09:00:00-04:00", history=self.TALK))
        assert "US-FREQ-02" not in rules(result)

    def test_a_call_on_august_19_is_delayed_to_august_20_at_eight(self):
        result = check(payload("2026-08-19T18:00:00-04:00", history=self.TALK))
        found = finding(result, "US-FREQ-02")
        assert found["until"] == "2026-08-20T08:00:00-04:00"

    def test_a_conversation_the_person_started_counts_too(self):
        inbound = [{**self.TALK[0], "direction": "in"}]
        result = check(payload("2026-08-14T10:00:00-04:00", history=inbound))
        assert "US-FREQ-02" in rules(result)

    def test_a_same_day_callback_after_a_conversation_is_delayed(self):
        result = check(payload("2026-08-13T15:00:00-04:00", history=self.TALK))
        assert finding(result, "US-FREQ-02")["until"] == "2026-08-20T08:00:00-04:00"

    def test_the_conversation_bar_does_not_stop_a_letter(self):
        result = check(
            payload(
                "2026-08-14T10:00:00-04:00", channel="letter", to="1 Main St", history=self.TALK
            )
        )
        assert "US-FREQ-02" not in rules(result)


class TestRapidSuccession:
    def test_a_second_call_to_the_same_number_within_five_minutes_goes_to_review(self):
        history = calls(["2026-04-08"], at="10:00:00-04:00")
        result = check(payload("2026-04-08T10:03:00-04:00", history=history))
        assert finding(result, "US-FREQ-08")["verdict"] == "REVIEW"


class TestMassachusetts:
    """209 CMR 18.16(1)(d) (MA-01): 2 calls or texts per debt in 7 days to home or cell."""

    def test_a_third_call_or_text_in_seven_days_is_delayed(self):
        history = calls(["2026-04-03"])
        history += [{**calls(["2026-04-06"])[0], "channel": "sms", "outcome": "delivered"}]
        result = check(
            payload("2026-04-08T10:00:00-04:00", jurisdictions=("US", "US-MA"), history=history)
        )
        found = finding(result, "MA-01")
        assert found["until"] == "2026-04-10T08:00:00-04:00"

    def test_two_earlier_calls_more_than_seven_days_ago_do_not_count(self):
        history = calls(["2026-03-30", "2026-03-31"])
        result = check(
            payload("2026-04-08T10:00:00-04:00", jurisdictions=("US-MA",), history=history)
        )
        assert "MA-01" not in rules(result)

    def test_the_massachusetts_cap_applies_only_with_the_overlay(self):
        history = calls(["2026-04-03", "2026-04-06"])
        result = check(payload("2026-04-08T10:00:00-04:00", history=history))
        assert "MA-01" not in rules(result)


class TestWashington:
    def test_a_fourth_contact_in_a_week_is_delayed(self):
        history = calls(["2026-04-03", "2026-04-05", "2026-04-07"])
        facts = {"time_zones": ["America/Los_Angeles"]}
        result = check(
            payload(
                "2026-04-08T10:00:00-07:00",
                jurisdictions=("US", "US-WA"),
                debtor=facts,
                history=history,
            )
        )
        assert finding(result, "WA-01")["until"] == "2026-04-10T08:00:00-07:00"


class TestChinaDailyCaps:
    FACTS: ClassVar[dict[str, Any]] = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}

    def cn_calls(self, n: int, outcome: str) -> list[dict[str, object]]:
        return [
            {
                "at": f"2026-04-08T0{9 + i // 6}:{(i % 6) * 10:02d}:00+08:00",
                "channel": "call",
                "direction": "out",
                "to": SHANGHAI_MOBILE,
                "debt": "A1",
                "outcome": outcome,
            }
            for i in range(n)
        ]

    def test_a_seventh_unanswered_attempt_the_same_day_waits_for_eight_next_morning(self):
        result = check(
            payload(
                "2026-04-08T15:00:00+08:00",
                to=SHANGHAI_MOBILE,
                jurisdictions=("CN",),
                debtor=self.FACTS,
                history=self.cn_calls(6, "no_answer"),
            )
        )
        found = finding(result, "CN-FREQ-01")
        assert found["until"] == "2026-04-09T08:00:00+08:00"
        assert "未接通" in found["message_zh"]

    def test_six_unanswered_attempts_leave_room_for_none_but_five_leave_one(self):
        result = check(
            payload(
                "2026-04-08T15:00:00+08:00",
                to=SHANGHAI_MOBILE,
                jurisdictions=("CN",),
                debtor=self.FACTS,
                history=self.cn_calls(5, "no_answer"),
            )
        )
        assert "CN-FREQ-01" not in rules(result)

    def test_three_connected_calls_in_a_day_stop_further_dials_until_tomorrow(self):
        result = check(
            payload(
                "2026-04-08T15:00:00+08:00",
                to=SHANGHAI_MOBILE,
                jurisdictions=("CN",),
                debtor=self.FACTS,
                history=self.cn_calls(3, "conversation"),
            )
        )
        assert finding(result, "CN-FREQ-02")["until"] == "2026-04-09T08:00:00+08:00"

    def test_yesterdays_attempts_do_not_count_today(self):
        history = self.cn_calls(6, "no_answer")
        for event in history:
            event["at"] = str(event["at"]).replace("2026-04-08", "2026-04-07")
        result = check(
            payload(
                "2026-04-08T09:00:00+08:00",
                to=SHANGHAI_MOBILE,
                jurisdictions=("CN",),
                debtor=self.FACTS,
                history=history,
            )
        )
        assert not findings(result, "CN-FREQ-01")
