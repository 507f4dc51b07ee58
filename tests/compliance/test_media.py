"""Media and places: opt-outs, TCPA consent, employer e-mail, public posts, home and work."""

from __future__ import annotations

from typing import Any, ClassVar

from tests.compliance.scenario import NY_MOBILE, calls, check, finding, payload, rules

NOW = "2026-04-08T10:00:00-04:00"
OTHER_MOBILE = "+12125550123"
PHONES = [
    {"number": NY_MOBILE, "kind": "mobile", "owner": "debtor"},
    {"number": OTHER_MOBILE, "kind": "mobile", "owner": "debtor"},
]


def opt_out(channel: str, to: str | None = None) -> dict[str, object]:
    entry: dict[str, object] = {"channel": channel, "at": "2026-04-01T10:00:00Z"}
    if to:
        entry["to"] = to
    return {"phones": PHONES, "opt_outs": [entry]}


class TestOptOutScope:
    """1006.14(h) (US-MED-01) and cmt 14(h)(1)-3."""

    def test_a_text_opt_out_blocks_texts_to_that_number(self):
        result = check(payload(NOW, channel="sms", debtor=opt_out("sms", NY_MOBILE)))
        assert finding(result, "US-MED-01")["verdict"] == "BLOCK"

    def test_a_text_opt_out_does_not_stop_calls_to_that_number(self):
        result = check(payload(NOW, channel="call", debtor=opt_out("sms", NY_MOBILE)))
        assert "US-MED-01" not in rules(result)

    def test_a_text_opt_out_of_one_number_leaves_texts_to_another(self):
        result = check(
            payload(NOW, channel="sms", to=OTHER_MOBILE, debtor=opt_out("sms", NY_MOBILE))
        )
        assert "US-MED-01" not in rules(result)

    def test_a_call_opt_out_covers_voicemail_to_that_number(self):
        result = check(payload(NOW, channel="voicemail", debtor=opt_out("call", NY_MOBILE)))
        assert "US-MED-01" in rules(result)

    def test_an_opt_out_without_an_address_covers_the_whole_medium(self):
        result = check(payload(NOW, channel="email", to="jo@work.example", debtor=opt_out("email")))
        assert "US-MED-01" in rules(result)

    def test_an_opt_out_applies_to_every_debt(self):
        data = payload(NOW, channel="sms", debtor=opt_out("sms", NY_MOBILE))
        data["contact"]["debt"] = "B2"
        data["debts"].append({"id": "B2"})
        assert "US-MED-01" in rules(check(data))

    def test_numbers_match_whatever_their_formatting(self):
        result = check(
            payload(
                NOW, channel="sms", to="+1 (212) 555-0100", debtor=opt_out("sms", "+12125550100")
            )
        )
        assert "US-MED-01" in rules(result)


class TestOptOutExceptions:
    def test_one_confirmation_of_the_opt_out_may_be_sent(self):
        result = check(
            payload(
                NOW, channel="sms", purpose="opt_out_confirmation", debtor=opt_out("sms", NY_MOBILE)
            )
        )
        assert "US-MED-01" not in rules(result)

    def test_a_second_confirmation_is_blocked(self):
        sent = [
            {
                "at": "2026-04-01T10:01:00Z",
                "channel": "sms",
                "direction": "out",
                "to": NY_MOBILE,
                "outcome": "delivered",
            }
        ]
        result = check(
            payload(
                NOW,
                channel="sms",
                purpose="opt_out_confirmation",
                debtor=opt_out("sms", NY_MOBILE),
                history=sent,
            )
        )
        assert "US-MED-01" in rules(result)

    def test_a_reply_to_a_text_the_person_sent_through_the_refused_medium_may_go_once(self):
        inbound = [
            {
                "at": "2026-04-08T09:00:00-04:00",
                "channel": "sms",
                "direction": "in",
                "to": NY_MOBILE,
                "outcome": "delivered",
            }
        ]
        result = check(
            payload(
                NOW,
                channel="sms",
                purpose="reply",
                debtor=opt_out("sms", NY_MOBILE),
                history=inbound,
            )
        )
        assert "US-MED-01" not in rules(result)

    def test_a_communication_required_by_law_through_a_refused_medium_goes_to_review(self):
        result = check(
            payload(
                NOW,
                channel="email",
                to="jo@example.com",
                purpose="required_by_law",
                debtor=opt_out("email"),
            )
        )
        assert finding(result, "US-MED-01")["verdict"] == "REVIEW"


