"""Today's steps: triggers, once-per-segment, repeats, fallbacks, stops, reasons."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from tests.strategy.helpers import make_strategy, plan, segment, steps_of
from tests.strategy.portfolio import accounts

from arrears.strategy import OUTPUT_SCHEMA, Strategy, todays_steps


def sms(step_id: str, **triggers: Any) -> dict[str, Any]:
    return {"id": step_id, "action": "sms", "template": "t", **triggers}


def single(*steps: dict[str, Any], when: str = "true", **extra: Any) -> Strategy:
    return make_strategy(segment("S", when, *steps, **extra))


def due(strategy: Strategy, **features: Any) -> list[str | None]:
    return steps_of(plan(accounts(features), strategy))


class TestAtDpd:
    STRATEGY = single(sms("first", at_dpd=1), sms("third", at_dpd=3))

    def test_a_step_is_due_once_dpd_reaches_its_day(self) -> None:
        assert due(self.STRATEGY, dpd=0) == []
        assert due(self.STRATEGY, dpd=1) == ["first"]

    def test_a_step_done_in_the_segment_is_not_due_again(self) -> None:
        assert due(self.STRATEGY, dpd=3, steps_done=["first"]) == ["third"]
        assert due(self.STRATEGY, dpd=9, steps_done=["first", "third"]) == []

    def test_a_late_arrival_gets_the_steps_it_missed_on_one_day(self) -> None:
        assert due(self.STRATEGY, dpd=5) == ["first", "third"]

    def test_until_dpd_stops_offering_a_step(self) -> None:
        strategy = single(sms("early", at_dpd=1, until_dpd=2))
        assert due(strategy, dpd=2) == ["early"]
        assert due(strategy, dpd=3) == []

    def test_negative_days_are_reminders_before_the_due_date(self) -> None:
        strategy = single(sms("pre-3", at_dpd=-3, until_dpd=-2), sms("pre-1", at_dpd=-1))
        assert due(strategy, dpd=-4) == []
        assert due(strategy, dpd=-3) == ["pre-3"]
        assert due(strategy, dpd=-1, steps_done=["pre-3"]) == ["pre-1"]

    def test_unknown_steps_done_counts_as_nothing_done(self) -> None:
        assert due(self.STRATEGY, dpd=1, steps_done=None) == ["first"]


class TestOtherTriggers:
    def test_after_segment_days_counts_days_in_the_segment(self) -> None:
        strategy = single(sms("week", after_segment_days=7))
        assert due(strategy, segment_days=6) == []
        assert due(strategy, segment_days=7) == ["week"]

    def test_an_event_step_answers_each_occurrence_of_its_event(self) -> None:
        strategy = single({"id": "pb", "action": "call", "on_event": "promise_broken"})
        assert due(strategy, events=[]) == []
        assert due(strategy, events=["payment_received", "promise_broken"]) == ["pb"]
        assert due(strategy, events=["promise_broken"], steps_done=["pb"]) == ["pb"]

    def test_when_adds_any_condition(self) -> None:
        strategy = single(sms("rich", at_dpd=1, when="balance >= 5000"))
        assert due(strategy, dpd=1, balance=4999) == []
        assert due(strategy, dpd=1, balance=5000) == ["rich"]


class TestFallbacks:
    def test_no_reply_to_an_email_after_n_days(self) -> None:
        strategy = single(
            {"id": "fb", "action": "call", "fallback": {"after": "email", "no_reply_days": 3}}
        )
        assert due(strategy, days_since_last_email=2) == []
        assert due(strategy, days_since_last_email=3) == ["fb"]
        assert due(strategy, days_since_last_email=3, replied_since_last_message=True) == []
        assert due(strategy, days_since_last_email=3, replied_since_last_message=None) == ["fb"]

    def test_unanswered_calls(self) -> None:
        strategy = single(sms("fb", fallback={"after": "call", "unanswered": 3}))
        assert due(strategy, unanswered_calls=2) == []
        assert due(strategy, unanswered_calls=3) == ["fb"]

    def test_voicemail(self) -> None:
        strategy = single(sms("fb", fallback={"after": "voicemail"}))
        assert due(strategy, last_call_outcome="no_answer") == []
        assert due(strategy, last_call_outcome="voicemail") == ["fb"]

    @pytest.mark.parametrize(
        "fallback",
        [
            {"after": "email"},
            {"after": "call", "no_reply_days": 3},
            {"after": "voicemail", "unanswered": 1},
        ],
    )
    def test_a_fallback_with_the_wrong_keys_is_refused(self, fallback: dict[str, Any]) -> None:
        with pytest.raises(ValueError, match="after"):
            single(sms("fb", fallback=fallback))


class TestRepeats:
    STRATEGY = single({"id": "call", "action": "call", "at_dpd": 3, "every_days": 2})

    def test_a_repeating_step_is_due_again_after_its_interval(self) -> None:
        last = [{"step": "call", "days_ago": 1}]
        assert (
            steps_of(
                plan(
                    accounts({"dpd": 5, "steps_done": ["call"], "steps_last_done": last}),
                    self.STRATEGY,
                )
            )
            == []
        )
        last = [{"step": "call", "days_ago": 2}]
        assert steps_of(
            plan(
                accounts({"dpd": 5, "steps_done": ["call"], "steps_last_done": last}), self.STRATEGY
            )
        ) == ["call"]

    def test_without_the_repeat_feature_a_repeating_step_is_done_once(self) -> None:
        assert due(self.STRATEGY, dpd=5) == ["call"]
        assert due(self.STRATEGY, dpd=9, steps_done=["call"]) == []

    def test_an_event_step_cannot_also_repeat(self) -> None:
        with pytest.raises(ValueError, match="every_days does not apply"):
            single({"id": "x", "action": "call", "on_event": "no_reply", "every_days": 2})


class TestStops:
    def test_stop_when_suppresses_the_account_with_the_reason(self) -> None:
        strategy = single(sms("s", at_dpd=1), stop_when="on_hold or disputed")
        result = plan(accounts({"dpd": 5, "disputed": True}), strategy)
        assert result.height == 1
        row = result.row(0, named=True)
        assert row["step"] is None and row["segment"] == "S"
        assert row["suppressed_reason"] == "segment S stops when on_hold or disputed"

    def test_a_stop_segment_step_holds_back_the_later_steps_until_it_is_done(self) -> None:
        strategy = single(
            {"id": "notice", "action": "letter:notice", "at_dpd": 0, "stop_segment": True},
            sms("later", at_dpd=0),
        )
        assert due(strategy, dpd=10) == ["notice"]
        assert due(strategy, dpd=10, steps_done=["notice"]) == ["later"]

    def test_a_checkpoint_not_yet_due_does_not_hold_back_event_steps(self) -> None:
        strategy = single(
            {"id": "demand", "action": "letter:formal_demand", "at_dpd": 30, "stop_segment": True},
            {"id": "pb", "action": "call", "on_event": "promise_broken"},
        )
        assert due(strategy, dpd=10, events=["promise_broken"]) == ["pb"]
        assert due(strategy, dpd=30, events=["promise_broken"]) == ["demand"]

    def test_a_checkpoint_that_does_not_apply_holds_nothing_back(self) -> None:
        strategy = single(
            {
                "id": "letter",
                "action": "letter:x",
                "at_dpd": 0,
                "when": "has_address",
                "stop_segment": True,
            },
            sms("later", at_dpd=0),
        )
        assert due(strategy, dpd=1, has_address=False) == ["later"]


class TestRows:
    STRATEGY = make_strategy(
        segment(
            "M2",
            "dpd between 31 and 60",
            sms("m2-sms-1", at_dpd=31),
            {"id": "m2-letter", "action": "letter:demand_letter_cn", "at_dpd": 31, "priority": 70},
            {"id": "m2-call", "action": "call", "at_dpd": 31},
            priority=60,
        ),
        defaults={"quiet": True},
    )

    def test_several_steps_due_on_one_day_are_all_returned_by_priority_then_order(self) -> None:
        assert due(self.STRATEGY, dpd=35) == ["m2-letter", "m2-sms-1", "m2-call"]

    def test_a_row_explains_itself(self) -> None:
        result = plan(accounts({"dpd": 35}), self.STRATEGY)
        row = result.filter(pl.col("step") == "m2-sms-1").row(0, named=True)
        assert row["reason"] == "dpd 35 ≥ 31 in segment M2 (dpd between 31 and 60): step m2-sms-1"
        assert (row["strategy"], row["strategy_version"]) == ("test", "1")
        assert (row["action"], row["channel"], row["template"]) == ("sms", "sms", "t")
        assert row["step_priority"] == 60  # the segment's priority unless the step has one
        assert row["quiet"] is True  # from the strategy's defaults

    def test_a_letter_is_planned_with_the_template_named_in_its_action(self) -> None:
        result = plan(accounts({"dpd": 35}), self.STRATEGY)
        row = result.filter(pl.col("step") == "m2-letter").row(0, named=True)
        assert (row["channel"], row["template"], row["step_priority"]) == (
            "letter",
            "demand_letter_cn",
            70,
        )

    def test_the_output_has_the_documented_columns(self) -> None:
        assert plan(accounts({"dpd": 35}), self.STRATEGY).schema == pl.Schema(OUTPUT_SCHEMA)

    def test_accounts_without_a_segment_get_no_rows(self) -> None:
        assert plan(accounts({"dpd": 5}), self.STRATEGY).height == 0

    def test_an_experiment_arm_changes_the_steps_and_is_named_in_the_reason(self) -> None:
        strategy = make_strategy(
            segment("M1", "true", sms("s1", at_dpd=1)),
            experiments=[
                {
                    "id": "tone",
                    "segment": "M1",
                    "arms": [
                        {"id": "champion", "share": 0.5},
                        {
                            "id": "soft",
                            "share": 0.5,
                            "step_overrides": {"s1": {"template": "soft"}},
                        },
                    ],
                }
            ],
        )
        frame = accounts(*({"account_id": i, "dpd": 1} for i in (2, 3)))  # arms A and B
        rows = plan(frame, strategy).select("arm", "template", "reason").rows()
        assert rows[0][:2] == ("champion", "t")
        assert rows[1][:2] == ("soft", "soft")
        assert rows[1][2].endswith("experiment tone arm soft: step s1")


class TestActions:
    @pytest.mark.parametrize(
        ("action", "channel"),
        [
            ("email", "email"),
            ("task:skip_trace", "task"),
            ("escalate:collections_agency", "escalation"),
            ("legal_review", "legal"),
            ("place_with_agency", "placement"),
            ("write_off_review", "review"),
        ],
    )
    def test_each_action_has_its_channel(self, action: str, channel: str) -> None:
        step: dict[str, Any] = {"id": "x", "action": action, "at_dpd": 0}
        if action == "email":
            step["template"] = "t"
        result = plan(accounts({"dpd": 1}), single(step))
        assert result["channel"].to_list() == [channel]

    @pytest.mark.parametrize(
        ("step", "message"),
        [
            ({"action": "letter:Bad Name"}, "write a name in lower case"),
            ({"action": "letter:x", "template": "y"}, "named in its action"),
            ({"action": "legal_review", "template": "y"}, "has no template"),
            ({"action": "email"}, "needs a template"),
            ({"action": "call", "at_dpd": None}, "a step needs a trigger"),
        ],
    )
    def test_an_action_and_template_must_fit(self, step: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            single({"id": "x", "at_dpd": 0, **step})


class TestEdges:
    def test_no_strategies_plan_nothing(self) -> None:
        assert plan(accounts({"dpd": 3})).height == 0

    def test_an_empty_portfolio_plans_nothing_with_the_documented_columns(self) -> None:
        strategy = single(sms("s", at_dpd=1))
        result = plan(accounts({"dpd": 3}).filter(pl.lit(False)), strategy)
        assert result.height == 0
        assert result.schema == pl.Schema(OUTPUT_SCHEMA)

    def test_a_frame_without_the_assignments_is_refused_with_the_missing_columns(self) -> None:
        with pytest.raises(ValueError, match="lacks strategy, strategy_version"):
            todays_steps(accounts({}), [single(sms("s", at_dpd=1))])
