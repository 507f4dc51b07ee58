"""Reason codes: the largest contributions, in a collector's words, in both languages."""

from __future__ import annotations

import numpy as np

from arrears.scoring.reasons import describe, describe_all, top_reasons


def test_the_largest_contributions_either_way_become_the_reasons():
    contributions = np.array([[0.1, -0.9, 0.5, 0.0], [0.0, 0.0, 0.0, 0.2]])
    values = np.array([[3.0, 2.0, np.nan, 1.0], [0.0, 0.0, 0.0, 4.0]])
    names = ["payments_90d", "days_since_promise_broken", "days_since_last_payment", "dpd"]
    first, second = top_reasons(contributions, values, names, top=3)
    assert [r["feature"] for r in first] == [
        "days_since_promise_broken", "days_since_last_payment", "payments_90d",
    ]  # fmt: skip
    assert first[1]["value"] is None and first[0]["contribution"] == -0.9
    assert second == [{"feature": "dpd", "value": 4.0, "contribution": 0.2}]  # zeros say nothing


def test_reasons_read_like_a_collector_would_say_them():
    paid = {"feature": "payments_90d", "value": 3.0, "contribution": 0.4}
    broken = {"feature": "days_since_promise_broken", "value": 5.0, "contribution": -0.7}
    assert describe(paid) == "paid 3 times in the last 90 days — more likely to pay"
    assert describe(broken) == "promise broken last week — less likely to pay"
    assert describe(paid, "zh-CN") == "近90天还款3次——还款可能性上升"
    assert describe(broken, "zh-CN") == "上周有承诺违约——还款可能性下降"


def test_zero_counts_missing_recency_and_amounts_have_their_own_words():
    reasons = [
        {"feature": "payments_30d", "value": 0.0, "contribution": -0.2},
        {"feature": "days_since_last_payment", "value": None, "contribution": -0.3},
        {"feature": "payments_180d", "value": 1.0, "contribution": 0.1},
        {"feature": "balance_minor", "value": 123_456.0, "contribution": -0.1},
    ]
    assert describe_all(reasons, "en-US", "USD") == [
        "no payment in the last 30 days — less likely to pay",
        "has never paid — less likely to pay",
        "paid 1 time in the last 180 days — more likely to pay",
        "owes $1,234.56 — less likely to pay",
    ]
    zh = describe_all(reasons, "zh-CN", "CNY")
    assert zh[0].startswith("近30天没有还款") and zh[1].startswith("从未还款")
    assert "1,234.56" in zh[3] and zh[3].startswith("欠款")


def test_a_feature_without_words_shows_its_name_and_value():
    text = describe({"feature": "LIMIT_BAL", "value": 50000.0, "contribution": 0.3})
    assert text == "LIMIT_BAL = 50000 — more likely to pay"
