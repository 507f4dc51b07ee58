"""The US validation notice (US-VAL-01) and the validation period (US-VAL-03, -04)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
from tests.compliance.scenario import books, check, finding, payload, rules

from arrears.compliance.rules.validation import with_validation_end

NOW = "2026-04-08T10:00:00-04:00"


def period_end(sent: datetime, zone: str = "America/New_York") -> date:
    frame = pl.DataFrame(
        {"contact_id": [0], "validation_sent_at": [sent], "first_zone": [zone]},
        schema={
            "contact_id": pl.Int64(),
            "validation_sent_at": pl.Datetime("us", "UTC"),
            "first_zone": pl.String(),
        },
    )
    us = books()["US"].params
    out = with_validation_end(frame, us.validation)  # type: ignore[attr-defined]
    return out["validation_end"][0]


class TestValidationPeriod:
    """1006.34(b)(5): 5 days excluding weekends and legal public holidays, then 30 days."""

    def test_a_notice_mailed_monday_january_5_ends_the_period_on_february_11(self):
        assert period_end(datetime(2026, 1, 5, 15, tzinfo=UTC)) == date(2026, 2, 11)

    def test_a_notice_mailed_before_memorial_day_ends_the_period_on_july_1(self):
        assert period_end(datetime(2026, 5, 22, 15, tzinfo=UTC)) == date(2026, 7, 1)

    def test_the_sending_date_is_the_consumers_local_date(self):
        # 02:00 UTC on Tuesday is still Monday evening in New York.
        assert period_end(datetime(2026, 1, 6, 2, tzinfo=UTC)) == date(2026, 2, 11)

    def test_a_notice_sent_on_a_saturday_counts_from_the_next_business_day(self):
        # Sat 10 Jan: Mon 12 (1) ... Fri 16 (5); MLK day is Mon 19 Jan.
        assert period_end(datetime(2026, 1, 10, 15, tzinfo=UTC)) == date(2026, 2, 15)


class TestValidationNotice:
    def test_no_notice_within_five_days_of_the_initial_communication_requires_one(self):
        debts = [{"id": "A1", "first_contact_at": "2026-04-01T14:00:00Z"}]
        found = finding(check(payload(NOW, debts=debts)), "US-VAL-01")
        assert found["verdict"] == "REQUIRE"
        assert found["requires"] == ["send_validation_notice"]
        assert "Mon 6 Apr" in found["message"]

    def test_a_notice_on_file_satisfies_it(self):
        assert "US-VAL-01" not in rules(check(payload(NOW)))

    def test_a_payment_deadline_inside_the_validation_period_is_flagged(self):
        debts = [
            {
                "id": "A1",
                "first_contact_at": "2026-04-01T14:00:00Z",
                "validation_sent_at": "2026-04-01T15:00:00Z",
            }
        ]
        text = (
            "This communication is from a debt collector. You must pay the full balance "
            "by April 10, 2026. Reply STOP to stop texts to this number."
        )
        result = check(payload(NOW, channel="sms", content=text, debts=debts))
        assert "US-VAL-04" in rules(result)
        assert result["verdict"] in ("REVIEW", "BLOCK")