class TestTCPA:
    """47 U.S.C. 227(b)(1)(A)(iii) (US-TCPA-01)."""

    def test_an_automated_call_to_a_mobile_without_consent_is_blocked(self):
        result = check(payload(NOW, automated=True))
        assert finding(result, "US-TCPA-01")["verdict"] == "BLOCK"

    def test_an_automated_call_to_a_line_of_unknown_kind_is_treated_as_a_mobile(self):
        result = check(payload(NOW, automated=True, to="+12125550144"))
        assert "US-TCPA-01" in rules(result)

    def test_an_automated_call_to_a_landline_needs_no_tcpa_consent(self):
        facts = {"phones": [{"number": NY_MOBILE, "kind": "landline", "owner": "debtor"}]}
        result = check(payload(NOW, automated=True, debtor=facts))
        assert "US-TCPA-01" not in rules(result)

    def test_consent_on_file_for_the_number_allows_the_automated_call(self):
        facts = {"phones": [{"number": NY_MOBILE, "kind": "mobile", "consent_automated": True}]}
        result = check(payload(NOW, automated=True, debtor=facts))
        assert "US-TCPA-01" not in rules(result)

    def test_consent_for_another_number_does_not_count(self):
        facts = {"consents": [{"kind": "automated_calls", "to": OTHER_MOBILE}]}
        result = check(payload(NOW, automated=True, debtor=facts))
        assert "US-TCPA-01" in rules(result)

    def test_a_manual_call_needs_no_tcpa_consent(self):
        assert "US-TCPA-01" not in rules(check(payload(NOW)))

    def test_an_automated_text_with_text_consent_is_allowed(self):
        facts = {"consents": [{"kind": "texts"}]}
        result = check(payload(NOW, channel="sms", automated=True, debtor=facts))
        assert "US-TCPA-01" not in rules(result)

    def test_a_call_opt_out_revokes_consent_to_automated_texts(self):
        facts = {
            "phones": [{"number": NY_MOBILE, "kind": "mobile", "consent_automated": True}],
            "consents": [{"kind": "texts"}],
            "opt_outs": [{"channel": "call", "to": NY_MOBILE}],
        }
        result = check(payload(NOW, channel="sms", automated=True, debtor=facts))
        assert finding(result, "US-TCPA-02")["verdict"] == "BLOCK"


class TestEmployerEmail:
    FACTS: ClassVar[dict[str, Any]] = {
        "emails": [{"address": "jo@acme.example", "employer_provided": True}]
    }

    def test_no_email_to_an_address_the_employer_provides(self):
        result = check(payload(NOW, channel="email", to="jo@acme.example", debtor=self.FACTS))
        assert finding(result, "US-ELEC-03")["verdict"] == "BLOCK"

    def test_unless_the_person_used_it_to_write_to_the_collector(self):
        inbound = [
            {
                "at": "2026-04-02T10:00:00Z",
                "channel": "email",
                "direction": "in",
                "to": "jo@acme.example",
                "outcome": "delivered",
            }
        ]
        result = check(
            payload(NOW, channel="email", to="jo@acme.example", debtor=self.FACTS, history=inbound)
        )
        assert "US-ELEC-03" not in rules(result)


class TestPublicSocialMedia:
    def test_a_public_post_is_blocked_everywhere(self):
        for jurisdictions, rule in (
            (("US",), "US-SOC-01"),
            (("CN",), "CN-PROH-01"),
            (("GB",), "UK-07"),
        ):
            result = check(
                payload(NOW, channel="social_public", to="@jo", jurisdictions=jurisdictions)
            )
            assert finding(result, rule)["verdict"] == "BLOCK"


class TestPlaces:
    HOME: ClassVar[dict[str, Any]] = {
        "addresses": [{"country": "US", "region": "NY", "kind": "home", "line1": "1 Main St"}],
        "inconvenient_places": ["home"],
    }

    def test_home_inconvenient_blocks_mail_to_the_home_address(self):
        result = check(payload(NOW, channel="letter", to="1 Main St", debtor=self.HOME))
        assert finding(result, "US-PLACE-01")["verdict"] == "BLOCK"

    def test_home_inconvenient_blocks_calls_to_the_home_landline(self):
        facts = {**self.HOME, "phones": [{"number": NY_MOBILE, "kind": "landline"}]}
        result = check(payload(NOW, debtor=facts))
        assert "US-PLACE-01" in rules(result)

    def test_home_inconvenient_leaves_the_mobile_and_email(self):
        assert "US-PLACE-01" not in rules(check(payload(NOW, debtor=self.HOME)))
        email = check(payload(NOW, channel="email", to="jo@example.com", debtor=self.HOME))
        assert "US-PLACE-01" not in rules(email)

    def test_a_letter_to_an_address_not_on_file_is_taken_as_going_home(self):
        result = check(payload(NOW, channel="letter", to="somewhere else", debtor=self.HOME))
        assert "US-PLACE-01" in rules(result)

    def test_work_inconvenient_blocks_calls_to_the_employers_line(self):
        facts = {
            "phones": [{"number": NY_MOBILE, "kind": "landline", "owner": "employer"}],
            "inconvenient_places": ["work"],
        }
        result = check(payload(NOW, debtor=facts))
        assert finding(result, "US-WORK-01")["verdict"] == "BLOCK"

    def test_calls_do_not_count_for_another_rule_when_blocked(self):
        result = check(payload(NOW, debtor=self.HOME, history=calls(["2026-04-07"])))
        assert result["verdict"] != "BLOCK"
