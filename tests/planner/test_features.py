"""Account features computed from store frames, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from arrears.planner.features import account_features
from arrears.store.queries.planning import STEPS_DONE_SCHEMA
from arrears.strategy.features import SCHEMA

AS_OF = date(2026, 11, 20)


def accounts(**overrides: object) -> pl.DataFrame:
    row = {
        "account_id": 1, "account_ref": "A1", "client": "c", "client_id": 1, "debtor_id": 10,
        "debtor_kind": "person", "product": "credit_card", "currency": "USD",
        "jurisdiction": "US-NY", "language": "en-US", "status": "active",
        "principal_minor": 100_000, "interest_minor": 2_550, "fees_minor": 0, "costs_minor": 0,
        "opened_on": date(2025, 1, 1), "due_on": date(2026, 10, 1), "charged_off_on": None,
        "last_payment_on": date(2026, 11, 19), "current_segment": "early",
        "segment_since": date(2026, 11, 10), "holds": [], "time_zones": [], "country": "US",
        "region": "NY", "arms": {},
    }  # fmt: skip
    row.update(overrides)
    frame = pl.DataFrame(
        [row], schema_overrides={"holds": pl.List(pl.String), "time_zones": pl.List(pl.String)}
    )
    return frame.with_columns(pl.Series("arms", [row["arms"]], dtype=pl.Object))


def points(*kinds: str, do_not_contact: bool = False) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "point_id": list(range(len(kinds))),
            "debtor_id": [10] * len(kinds),
            "kind": list(kinds),
            "value": [f"v{i}" for i in range(len(kinds))],
            "line_type": [None] * len(kinds),
            "time_zones": [[] for _ in kinds],
            "verified": [False] * len(kinds),
            "consents": [[] for _ in kinds],
            "do_not_contact": [do_not_contact] * len(kinds),
            "preferred": [False] * len(kinds),
            "confidence": [80] * len(kinds),
        },
        schema={
            "point_id": pl.Int64,
            "debtor_id": pl.Int64,
            "kind": pl.String,
            "value": pl.String,
            "line_type": pl.String,
            "time_zones": pl.List(pl.String),
            "verified": pl.Boolean,
            "consents": pl.List(pl.String),
            "do_not_contact": pl.Boolean,
            "preferred": pl.Boolean,
            "confidence": pl.Int64,
        },
    )


def history(*events: tuple[str, ...] | tuple[str, str, datetime, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "debtor_id": [10] * len(events),
            "account_id": [1] * len(events),
            "channel": [e[0] for e in events],
            "direction": [e[1] for e in events],
            "occurred_at": [e[2] for e in events],
            "contact_value": ["v0"] * len(events),
            "outcome": [e[3] for e in events],
            "template": [e[4] if len(e) > 4 else None for e in events],
        },
        schema={
            "debtor_id": pl.Int64,
            "account_id": pl.Int64,
            "channel": pl.String,
            "direction": pl.String,
            "occurred_at": pl.Datetime("us", "UTC"),
            "template": pl.String,
            "contact_value": pl.String,
            "outcome": pl.String,
        },
    )


NO_DONE = pl.DataFrame(schema=STEPS_DONE_SCHEMA)
NO_INVOICES = pl.DataFrame(schema={"account_id": pl.Int64, "invoice_count": pl.Int64})


def features(
    acc: pl.DataFrame, pts: pl.DataFrame, hist: pl.DataFrame, done: pl.DataFrame = NO_DONE
) -> dict[str, object]:
    frame = account_features(acc, pts, hist, done, NO_INVOICES, AS_OF)
    assert frame.schema == pl.Schema(SCHEMA) or set(SCHEMA) <= set(frame.columns)
    return frame.row(0, named=True)


def at(day: int, hour: int = 15) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


class TestMoneyAndAge:
    def test_balances_are_exact_decimals_in_major_units_and_ages_are_bucketed(self):
        row = features(accounts(), points("mobile"), history())
        assert row["balance_minor"] == 102_550
        assert row["balance"] == Decimal("1025.50")
        assert (row["dpd"], row["bucket"], row["m_bucket"]) == (50, "31-60", "M2")
        assert row["segment_days"] == 10
        assert row["events"] == ["payment_received"]

    def test_a_yen_balance_has_no_decimals(self):
        row = features(
            accounts(currency="JPY", principal_minor=5000, interest_minor=0), points(), history()
        )
        assert row["balance"] == Decimal("5000")

    def test_an_account_not_yet_due_has_negative_days_past_due(self):
        row = features(accounts(due_on=date(2026, 11, 23)), points(), history())
        assert (row["dpd"], row["bucket"], row["m_bucket"]) == (-3, "current", "M0")

    def test_a_dispute_hold_makes_the_account_disputed_and_on_hold(self):
        row = features(accounts(holds=["dispute"]), points(), history())
        assert row["disputed"] and row["on_hold"]


class TestContactability:
    def test_channels_follow_the_usable_contact_points(self):
        row = features(accounts(), points("mobile", "email"), history())
        assert (row["has_mobile"], row["has_phone"], row["has_email"], row["has_address"]) == (
            True,
            True,
            True,
            False,
        )

    def test_an_opted_out_point_does_not_count(self):
        row = features(accounts(), points("mobile", do_not_contact=True), history())
        assert not row["has_mobile"]


class TestActivity:
    def test_recency_outcomes_and_unanswered_calls_since_the_last_conversation(self):
        row = features(
            accounts(),
            points("mobile"),
            history(
                ("call", "out", at(10), "conversation"),
                ("call", "out", at(15), "no_answer"),
                ("call", "out", at(17), "voicemail"),
                ("sms", "out", at(18), "delivered"),
                ("sms", "in", at(19), "reply"),
            ),
        )
        assert row["days_since_last_conversation"] == 10
        assert row["days_since_last_contact"] == 2
        assert row["days_since_last_sms"] == 2
        assert row["unanswered_calls"] == 2
        assert row["last_call_outcome"] == "voicemail"
        assert row["replied_since_last_message"] is True
        assert row["contacts_7d"] == 3

    def test_no_history_means_nulls_and_zeros(self):
        row = features(accounts(), points(), history())
        assert row["days_since_last_contact"] is None
        assert row["unanswered_calls"] == 0 and row["contacts_7d"] == 0
        assert row["replied_since_last_message"] is False


class TestStrategyState:
    def test_steps_done_and_the_validation_notice_come_from_earlier_plans(self):
        done = pl.DataFrame(
            {
                "account_id": [1, 1],
                "segment": ["early", "early"],
                "step": ["v", "sms1"],
                "template": ["validation_notice", "r1"],
                "last_done": [date(2026, 11, 1)] * 2,
            }
        )
        row = features(accounts(), points(), history(), done)
        assert sorted(row["steps_done"]) == ["sms1", "v"]
        assert row["validation_notice_sent"] is True


class TestValidationNotice:
    def test_a_notice_mailed_earlier_counts_as_sent(self):
        row = features(
            accounts(),
            points(),
            history(("letter", "out", at(1), "delivered", "validation_notice")),
        )  # type: ignore[arg-type]
        assert row["validation_notice_sent"] is True
