"""Champion/challenger: arms by a stable hash, shares respected, experiments independent."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from tests.strategy.helpers import make_strategy, segment
from tests.strategy.portfolio import accounts

from arrears.strategy import Strategy, assign_arms, assign_segments, choose_strategies
from arrears.strategy.hashing import account_unit, experiment_seed, murmur3_32, unit_interval

STEP = {"id": "s1", "action": "sms", "template": "t", "at_dpd": 1}


def with_experiments(*experiments: dict[str, object]) -> Strategy:
    return make_strategy(
        segment("M1", "dpd between 1 and 30", STEP),
        segment("M2", "dpd > 30"),
        experiments=list(experiments),
    )


def experiment(
    exp_id: str = "tone", shares: tuple[float, ...] = (0.5, 0.5), **extra: object
) -> dict[str, Any]:
    arms = [{"id": chr(ord("A") + i), "share": s} for i, s in enumerate(shares)]
    return {"id": exp_id, "segment": "M1", "arms": arms, **extra}


def arms_of(frame: pl.LazyFrame, strategy: Strategy, as_of: date | None = None) -> pl.DataFrame:
    strategies = [strategy]
    chosen = assign_segments(choose_strategies(frame, strategies), strategies)
    return assign_arms(chosen, strategies, as_of=as_of).collect()


def many(n: int, dpd: int = 5) -> pl.LazyFrame:
    base = accounts({"dpd": dpd}).collect()
    return (
        base.select(pl.exclude("account_id"))
        .join(pl.DataFrame({"account_id": range(1, n + 1)}), how="cross")
        .lazy()
    )


class TestMurmur3:
    @pytest.mark.parametrize(
        ("data", "seed", "expected"),
        [
            (b"", 0, 0),
            (b"", 1, 0x514E28B7),
            (b"", 0xFFFFFFFF, 0x81F16F39),
            (b"\0\0\0\0", 0, 0x2362F9DE),
            (b"aaaa", 0x9747B28C, 0x5A97808A),
            (b"Hello, world!", 0x9747B28C, 0x24884CBA),
            (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
        ],
    )
    def test_the_reference_implementation_matches_the_published_vectors(
        self, data: bytes, seed: int, expected: int
    ) -> None:
        assert murmur3_32(data, seed) == expected

    def test_the_polars_hash_equals_the_reference_for_any_id(self) -> None:
        ids = [0, 1, 2, -1, 2**31, 2**63 - 1, -(2**63), 123_456_789_012]
        frame = pl.DataFrame({"id": ids}, schema={"id": pl.Int64})
        seed = experiment_seed("x")
        units = frame.select(unit_interval(pl.col("id"), seed)).to_series().to_list()
        assert units == [account_unit(i, "x") for i in ids]

    def test_the_seed_is_derived_from_the_experiment_id(self) -> None:
        assert experiment_seed("m1-sms-tone") == 0xC436D0AD


class TestAssignArms:
    def test_assignment_is_stable_across_runs_machines_and_versions(self) -> None:
        result = arms_of(many(8), with_experiments(experiment("m1-sms-tone")))
        # Units 0.72 0.02 0.48 0.90 0.87 0.30 0.85 0.91: below 0.5 is arm A.
        assert result["arm"].to_list() == ["B", "A", "A", "B", "B", "A", "B", "B"]
        assert set(result["experiment"]) == {"m1-sms-tone"}

    @pytest.mark.parametrize("shares", [(0.5, 0.5), (0.2, 0.3, 0.5), (0.9, 0.1)])
    def test_shares_are_respected_on_100k_accounts(self, shares: tuple[float, ...]) -> None:
        n = 100_000
        result = arms_of(many(n), with_experiments(experiment(shares=shares)))
        counts = result.group_by("arm").len().sort("arm")["len"].to_list()
        for count, share in zip(counts, shares, strict=True):
            sigma = (n * share * (1 - share)) ** 0.5
            assert abs(count - n * share) < 4 * sigma

    def test_two_experiments_split_the_same_accounts_independently(self) -> None:
        n = 100_000
        first = arms_of(many(n), with_experiments(experiment("first")))["arm"]
        second = arms_of(many(n), with_experiments(experiment("second")))["arm"]
        both = int(((first == "A") & (second == "A")).sum())
        sigma = (n * 0.25 * 0.75) ** 0.5
        assert abs(both - n * 0.25) < 4 * sigma

    def test_accounts_outside_the_segment_have_no_arm(self) -> None:
        result = arms_of(accounts({"dpd": 40}, {"dpd": 5}), with_experiments(experiment()))
        assert result["experiment"].to_list() == [None, "tone"]
        assert result["arm"][0] is None

    def test_a_strategy_without_experiments_gives_null_columns(self) -> None:
        result = arms_of(accounts({"dpd": 5}), with_experiments())
        assert result.select("experiment", "arm").row(0) == (None, None)


class TestDates:
    DATED = experiment(start=date(2026, 11, 1), end=date(2026, 11, 30))

    def test_an_experiment_assigns_arms_only_between_its_dates(self) -> None:
        strategy = with_experiments(self.DATED)
        inside = arms_of(accounts({"dpd": 5}), strategy, as_of=date(2026, 11, 30))
        after = arms_of(accounts({"dpd": 5}), strategy, as_of=date(2026, 12, 1))
        assert inside["experiment"][0] == "tone"
        assert after["experiment"][0] is None

    def test_a_dated_experiment_needs_the_plan_date(self) -> None:
        with pytest.raises(ValueError, match="pass as_of"):
            arms_of(accounts({"dpd": 5}), with_experiments(self.DATED))


class TestExperimentValidation:
    def test_two_experiments_on_one_segment_at_the_same_time_are_refused(self) -> None:
        with pytest.raises(ValueError, match="already tests segment M1 at the same time"):
            with_experiments(experiment("one"), experiment("two"))

    def test_experiments_on_one_segment_at_different_times_are_fine(self) -> None:
        with_experiments(
            experiment("one", end=date(2026, 10, 31)),
            experiment("two", start=date(2026, 11, 1)),
        )

    def test_an_arm_cannot_both_replace_and_override_steps(self) -> None:
        bad = experiment()
        bad["arms"][1] |= {"steps": [], "step_overrides": {}}
        with pytest.raises(ValueError, match="either steps"):
            with_experiments(bad)
