"""Conditions: SQL over the features, parsed by Polars and checked at load."""

from __future__ import annotations

import polars as pl
import pytest
from tests.strategy.portfolio import accounts

from arrears.strategy.conditions import ConditionError, compile_condition, referenced_features


def evaluate(sql: str, *rows: dict[str, object]) -> list[bool]:
    return accounts(*rows).select(compile_condition(sql)).collect().to_series().to_list()


class TestCompileCondition:
    def test_a_range_on_dpd_and_balance_is_evaluated_per_account(self) -> None:
        sql = "dpd between 31 and 60 and balance >= 500"
        rows: list[dict[str, object]] = [
            {"dpd": 35, "balance": 500},
            {"dpd": 35, "balance": 499.99},
            {"dpd": 61},
        ]
        assert evaluate(sql, *rows) == [True, False, False]

    def test_unknown_counts_as_false_like_a_sql_where(self) -> None:
        assert evaluate("dpd >= 30", {"dpd": None}) == [False]
        assert evaluate("not (dpd >= 30)", {"dpd": None}) == [False]

    def test_list_features_are_read_with_array_contains(self) -> None:
        rows: list[dict[str, object]] = [{"events": ["promise_broken"]}, {"events": []}]
        assert evaluate("array_contains(events, 'promise_broken')", *rows) == [True, False]

    def test_a_constant_is_allowed(self) -> None:
        assert evaluate("true", {}) == [True]

    def test_the_features_read_are_listed_once(self) -> None:
        assert referenced_features("dpd between 1 and 30 and not disputed") == ["dpd", "disputed"]


class TestRefusedConditions:
    @pytest.mark.parametrize(
        ("sql", "message"),
        [
            ("dpd_days > 3", "unknown feature 'dpd_days'"),
            ("dpd > 3 and balanse > 1", "(did you mean 'balance'?)"),
            ("dpd betwen 1 and 3", "not valid SQL"),
            ("dpd >=", "not valid SQL"),
            ("dpd + 1", "is not a true/false condition (it gives Int32)"),
            ("status > 5", "cannot be evaluated"),
            ("sum(dpd) > 3", "not an aggregate"),
            ("1 = 1", "reads no feature"),
            ("  ", "an empty condition"),
        ],
    )
    def test_a_bad_condition_says_why(self, sql: str, message: str) -> None:
        with pytest.raises(ConditionError) as caught:
            compile_condition(sql)
        assert message in str(caught.value)

    def test_an_unknown_feature_lists_the_valid_names(self) -> None:
        with pytest.raises(ConditionError) as caught:
            compile_condition("overdue_days > 3")
        assert "valid features: account_id, account_ref, balance" in str(caught.value)

    def test_feature_names_are_case_sensitive(self) -> None:
        with pytest.raises(ConditionError, match="did you mean 'dpd'"):
            compile_condition("DPD > 3")


def test_the_compiled_expression_is_a_polars_expression() -> None:
    assert isinstance(compile_condition("dpd > 3"), pl.Expr)
