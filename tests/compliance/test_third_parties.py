"""Third parties, emergency contacts and employers (US-3P, CN-3P, UK-07)."""

from __future__ import annotations

from typing import Any, ClassVar

from tests.compliance.scenario import SHANGHAI_MOBILE, check, finding, payload, rules

NOW = "2026-04-08T10:00:00-04:00"
NEIGHBOUR = "+12125550188"


class TestUnitedStates:
    def test_a_third_party_may_not_hear_about_the_debt(self):
        result = check(payload(NOW, to=NEIGHBOUR, counterparty="third_party"))
        assert finding(result, "US-3P-01")["verdict"] == "BLOCK"

    def test_a_location_inquiry_is_allowed_with_location_information_only(self):
        result = check(
            payload(NOW, to=NEIGHBOUR, counterparty="emergency_contact", purpose="location_inquiry")
        )
        found = finding(result, "US-3P-02")
        assert found["verdict"] == "REQUIRE"
        assert found["requires"] == ["location_information_only"]
        assert "US-DISC-02" not in rules(result)  # the debt must not be disclosed at all

    def test_a_second_location_inquiry_to_the_same_third_party_is_blocked(self):
        earlier = [
            {
                "at": "2026-03-20T10:00:00-04:00",
                "channel": "call",
                "direction": "out",
                "to": NEIGHBOUR,
                "outcome": "third_party_answered",
                "counterparty": "third_party",
            }
        ]
        result = check(
            payload(
                NOW,
                to=NEIGHBOUR,
                counterparty="third_party",
                purpose="location_inquiry",
                history=earlier,
            )
        )
        assert finding(result, "US-3P-02")["verdict"] == "BLOCK"

    def test_the_spouse_is_a_consumer_not_a_third_party(self):
        result = check(payload(NOW, to="+12125550166", counterparty="spouse"))
        assert not rules(result) & {"US-3P-01", "US-3P-02"}

    def test_a_location_message_that_mentions_the_debt_is_blocked(self):
        result = check(
            payload(
                NOW,
                channel="sms",
                to=NEIGHBOUR,
                counterparty="third_party",
                purpose="location_inquiry",
                content="Tell Jo to pay the overdue debt of $500 to Acme. Reply STOP to opt out.",
            )
        )
        assert result["verdict"] == "BLOCK"

    def test_no_voicemail_on_a_third_partys_number(self):
        facts = {"phones": [{"number": NEIGHBOUR, "kind": "mobile", "owner": "third_party"}]}
        result = check(payload(NOW, channel="voicemail", to=NEIGHBOUR, debtor=facts))
        found = [f for f in result["findings"] if f["rule"] == "US-VM-01"]
        assert any(f["verdict"] == "BLOCK" for f in found)


class TestChina:
    FACTS: ClassVar[dict[str, Any]] = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}

    def cn(self, **extra: object) -> dict[str, object]:
        data = payload(
            "2026-04-08T10:00:00+08:00",
            to="+8613900139000",
            jurisdictions=("CN",),
            debtor=dict(self.FACTS),
            **extra,
        )
        return data

    def test_a_third_party_is_off_limits_while_the_debtor_can_be_reached(self):
        result = check(self.cn(counterparty="emergency_contact", purpose="location_inquiry"))
        assert finding(result, "CN-3P-02")["verdict"] == "BLOCK"

    def test_an_unreachable_debtors_emergency_contact_may_be_asked_to_pass_on_a_message(self):
        data = self.cn(counterparty="emergency_contact", purpose="location_inquiry")
        data["debtor"]["unreachable"] = True
        result = check(data)
        assert finding(result, "CN-3P-02")["verdict"] == "REQUIRE"

    def test_emergency_contacts_are_never_asked_to_pay(self):
        data = self.cn(counterparty="emergency_contact", purpose="collection")
        data["debtor"]["unreachable"] = True
        assert finding(check(data), "CN-3P-03")["verdict"] == "BLOCK"

    def test_the_spouse_counts_as_a_third_party_without_proof_of_a_joint_debt(self):
        assert "CN-3P-02" in rules(check(self.cn(counterparty="spouse")))


class TestBritain:
    def test_the_debt_is_not_disclosed_to_third_parties(self):
        result = check(
            payload(
                "2026-04-08T10:00:00+01:00",
                to="+447700900999",
                jurisdictions=("GB",),
                counterparty="third_party",
            )
        )
        assert finding(result, "UK-07")["verdict"] == "BLOCK"

    def test_spouse_and_attorney_are_not_third_parties_in_the_us(self):
        result = check(payload(NOW, to="+12125550177", counterparty="attorney"))
        assert "US-3P-01" not in rules(result)
