"""``joins.attach`` is a left (or inner) join in the left frame's order, merged when sorted.

Whether the left frame comes in key order or not, with repeated keys on either side
and missing keys, it gives the rows of Polars' own join, in the left frame's order.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from arrears.planner.joins import attach


def _frames(seed: int, in_order: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 400, 1000)
    left = pl.DataFrame({"k": np.sort(keys) if in_order else keys, "a": np.arange(1000)})
    right = pl.DataFrame({"k": rng.integers(0, 500, 600), "b": rng.integers(0, 9, 600)})
    return left, right


@pytest.mark.parametrize("in_order", [True, False])
@pytest.mark.parametrize("how", ["left", "inner"])
def test_same_rows_as_the_join_in_the_left_order(in_order: bool, how: str) -> None:
    left, right = _frames(5, in_order)
    got = attach(left, right, "k", how=how)  # type: ignore[arg-type]
    expected = left.join(right, on="k", how=how, maintain_order="left_right")  # type: ignore[arg-type]
    assert_frame_equal(got, expected)


def test_unique_keys_keep_every_left_row_once() -> None:
    left, right = _frames(6, True)
    found = attach(left, right.unique("k", keep="first"), "k")
    assert found.height == left.height
    assert found["a"].to_list() == left["a"].to_list()


@pytest.mark.parametrize("how", ["left", "inner"])
def test_a_frame_computed_row_by_row_from_the_left_one_joins_as_the_join_does(how: str) -> None:
    left = pl.DataFrame({"k": [1, 2, 5, 9], "a": [10, 20, 50, 90]})
    computed = left.select("k", (pl.col("a") * 2).alias("b"))
    repeated = pl.DataFrame({"k": [1, 1, 5, 9], "a": [1, 2, 3, 4]})
    for right in (computed, computed.reverse(), repeated.select("k", pl.col("a").alias("b"))):
        got = attach(left, right, "k", how=how)  # type: ignore[arg-type]
        expected = left.join(right, on="k", how=how, maintain_order="left_right")  # type: ignore[arg-type]
        assert_frame_equal(got, expected)
    twice = pl.DataFrame({"k": [1, 1, 2], "a": [1, 2, 3]})
    assert_frame_equal(
        attach(twice, twice.select("k", pl.col("a").alias("b")), "k", how=how),  # type: ignore[arg-type]
        twice.join(twice.select("k", pl.col("a").alias("b")), on="k", how=how,  # type: ignore[arg-type]
                   maintain_order="left_right"),
    )  # fmt: skip
