"""Champion/challenger: recovery per arm, the lift with its interval, and the verdicts."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from arrears.analytics.measures import experiments


def cohort_and_payments(paid: dict[str, list[int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows, pays, n = [], [], 0
    for arm, amounts in paid.items():
        for amount in amounts:
            n += 1
            rows.append((n, "m1-tone", arm, "CNY", 1_000))
            if amount:
                pays.append((n, amount, date(2026, 11, 1)))
    cohort = pl.DataFrame(rows, schema={"account_id": pl.Int64, "experiment": pl.String,
                                        "arm": pl.String, "currency": pl.String,
                                        "base_minor": pl.Int64}, orient="row")  # fmt: skip
    payments = pl.DataFrame(pays, schema={"account_id": pl.Int64, "amount_minor": pl.Int64,
                                          "paid_on": pl.Date}, orient="row")  # fmt: skip
    return cohort, payments


def test_arm_results_by_hand():
    cohort, payments = cohort_and_payments({"standard": [100, 0, 200], "empathetic": [300, 300]})
    out = {r["arm"]: r for r in experiments.arm_results(cohort, payments).iter_rows(named=True)}
    assert (out["standard"]["accounts"], out["standard"]["collected_minor"]) == (3, 300)
    assert out["standard"]["recovery_rate"] == pytest.approx(0.1)
    assert out["empathetic"]["per_account_minor"] == 300
    # Delta-method variance by hand: R = 0.1, residuals 0, -100, 100; Σ = 20,000;
    # ÷ (3 × 2) ÷ 1,000² = 0.003333...
    assert out["standard"]["rate_var"] == pytest.approx(20_000 / 6 / 1_000_000)


def test_a_clear_lift_is_significant_and_said_in_both_languages():
    rng = np.random.default_rng(1)
    champion = list(rng.binomial(1, 0.20, 2_000) * 1_000)
    challenger = list(rng.binomial(1, 0.26, 2_000) * 1_000)
    cohort, payments = cohort_and_payments({"standard": champion, "empathetic": challenger})
    arms = experiments.arm_results(cohort, payments)
    row = experiments.compare(arms, {"m1-tone": "standard"}, 60).row(0, named=True)
    r0 = sum(champion) / 2_000_000
    r1 = sum(challenger) / 2_000_000
    assert row["lift"] == pytest.approx(r1 / r0 - 1)
    assert row["low"] < row["lift"] < row["high"] and row["low"] > 0 and row["p"] < 0.05
    lift = f"{row['lift'] * 100:.1f} %"
    assert row["verdict_en"].startswith(f"challenger empathetic recovers {lift} more, 95 % CI ")
    assert row["verdict_en"].endswith("after 60 days")
    assert row["verdict_zh"].startswith(f"挑战者 empathetic 回收率高 {lift}，95 % 置信区间")


def test_no_difference_and_too_few_accounts_are_said_plainly():
    rng = np.random.default_rng(2)
    same = {"standard": list(rng.binomial(1, 0.2, 500) * 1_000),
            "empathetic": list(rng.binomial(1, 0.2, 500) * 1_000)}  # fmt: skip
    arms = experiments.arm_results(*cohort_and_payments(same))
    row = experiments.compare(arms, {"m1-tone": "standard"}, 30).row(0, named=True)
    if row["p"] >= 0.05:  # same true rate: the verdict says so
        assert "no significant difference" in row["verdict_en"]
        assert "无显著差异" in row["verdict_zh"]
    few = experiments.arm_results(*cohort_and_payments({"a": [1, 2], "b": [3, 4]}))
    row = experiments.compare(few, {}, 10).row(0, named=True)
    assert row["champion"] == "a" and row["p"] is None
    assert row["verdict_en"] == "challenger b: too few accounts for a verdict after 10 days"
