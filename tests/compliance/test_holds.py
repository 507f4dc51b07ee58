"""Holds on the account: dispute, cease, attorney, bankruptcy, deceased, legal, breathing space."""

from __future__ import annotations

from tests.compliance.scenario import LONDON_MOBILE, check, finding, payload, rules

NOW = "2026-08-07T10:00:00-04:00"


def hold(kind: str, **extra: str) -> dict[str, object]:
    return {"holds": [{"kind": kind, **extra}]}


class TestDispute:
    def test_a_disputed_debt_blocks_collection_contact(self):
        result = check(payload(NOW, debtor=hold("dispute", debt="A1")))
        assert finding(result, "US-DISP-01")["verdict"] == "BLOCK"
        assert result["verdict"] == "BLOCK"

    def test_the_verification_itself_may_be_sent(self):
        result = check(
            payload(
                NOW,
                channel="letter",
                to="1 Main St",
                purpose="required_by_law",
                debtor=hold("dispute", debt="A1"),
            )
        )
        assert "US-DISP-01" not in rules(result)

    def test_a_dispute_of_another_debt_does_not_pause_this_one(self):
        result = check(payload(NOW, debtor=hold("dispute", debt="B2")))
        assert "US-DISP-01" not in rules(result)

    def test_a_hold_without_a_debt_covers_every_debt(self):
        result = check(payload(NOW, debtor=hold("dispute")))
        assert "US-DISP-01" in rules(result)

    def test_a_chinese_objection_pauses_collection_until_verified(self):
        result = check(
            payload(
                "2026-08-07T10:00:00+08:00",
                jurisdictions=("CN",),
                to="+8613800138000",
                debtor=hold("dispute"),
            )
        )
        assert finding(result, "CN-CC-01")["verdict"] == "BLOCK"


class TestCease:
    """1006.6(c)(1): a cease notice takes effect on receipt (cmt 6(c)(1)-1)."""

    CEASE = hold("cease", since="2026-08-06T12:00:00-04:00")

    def test_an_email_sent_before_the_notice_arrived_was_lawful(self):
        result = check(
            payload(
                "2026-08-04T10:00:00-04:00", channel="email", to="jo@example.com", debtor=self.CEASE
            )
        )
        assert "US-CEASE-01" not in rules(result)

    def test_after_receipt_no_communication_about_the_debt(self):
        result = check(
            payload(
                "2026-08-07T10:00:00-04:00", channel="email", to="jo@example.com", debtor=self.CEASE
            )
        )
        assert finding(result, "US-CEASE-01")["verdict"] == "BLOCK"

    def test_a_notice_the_law_allows_after_a_cease_goes_to_review(self):
        result = check(
            payload(
                NOW, channel="letter", to="1 Main St", purpose="required_by_law", debtor=self.CEASE
            )
        )
        assert finding(result, "US-CEASE-02")["verdict"] == "REVIEW"
        assert "US-CEASE-01" not in rules(result)


class TestAttorney:
    def test_a_represented_consumer_is_not_contacted(self):
        result = check(payload(NOW, debtor=hold("attorney", debt="A1")))
        assert finding(result, "US-ATTY-01")["verdict"] == "BLOCK"

    def test_the_attorney_may_be_contacted(self):
        result = check(
            payload(
                NOW, to="+12125550177", counterparty="attorney", debtor=hold("attorney", debt="A1")
            )
        )
        assert "US-ATTY-01" not in rules(result)

    def test_one_reply_to_the_represented_consumers_own_contact_goes_to_review(self):
        inbound = [
            {
                "at": "2026-08-07T09:00:00-04:00",
                "channel": "call",
                "direction": "in",
                "outcome": "conversation",
            }
        ]
        result = check(payload(NOW, purpose="reply", debtor=hold("attorney"), history=inbound))
        assert finding(result, "US-ATTY-01")["verdict"] == "REVIEW"


class TestOtherHolds:
    def test_bankruptcy_deceased_and_legal_holds_block(self):
        for kind in ("bankruptcy", "deceased", "legal"):
            result = check(payload(NOW, debtor=hold(kind)))
            assert finding(result, "HOUSE-HOLD-01")["verdict"] == "BLOCK", kind

    def test_breathing_space_blocks_under_the_uk_rulebook(self):
        facts = {
            "phones": [{"number": LONDON_MOBILE, "kind": "mobile"}],
            "holds": [{"kind": "breathing_space"}],
        }
        result = check(
            payload(
                "2026-08-07T10:00:00+01:00", to=LONDON_MOBILE, jurisdictions=("GB",), debtor=facts
            )
        )
        assert finding(result, "UK-11")["verdict"] == "BLOCK"

    def test_a_hold_that_starts_later_does_not_block_now(self):
        result = check(payload(NOW, debtor=hold("legal", since="2026-09-01T00:00:00Z")))
        assert "HOUSE-HOLD-01" not in rules(result)
