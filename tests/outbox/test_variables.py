"""A message about an arrangement states the arrangement's own figures, not the standing offer."""

from __future__ import annotations

from datetime import UTC, date, datetime

from arrears.core.money import Money
from arrears.outbox.variables import message_variables

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ACCOUNT = {
    "account_id": 1, "account_ref": "ACC-000123", "currency": "USD", "status": "in_plan",
    "product": None, "jurisdiction": "US", "debtor_id": 1, "debtor_name": "Alex Doe",
    "debtor_kind": "person", "client_id": 1, "client_code": "c1", "client_name": "Acme Lending",
    "client_settings": {}, "principal_minor": 120_000, "interest_minor": 0, "fees_minor": 0,
    "costs_minor": 0, "credit_minor": 0, "original_minor": 120_000, "due_on": date(2026, 9, 1),
}  # fmt: skip


def test_without_an_arrangement_the_standing_terms_apply():
    standing = message_variables(ACCOUNT, "en-US", NOW)
    assert standing["plan_count"] == message_variables(ACCOUNT, "en-US", NOW, {})["plan_count"]


def test_a_plan_agreement_carries_the_agreed_schedule():
    figures = {"plan_id": 7, "instalment_minor": 15_000, "count": 8,
               "first_due_on": "2026-12-01", "total_minor": 120_000}  # fmt: skip
    v = message_variables(ACCOUNT, "en-US", NOW, figures)
    assert (v["plan_instalment"], v["plan_count"], v["plan_first_date"]) == (
        Money(15_000, "USD"), 8, date(2026, 12, 1))  # fmt: skip


def test_a_settlement_letter_carries_the_agreed_amount_and_date():
    figures = {"settlement_id": 3, "amount_minor": 80_000, "due_on": "2026-12-15"}
    v = message_variables(ACCOUNT, "en-US", NOW, figures)
    assert (v["settlement_amount"], v["settlement_deadline"]) == (
        Money(80_000, "USD"), date(2026, 12, 15))  # fmt: skip


def test_reminders_carry_what_is_still_open():
    reminder = {"promise_id": 1, "amount_minor": 5_000, "due_on": "2026-11-25"}
    promise = message_variables(ACCOUNT, "en-US", NOW, reminder)
    assert (promise["promise_amount"], promise["promise_date"]) == (
        Money(5_000, "USD"), date(2026, 11, 25))  # fmt: skip
    instalment = message_variables(ACCOUNT, "en-US", NOW, {
        "plan_id": 7, "instalment": 2, "amount_minor": 7_500, "due_on": "2026-12-01"})  # fmt: skip
    assert (instalment["plan_instalment"], instalment["plan_due_date"]) == (
        Money(7_500, "USD"), date(2026, 12, 1))  # fmt: skip
