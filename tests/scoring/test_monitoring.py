"""PSI against hand-computed values; AUC, KS and calibration on simple cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from arrears.scoring.monitoring import (
    Reference,
    performance,
    psi,
    psi_against,
    psi_status,
    reference,
    shares,
)


def test_psi_of_two_bins_by_hand():
    # (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5)
    expected = -0.25 * math.log(0.5) + 0.25 * math.log(1.5)
    assert psi([0.5, 0.5], [0.25, 0.75]) == pytest.approx(expected)
    assert expected == pytest.approx(0.2747, abs=1e-4)
    assert psi([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]) == 0.0


def test_an_empty_bin_counts_as_a_tiny_share_and_missing_values_are_a_bin():
    assert psi([0.5, 0.5, 0.0], [0.5, 0.4, 0.1]) == pytest.approx(
        -0.1 * math.log(0.4 / 0.5) + (0.1 - 1e-4) * math.log(0.1 / 1e-4)
    )
    values = np.array([1.0, 2.0, 3.0, np.nan])
    # Bins: x <= 1.5, 1.5 < x <= 2.5, x > 2.5, then missing.
    assert shares(values, [1.5, 2.5]) == [0.25, 0.25, 0.25, 0.25]


def test_reference_deciles_and_the_same_population_is_stable():
    rng = np.random.default_rng(1)
    ref = reference(rng.normal(size=20_000))
    assert len(ref.edges) == 9 and sum(ref.shares) == pytest.approx(1.0)
    same = psi_against(ref, rng.normal(size=20_000))
    moved = psi_against(ref, rng.normal(loc=0.5, size=20_000))
    assert same < 0.01 and psi_status(same) == "stable"
    assert moved > 0.2 and psi_status(moved) in ("watch", "shift")
    assert Reference.from_json(ref.to_json()) == ref


def test_thresholds_read_as_documented():
    assert [psi_status(v) for v in (0.05, 0.1, 0.25, 0.26)] == ["stable", "watch", "watch", "shift"]


def test_performance_of_a_perfect_and_a_useless_ranking():
    y = np.array([0, 0, 0, 1, 1, 1])
    perfect = performance(y, np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9]))
    assert perfect.auc == 1.0 and perfect.ks == 1.0 and perfect.positives == 3
    half = np.array([0, 1] * 50)
    flat = performance(half, np.full(100, 0.5))  # right on average, no ranking at all
    assert flat.auc == 0.5 and flat.ks == 0.0 and flat.ece == 0.0 and flat.brier == 0.25
    one_class = performance(np.zeros(4, dtype=int), np.full(4, 0.1))
    assert one_class.auc is None and one_class.brier == pytest.approx(0.01)
