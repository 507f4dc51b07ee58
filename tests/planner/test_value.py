"""Decisions from the scores: expected value, the call allocation, the best hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, text

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.planner import service
from arrears.planner.allocation import allocate, decide, total_value
from arrears.planner.plan import PlanParams
from arrears.planner.timing import beta_prior, hour_rates, local_time
from arrears.planner.value import ValueModel, value_columns, with_scores
from arrears.sim.demo import load_demo, load_history
from arrears.store.uow import UnitOfWork
from arrears.strategy.loader import load_strategies

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 20)


def actions(**columns: list[object]) -> pl.DataFrame:
    base: dict[str, list[object]] = {
        "account_id": [1, 2, 3], "channel": ["call", "sms", "call"],
        "currency": ["CNY", "CNY", "USD"],
        "balance_minor": [1_000_000, 1_000_000, 50_000], "score": [0.5, 0.5, 0.2],
        "expected_amount_minor": [400_000, None, None], "dpd": [10, 10, 10],
        "days_since_last_payment": [None, None, None], "broken_promises": [0, 0, 0],
        "unanswered_calls": [0, 0, 0],
    }  # fmt: skip
    base.update(columns)
    return pl.DataFrame(base, schema_overrides={"expected_amount_minor": pl.Int64,
                                                "days_since_last_payment": pl.Int32})  # fmt: skip


class TestExpectedValue:
    def test_ev_is_probability_times_expected_amount_minus_cost(self):
        model = ValueModel(currency_costs={"CNY": {"call": 450}, "USD": {"call": 197}})
        out = value_columns(actions(), model)
        # call: the model expects 4,000.00 within 30 days (its probability already inside);
        #   the call brings about 0.6 of it = 2,400.00, minus a 4.50 call
        # sms: no expected amount: P = 0.5 of the balance, x 0.15 = 75,000, minus 5 (flat cost)
        # call (USD): 0.2 x 0.6 x 50,000 = 6,000, minus 1.97
        assert out["expected_value_minor"].to_list() == [240_000 - 450, 75_000 - 5, 6_000 - 197]
        assert out["priority"].to_list() == [239_550.0, 74_995.0, 5_803.0]

    def test_the_models_expected_amount_is_not_multiplied_by_its_probability_again(self):
        # The registry writes expected_minor = probability x share x balance. Two accounts the
        # model expects the same money from are worth the same call, whatever the split of
        # that expectation into probability and amount (the first version squared the score).
        out = value_columns(actions(score=[0.9, 0.5, 0.1],
                                    expected_amount_minor=[50_000, None, 50_000],
                                    balance_minor=[60_000, 1_000_000, 900_000]),
                            ValueModel())  # fmt: skip
        ev = out["expected_value_minor"].to_list()
        assert ev[0] == ev[2] == 30_000 - 150

    def test_a_given_score_replaces_the_plans_own_and_others_keep_theirs(self):
        scores = pl.DataFrame({"account_id": [2], "score": [0.9], "expected_amount_minor": [10]})
        out = with_scores(actions(), scores)
        assert out["score"].to_list() == [0.5, 0.9, 0.2]
        assert out["expected_amount_minor"].to_list() == [400_000, 10, None]
        assert with_scores(actions().drop("expected_amount_minor"), None)[
            "expected_amount_minor"].null_count() == 3  # fmt: skip

    def test_without_a_score_the_heuristic_decides(self):
        out = value_columns(actions(score=[None, None, None]), ValueModel())
        assert out["expected_value_minor"].to_list()[0] > 0

    def test_a_call_is_worth_what_it_adds_over_paying_anyway_when_the_uplift_is_known(self):
        # Account 1 is likely to pay anyway (the model expects 4,000.00 of it) but a call adds
        # little (20.00); account 3's call adds 900.00. Messages keep the propensity's value.
        scores = pl.DataFrame({"account_id": [1, 3], "call_uplift_minor": [2_000.0, 90_000.0]})
        out = value_columns(with_scores(actions(), scores), ValueModel())
        assert out["expected_gain"].to_list() == [2_000.0, 75_000.0, 90_000.0]
        assert out["expected_value_minor"].to_list() == [2_000 - 150, 75_000 - 5, 90_000 - 150]
        # uplift=False (the ablation): the propensity's value, as before
        off = value_columns(with_scores(actions(), scores), ValueModel(uplift=False))
        assert off["expected_gain"].to_list()[0] == 240_000.0

    def test_an_account_the_uplift_model_did_not_score_keeps_the_propensitys_value(self):
        scores = pl.DataFrame({"account_id": [3], "call_uplift_minor": [90_000.0]})
        out = value_columns(with_scores(actions(), scores), ValueModel())
        assert out["expected_gain"].to_list()[0] == 240_000.0

    def test_calls_in_different_currencies_are_ranked_on_one_scale(self):
        # 100.00 USD is worth more than 500.00 CNY at 7.1: the priority (the allocation's
        # scale) says so; the recorded EV stays in the account's own currency.
        frame = actions(channel=["call", "call", "call"], currency=["CNY", "CNY", "USD"],
                        expected_amount_minor=[83_583, 0, 16_917])  # fmt: skip
        model = ValueModel(cost_minor={"call": 0}, rates={"CNY": 1.0, "USD": 7.1})
        out = value_columns(frame, model)
        ev, priority = out["expected_value_minor"].to_list(), out["priority"].to_list()
        assert ev[0] > ev[2] and priority[2] > priority[0]
        assert priority[2] == pytest.approx(ev[2] * 7.1)


def candidates(rows: list[tuple[int, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["account_id", "debtor_id", "slot", "value"], orient="row")


class TestAllocation:
    def test_hand_solved_case_where_greedy_is_not_optimal(self):
        # A is worth 10 at 09:00 or 9 at 10:00; B only 8 at 09:00; one call per hour.
        # Greedy takes A at 09:00 and has nothing left for B (10); the optimum is 9 + 8 = 17.
        grid = candidates([(1, 1, 9, 10.0), (1, 1, 10, 9.0), (2, 2, 9, 8.0)])
        best = allocate(grid, capacity=2, slot_capacity={9: 1, 10: 1}, method="highs")
        greedy = allocate(grid, capacity=2, slot_capacity={9: 1, 10: 1}, method="greedy")
        assert sorted(best.select("account_id", "slot").rows()) == [(1, 10), (2, 9)]
        assert total_value(best) == 17.0
        assert total_value(greedy) == 10.0 >= total_value(best) / 2  # the documented bound

    def test_without_hourly_limits_greedy_is_optimal_and_limits_hold(self):
        grid = candidates([(1, 1, 9, 5.0), (2, 1, 9, 7.0), (3, 2, 10, 4.0), (4, 3, 11, 6.0),
                           (5, 4, 9, -1.0), (4, 3, 12, 6.5)])  # fmt: skip
        best = allocate(grid, capacity=2, method="highs")
        greedy = allocate(grid, capacity=2, method="greedy")
        # One call per debtor (accounts 1 and 2 share debtor 1), one per account, two in all.
        assert (
            sorted(best["account_id"].to_list()) == sorted(greedy["account_id"].to_list()) == [2, 4]
        )
        assert total_value(best) == total_value(greedy) == 13.5
        assert allocate(grid, capacity=None)["account_id"].to_list().count(5) == 0  # worthless

    def test_nothing_worth_calling_gives_nothing(self):
        assert allocate(candidates([(1, 1, 9, -3.0)]), capacity=5).is_empty()


class TestBestHour:
    def test_method_of_moments_prior(self):
        # Cells at 0.2 and 0.4 with many trials: mean 0.3, a real spread between cells.
        alpha, beta = beta_prior(pl.Series([200, 400]), pl.Series([1000, 1000]))
        assert alpha / (alpha + beta) == pytest.approx(0.3)
        assert 10 < alpha + beta < 30  # var 0.01 -> a + b = 0.21 / 0.01 - 1 = 20
        assert beta_prior(pl.Series([], dtype=pl.Int64), pl.Series([], dtype=pl.Int64)) == (
            1.0,
            1.0,
        )

    def test_a_debtors_own_answers_are_shrunk_toward_the_group(self):
        outcomes = pl.DataFrame({
            "debtor_id": [1, 1, 1] + [2] * 40, "client_id": [7] * 43,
            "channel": ["call"] * 43, "weekday": [1] * 43,
            "local_hour": [19, 19, 10] + [10] * 20 + [19] * 20,
            "responded": [True, True, False]
            + [True] * 5 + [False] * 15 + [True] * 5 + [False] * 15,
        })  # fmt: skip
        keys = pl.DataFrame({"debtor_id": [1, 3], "client_id": [7, 7], "channel": ["call", "call"]})
        rates = hour_rates(keys, outcomes, group="client_id", weekday=1, hours=[10, 19],
                           strength=6.0)  # fmt: skip
        rate = {(d, h): r for d, h, r in rates.select("debtor_id", "local_hour", "rate").rows()}
        assert rate[(3, 10)] == pytest.approx(rate[(3, 19)], rel=0.2)  # a stranger: the group's
        assert rate[(1, 19)] > rate[(3, 19)] and rate[(1, 10)] < rate[(3, 10)]
        assert rate[(1, 19)] < 1.0  # two answers of two is not certainty
        assert hour_rates(keys, outcomes.clear(), group="client_id", weekday=1,
                          hours=[10])["rate"].to_list() == [0.5, 0.5]  # fmt: skip
        # base: everyone's rate (the prior's mean), the yardstick across debtors.
        assert rates["base"].n_unique() == 1
        assert 0.2 < rates["base"][0] < 0.35  # 12 answers of 43 calls, shrunk

    def test_of_two_equal_calls_capacity_goes_to_the_debtor_who_answers(self):
        # Debtor 1 answered a call at every hour of the day, debtor 2 never did; debtor 2
        # owes a little more. Scaling by the rate relative to the debtor's *own* mean (the
        # first version) left them level and called debtor 2; relative to everyone's, the one
        # who answers is worth calling first.
        now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        judged = pl.DataFrame({
            "account_id": [1, 2], "debtor_id": [1, 2], "client_id": [7, 7],
            "channel": ["call", "call"], "status": ["planned", "planned"],
            "jurisdiction": ["CN", "CN"], "time_zones": [["Asia/Shanghai"]] * 2,
            "now": [now, now], "not_before": [now, now], "expected_gain": [10_000.0, 10_500.0],
            "action_cost_minor": [150, 150], "expected_value_minor": [9_850, 9_850],
            "reason": ["step", "step"], "suppressed_by": [None, None],
        }, schema_overrides={"suppressed_by": pl.String})  # fmt: skip
        hours = range(1, 12)  # 09:00-19:00 in Shanghai, a week ago
        history = pl.DataFrame({
            "debtor_id": [1] * 11 + [2] * 11, "account_id": [1] * 11 + [2] * 11,
            "channel": ["call"] * 22, "direction": ["out"] * 22,
            "occurred_at": [now - timedelta(days=7) + timedelta(hours=h) for h in hours] * 2,
            "outcome": ["conversation"] * 11 + ["no_answer"] * 11,
        })  # fmt: skip
        out = decide(judged, history, as_of=AS_OF, capacity=1)
        status = dict(out.select("account_id", "status").rows())
        assert status == {1: "planned", 2: "suppressed"}

    def test_capacity_goes_to_the_call_worth_more_in_a_common_currency(self):
        # Two debtors who answer alike; the USD call brings in fewer minor units but more money.
        now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        judged = pl.DataFrame({
            "account_id": [1, 2], "debtor_id": [1, 2], "client_id": [7, 7],
            "channel": ["call", "call"], "status": ["planned", "planned"],
            "jurisdiction": ["CN", "CN"], "time_zones": [["Asia/Shanghai"]] * 2,
            "now": [now, now], "not_before": [now, now], "expected_gain": [10_000.0, 5_000.0],
            "action_cost_minor": [150, 100], "expected_value_minor": [9_850, 4_900],
            "value_rate": [1.0, 7.1],
            "reason": ["step", "step"], "suppressed_by": [None, None],
        }, schema_overrides={"suppressed_by": pl.String})  # fmt: skip
        history = pl.DataFrame(schema={"debtor_id": pl.Int64, "account_id": pl.Int64,
                                       "channel": pl.String, "direction": pl.String,
                                       "occurred_at": pl.Datetime("us", "UTC"),
                                       "outcome": pl.String})  # fmt: skip
        out = decide(judged, history, as_of=AS_OF, capacity=1)
        status = dict(out.select("account_id", "status").rows())
        assert status == {1: "suppressed", 2: "planned"}
        # the EV recorded on the call is in its own currency (cents), not the common unit
        ev = out.filter(pl.col("account_id") == 2)["expected_value_minor"][0]
        assert 0 < ev < 5_000

    @staticmethod
    def _two_calls_and_a_text(min_return: float) -> pl.DataFrame:
        # Account 1: a big expected gain for a cheap call (return 100 per unit of cost);
        # account 2: a smaller gain for a dear call (return 10), and a text of the same day.
        now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
        return pl.DataFrame({
            "account_id": [1, 2, 2], "debtor_id": [1, 2, 2], "client_id": [7, 7, 7],
            "channel": ["call", "call", "sms"], "status": ["planned"] * 3,
            "jurisdiction": ["CN"] * 3, "time_zones": [["Asia/Shanghai"]] * 3,
            "now": [now] * 3, "not_before": [now] * 3,
            "expected_gain": [15_000.0, 4_000.0, 500.0], "action_cost_minor": [150, 400, 5],
            "expected_value_minor": [14_850, 3_600, 495], "min_return": [min_return] * 3,
            "reason": ["step"] * 3, "suppressed_by": [None] * 3,
        }, schema_overrides={"suppressed_by": pl.String})  # fmt: skip

    def test_a_call_below_the_minimum_return_is_not_made_even_with_capacity_left(self):
        empty = pl.DataFrame(schema={"debtor_id": pl.Int64, "account_id": pl.Int64,
                                     "channel": pl.String, "direction": pl.String,
                                     "occurred_at": pl.Datetime("us", "UTC"),
                                     "outcome": pl.String})  # fmt: skip
        # At the break-even hurdle (1) both calls pay for themselves and both are made.
        both = decide(self._two_calls_and_a_text(1.0), empty, as_of=AS_OF, capacity=5)
        assert both.filter(pl.col("channel") == "call")["status"].to_list() == ["planned"] * 2
        # At 20 per unit of cost the dear call is left out, with the reason, though two
        # places stay free; the same account's text still goes (decided on its own EV).
        out = decide(self._two_calls_and_a_text(20.0), empty, as_of=AS_OF, capacity=5)
        rows = {(a, c): (st, by, why) for a, c, st, by, why in out.select(
            "account_id", "channel", "status", "suppressed_by", "reason").rows()}  # fmt: skip
        assert rows[(1, "call")][0] == "planned"
        assert rows[(2, "call")][:2] == ("suppressed", "value")
        assert "below the minimum return 20" in rows[(2, "call")][2]
        assert rows[(2, "sms")][0] == "planned"
        # The EV recorded on the call made is its money (gain − cost), not net of the hurdle.
        assert out.filter(pl.col("account_id") == 1)["expected_value_minor"].to_list() == [14_850]

    def test_the_hurdle_prefers_the_better_return_over_the_larger_gain(self):
        # One place: at break-even the larger net EV wins; at a hurdle of 50 per unit of cost,
        # gain − 50 × cost decides (Dinkelbach's parametric form of the ratio).
        now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
        empty = pl.DataFrame(schema={"debtor_id": pl.Int64, "account_id": pl.Int64,
                                     "channel": pl.String, "direction": pl.String,
                                     "occurred_at": pl.Datetime("us", "UTC"),
                                     "outcome": pl.String})  # fmt: skip

        def judged(min_return: float) -> pl.DataFrame:
            return pl.DataFrame({
                "account_id": [1, 2], "debtor_id": [1, 2], "client_id": [7, 7],
                "channel": ["call", "call"], "status": ["planned"] * 2,
                "jurisdiction": ["CN"] * 2, "time_zones": [["Asia/Shanghai"]] * 2,
                "now": [now] * 2, "not_before": [now] * 2,
                # account 1: gain 30,000 for 600 (return 50); account 2: 20,000 for 100 (200)
                "expected_gain": [30_000.0, 20_000.0], "action_cost_minor": [600, 100],
                "expected_value_minor": [29_400, 19_900], "min_return": [min_return] * 2,
                "reason": ["step"] * 2, "suppressed_by": [None] * 2,
            }, schema_overrides={"suppressed_by": pl.String})  # fmt: skip

        def planned(min_return: float) -> list[int]:
            out = decide(judged(min_return), empty, as_of=AS_OF, capacity=1)
            return out.filter(pl.col("status") == "planned")["account_id"].to_list()

        assert planned(1.0) == [1]
        assert planned(50.0) == [2]

    def test_the_minimum_return_is_not_negative(self):
        with pytest.raises(ValueError, match="min_return"):
            ValueModel(min_return=-1.0)
        frame = value_columns(actions(), ValueModel(min_return=30.0))
        assert frame["min_return"].to_list() == [30.0] * 3

    def test_local_time_across_zones(self):
        at = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # a Monday
        frame = pl.DataFrame({"at": [at, at], "zone": ["Asia/Shanghai", "America/New_York"]})
        out = local_time(frame, "at", "zone").sort("zone")
        assert out.select("zone", "local_hour", "weekday").rows() == [
            ("America/New_York", 20, 7), ("Asia/Shanghai", 9, 1)]  # fmt: skip


@pytest.mark.db
class TestValuePriorityPlan:
    @pytest.fixture
    def demo(self, uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher, tmp_path: Path,
             clock: Callable[[], datetime]) -> Callable[[], UnitOfWork]:  # fmt: skip
        load_demo(out_dir=tmp_path / "demo", accounts=200, seed=5, as_of=AS_OF,
                  uow_factory=uow_factory, cipher=cipher, reject_dir=tmp_path / "rejects",
                  clock=clock)  # fmt: skip
        load_history(uow_factory=uow_factory, as_of=AS_OF, seed=5, at=clock())
        return uow_factory

    def test_value_plan_keeps_capacity_places_calls_later_only_and_drops_worthless(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        summary = service.run_daily_plan(
            uow_factory=demo, strategies=load_strategies(ROOT / "config" / "strategies"),
            rulebooks=load_rulebooks(ROOT / "config" / "rulebooks"), as_of=AS_OF,
            clock=lambda: datetime(2026, 11, 20, 0, 5, tzinfo=UTC), actor="test",
            params=PlanParams(call_capacity=15, priority="value"),
        )  # fmt: skip
        assert 0 < summary.counts.get("planned:call", 0) <= 15
        with engine.connect() as db:
            calls = db.execute(text(
                "SELECT expected_value_minor, not_before, priority FROM planned_actions"
                " WHERE channel = 'call' AND status = 'planned'")).all()  # fmt: skip
            worthless = db.execute(
                text(
                    "SELECT count(*) FROM planned_actions WHERE status = 'planned'"
                    " AND channel IN ('call', 'sms', 'email') AND expected_value_minor <= 0"
                )
            ).scalar()
            capacity = db.execute(text("SELECT count(*) FROM planned_actions"
                                       " WHERE suppressed_by = 'capacity'")).scalar()  # fmt: skip
        assert worthless == 0 and capacity and capacity > 0
        assert all(ev > 0 and priority == ev for ev, _, priority in calls)
        day_start = datetime(2026, 11, 19, 12, tzinfo=UTC)  # 08:00 in any of the demo's zones
        assert all(day_start <= _utc(nb) < day_start + timedelta(days=2) for _, nb, _ in calls)


def _utc(value: datetime | str) -> datetime:
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value if value.tzinfo else value.replace(tzinfo=UTC)
