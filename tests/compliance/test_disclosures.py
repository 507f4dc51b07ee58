"""What a contact must carry, and the content of real messages."""

from __future__ import annotations

from tests.compliance.scenario import (
    SHANGHAI_MOBILE,
    check,
    finding,
    findings,
    payload,
    rules,
)

NOW = "2026-04-08T10:00:00-04:00"
GOOD_SMS = (
    "This is Sam Lee from Acme Recovery. This communication is from a debt collector. "
    "This is an attempt to collect a debt and any information obtained will be used for that "
    "purpose. Reply STOP to stop texts to this number."
)
LCM = "Hi, this is Sam Lee from Acme Services. Please call me back at 800-555-0100."


class TestDebtCollectorDisclosures:
    def test_the_initial_communication_requires_the_mini_miranda(self):
        result = check(payload(NOW, debts=[{"id": "A1"}]))
        assert finding(result, "US-DISC-01")["requires"] == ["mini_miranda"]

    def test_later_communications_require_the_debt_collector_disclosure(self):
        result = check(payload(NOW))
        assert finding(result, "US-DISC-02")["requires"] == ["debt_collector_disclosure"]

    def test_a_conversation_on_file_makes_this_a_later_communication(self):
        talk = [
            {
                "at": "2026-03-02T10:00:00-05:00",
                "channel": "call",
                "direction": "out",
                "to": "+12125550100",
                "debt": "A1",
                "outcome": "conversation",
            }
        ]
        result = check(payload(NOW, debts=[{"id": "A1"}], history=talk))
        assert "US-DISC-02" in rules(result)
        assert "US-DISC-01" not in rules(result)

    def test_a_limited_content_message_alone_is_not_the_initial_communication(self):
        lcm = [
            {
                "at": "2026-03-02T10:00:00-05:00",
                "channel": "voicemail",
                "direction": "out",
                "to": "+12125550100",
                "debt": "A1",
                "outcome": "limited_content_message",
            }
        ]
        result = check(payload(NOW, debts=[{"id": "A1"}], history=lcm))
        assert "US-DISC-01" in rules(result)

    def test_a_text_that_carries_every_disclosure_needs_nothing_more(self):
        result = check(payload(NOW, channel="sms", content=GOOD_SMS))
        assert not rules(result) & {"US-DISC-02", "US-ELEC-01"}
        assert result["verdict"] == "ALLOW"

    def test_a_text_missing_the_disclosures_is_blocked_not_merely_required(self):
        result = check(payload(NOW, channel="sms", content="Please call Acme about your account."))
        assert result["verdict"] == "BLOCK"
        blocked = {f["rule"] for f in result["findings"] if f["verdict"] == "BLOCK"}
        assert {"US-DISC-02", "US-ELEC-01"} <= blocked
        assert len(findings(result, "US-DISC-02")) == 1  # one finding per rule, not two


class TestElectronicMessages:
    def test_every_email_requires_an_opt_out_notice(self):
        result = check(payload(NOW, channel="email", to="jo@example.com"))
        assert finding(result, "US-ELEC-01")["requires"] == ["opt_out_notice"]

    def test_a_letter_needs_no_opt_out_notice(self):
        assert "US-ELEC-01" not in rules(check(payload(NOW, channel="letter", to="1 Main St")))


class TestVoicemail:
    def test_a_voicemail_must_be_a_limited_content_message(self):
        result = check(payload(NOW, channel="voicemail"))
        assert finding(result, "US-VM-01")["requires"] == ["limited_content_message"]

    def test_a_limited_content_message_satisfies_the_requirement(self):
        result = check(payload(NOW, channel="voicemail", content=LCM))
        assert "US-VM-01" not in rules(result)

    def test_a_voicemail_that_reveals_the_debt_is_blocked(self):
        text = "This is Acme calling about your overdue debt of $500. Call 800-555-0100."
        result = check(payload(NOW, channel="voicemail", content=text))
        assert result["verdict"] == "BLOCK"


class TestForbiddenContent:
    def test_a_threat_of_arrest_is_blocked(self):
        text = f"{GOOD_SMS} Pay today or you will be arrested."
        result = check(payload(NOW, channel="sms", content=text))
        assert result["verdict"] == "BLOCK"
        assert "US-FALSE-02" in rules(result)

    def test_a_threat_of_suit_on_a_time_barred_debt_is_blocked(self):
        text = f"{GOOD_SMS} We will sue you if you do not pay."
        result = check(
            payload(
                NOW,
                channel="sms",
                content=text,
                debts=[
                    {
                        "id": "A1",
                        "time_barred": True,
                        "first_contact_at": "2026-01-05T15:00:00Z",
                        "validation_sent_at": "2026-01-05T16:00:00Z",
                    }
                ],
            )
        )
        assert result["verdict"] == "BLOCK"

    def test_a_time_barred_call_tells_the_agent_not_to_threaten_suit(self):
        debts = [
            {
                "id": "A1",
                "time_barred": True,
                "first_contact_at": "2026-01-05T15:00:00Z",
                "validation_sent_at": "2026-01-05T16:00:00Z",
            }
        ]
        result = check(payload(NOW, debts=debts))
        assert finding(result, "US-TBD-01")["requires"] == ["no_threat_of_suit"]

    def test_chinese_threats_are_blocked_under_the_chinese_rulebook(self):
        facts = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}
        result = check(
            payload(
                "2026-04-08T10:00:00+08:00",
                channel="sms",
                to=SHANGHAI_MOBILE,
                jurisdictions=("CN",),
                debtor=facts,
                content="【星河消费金融】再不还钱就让你坐牢",
            )
        )
        assert result["verdict"] == "BLOCK"
        assert "CN-PROH-01" in rules(result)


class TestChinaProcess:
    def test_collection_calls_must_be_recorded(self):
        facts = {"phones": [{"number": SHANGHAI_MOBILE, "kind": "mobile"}]}
        result = check(
            payload(
                "2026-04-08T10:00:00+08:00", to=SHANGHAI_MOBILE, jurisdictions=("CN",), debtor=facts
            )
        )
        assert finding(result, "CN-REC-01")["requires"] == ["call_recording"]

    def test_visits_need_two_collectors_identification_and_consent(self):
        result = check(
            payload(
                "2026-04-08T10:00:00+08:00",
                channel="visit",
                to="上海市某路1号",
                jurisdictions=("CN",),
            )
        )
        assert set(finding(result, "CN-VISIT-01")["requires"]) == {
            "two_collectors",
            "identification_shown",
            "consent_before_entry",
        }
