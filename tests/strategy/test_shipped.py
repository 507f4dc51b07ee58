"""The four shipped strategies: they load, plan a large portfolio, and do what they say."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import pytest
from tests.strategy.helpers import plan, steps_of
from tests.strategy.portfolio import accounts, synthetic_portfolio

from arrears.strategy import Strategy, describe, load_strategies, load_strategy
from arrears.strategy.actions import CHANNEL_NAMES, parse_action
from arrears.strategy.variants import variants

FOLDER = Path(__file__).resolve().parents[2] / "config" / "strategies"
SHIPPED = ["b2b-receivables", "cn-consumer-lending", "uk-consumer", "us-third-party-agency"]


@pytest.fixture(scope="module")
def strategies() -> list[Strategy]:
    return load_strategies(FOLDER)


@pytest.fixture(scope="module")
def planned(strategies: list[Strategy]) -> pl.DataFrame:
    step_ids = sorted({s.id for st in strategies for v in variants(st) for s in v.steps})
    portfolio = synthetic_portfolio(50_000, step_ids=step_ids)
    return plan(portfolio.lazy(), *strategies, as_of=date(2026, 11, 1))


def by_id(strategies: list[Strategy], strategy_id: str) -> Strategy:
    return next(s for s in strategies if s.id == strategy_id)


class TestShippedFiles:
    def test_the_four_strategies_load(self, strategies: list[Strategy]) -> None:
        assert [s.id for s in strategies] == SHIPPED

    @pytest.mark.parametrize("name", SHIPPED)
    def test_each_has_bilingual_names_and_an_explicit_version(self, name: str) -> None:
        strategy = load_strategy(FOLDER / f"{name}.yaml")
        assert strategy.name_zh and strategy.version
        assert all(s.name_zh for s in strategy.segments)

    @pytest.mark.parametrize("name", SHIPPED)
    def test_each_can_be_described(self, name: str) -> None:
        text = describe(load_strategy(FOLDER / f"{name}.yaml"))
        assert text.startswith(f"{name} — ")
        assert "due when:" in text


class TestPlanningAPortfolio:
    def test_fifty_thousand_accounts_are_planned(self, planned: pl.DataFrame) -> None:
        assert planned.height > 10_000
        assert set(planned["strategy"].drop_nulls()) == set(SHIPPED)

    def test_every_planned_action_is_valid(self, planned: pl.DataFrame) -> None:
        actions = planned["action"].drop_nulls().unique().to_list()
        assert all(parse_action(a) for a in actions)
        assert set(planned["channel"].drop_nulls()) <= set(CHANNEL_NAMES)

    def test_every_row_is_a_step_or_a_suppression(self, planned: pl.DataFrame) -> None:
        steps = planned.filter(pl.col("step").is_not_null())
        suppressed = planned.filter(pl.col("step").is_null())
        assert steps["reason"].null_count() == 0
        assert suppressed["suppressed_reason"].null_count() == 0
        assert steps.height + suppressed.height == planned.height

    def test_a_step_is_planned_at_most_once_per_account(self, planned: pl.DataFrame) -> None:
        steps = planned.filter(pl.col("step").is_not_null())
        assert steps.select("account_id", "step").is_duplicated().sum() == 0

    def test_the_experiment_splits_the_m1_accounts(self, planned: pl.DataFrame) -> None:
        arms = planned.filter(pl.col("experiment") == "m1-sms-tone")["arm"].unique()
        assert sorted(arms) == ["empathetic", "standard"]


def one(strategies: list[Strategy], **features: Any) -> list[str | None]:
    return steps_of(plan(accounts(features), *strategies, as_of=date(2026, 11, 1)))


class TestChina:
    def test_pre_due_reminders_at_minus_three_and_minus_one(
        self, strategies: list[Strategy]
    ) -> None:
        assert one(strategies, dpd=-3) == ["m0-sms-3"]
        assert one(strategies, dpd=-1, steps_done=["m0-sms-3"]) == ["m0-sms-1"]

    def test_m2_sends_the_demand_letter_at_31(self, strategies: list[Strategy]) -> None:
        assert "m2-demand-letter" in one(strategies, dpd=31)

    @pytest.mark.parametrize(("balance", "step"), [(8000, "m3-legal-review"), (800, "m3-agency")])
    def test_m3_sends_large_balances_to_legal_and_smaller_to_an_agency(
        self, strategies: list[Strategy], balance: int, step: str
    ) -> None:
        done = ["m3-lawyer-letter", "m3-call"]
        assert one(strategies, dpd=95, balance=balance, steps_done=done) == [step]

    def test_a_broken_promise_gets_a_call_first(self, strategies: list[Strategy]) -> None:
        done = ["m1-sms-1", "m1-sms-3", "m1-call", "m1-email"]
        assert one(strategies, dpd=12, events=["promise_broken"], steps_done=done) == [
            "m1-promise-broken"
        ]


class TestUnitedStates:
    US: ClassVar[dict[str, str]] = {
        "client": "agency-x",
        "jurisdiction": "US-NY",
        "currency": "USD",
    }

    def test_nothing_but_the_validation_notice_before_it_is_sent(
        self, strategies: list[Strategy]
    ) -> None:
        steps = one(strategies, **self.US, dpd=200, validation_notice_sent=False, segment_days=30)
        assert steps == ["us-validation-notice"]

    def test_after_the_notice_a_calm_cadence(self, strategies: list[Strategy]) -> None:
        steps = one(strategies, **self.US, dpd=200, segment_days=5, balance=900)
        assert steps == ["us-std-email-1"]

    def test_possibly_time_barred_debt_gets_no_legal_review(
        self, strategies: list[Strategy]
    ) -> None:
        features = {**self.US, "dpd": 1500, "days_since_last_payment": 1400, "balance": 9000}
        assert "us-large-legal-review" not in one(strategies, **features, segment_days=200)

    def test_company_debts_go_to_the_b2b_strategy(self, strategies: list[Strategy]) -> None:
        assert one(strategies, **self.US, debtor_kind="company", dpd=1) == ["b2b-dunning-1"]


class TestBusinessAndUK:
    B2B: ClassVar[dict[str, str]] = {
        "client": "b2b-receivables",
        "jurisdiction": "DE",
        "debtor_kind": "company",
    }
    UK: ClassVar[dict[str, str]] = {"client": "uk-bank", "jurisdiction": "GB", "currency": "GBP"}

    def test_escalation_waits_for_the_formal_demand(self, strategies: list[Strategy]) -> None:
        early = ["b2b-dunning-1", "b2b-dunning-2", "b2b-dunning-3", "b2b-call"]
        assert one(strategies, **self.B2B, dpd=65, balance=1000, steps_done=early) == [
            "b2b-formal-demand"
        ]
        done = [*early, "b2b-formal-demand", "b2b-formal-demand-email"]
        assert one(strategies, **self.B2B, dpd=65, balance=1000, steps_done=done) == [
            "b2b-escalate-agency"
        ]

    def test_a_second_broken_promise_leads_to_a_forbearance_review(
        self, strategies: list[Strategy]
    ) -> None:
        steps = one(strategies, **self.UK, dpd=40, broken_promises=2)
        assert steps[0] == "uk-forbearance-review"
        assert "uk-arrears-call" not in steps
