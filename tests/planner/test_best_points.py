"""The contact point chosen per (debtor, channel).

``contacts.best_points`` sorts the points once for every channel; the
reference sorts each channel's points apart with that channel's kind order.
They must choose the same point, ties included (the earlier row wins).
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from arrears.compliance.model import CONTACTS
from arrears.planner.contacts import KIND_RANK, KINDS, best_points, with_best_points

ALL_KINDS = ["mobile", "phone", "landline", "email", "address", "fax"]


def random_points(seed: int, debtors: int = 200, rows: int = 1500) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "point_id": np.arange(rows),
            "debtor_id": rng.integers(0, debtors, rows),
            "kind": np.array(ALL_KINDS)[rng.integers(0, len(ALL_KINDS), rows)],
            "value": [f"p{i}" for i in range(rows)],
            "line_type": [None] * rows,
            "time_zones": [[] for _ in range(rows)],
            "verified": rng.random(rows) < 0.5,
            "consents": [[] for _ in range(rows)],
            "do_not_contact": rng.random(rows) < 0.1,
            "preferred": rng.random(rows) < 0.2,
            # Few distinct values: many ties on every key.
            "confidence": rng.integers(0, 3, rows) * 40,
        },
        schema_overrides={"time_zones": pl.List(pl.String), "consents": pl.List(pl.String)},
    ).with_columns(
        pl.lit([], dtype=CONTACTS["opt_outs"]).alias("opt_outs"),
        pl.lit([], dtype=CONTACTS["inconvenient_times"]).alias("inconvenient_times"),
    )


def reference(points: pl.DataFrame) -> pl.DataFrame:
    """Each channel's points sorted apart (stably), the first per debtor."""
    rows = []
    for channel, kinds in KINDS.items():
        rank = pl.col("kind").replace_strict({k: i for i, k in enumerate(kinds)}, default=None)
        rows.append(
            points.filter(pl.col("kind").is_in(kinds) & ~pl.col("do_not_contact"))
            .with_columns(rank.alias("_rank"), pl.lit(channel).alias("channel"))
            .sort(["debtor_id", "preferred", "verified", "_rank", "confidence"],
                  descending=[False, True, True, False, True], maintain_order=True)
            .group_by("debtor_id", "channel", maintain_order=True).first()
        )  # fmt: skip
    return pl.concat(rows).select("debtor_id", "channel", pl.col("value").alias("to"), "kind")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_sort_chooses_as_one_sort_per_channel(seed: int) -> None:
    points = random_points(seed)
    got = best_points(points).select("debtor_id", "channel", "to", "kind")
    assert_frame_equal(
        got.sort("debtor_id", "channel"), reference(points).sort("debtor_id", "channel")
    )


def test_one_rank_orders_every_channels_kinds_as_listed() -> None:
    for kinds in KINDS.values():
        assert [KIND_RANK[k] for k in kinds] == sorted({KIND_RANK[k] for k in kinds})


@pytest.mark.parametrize("seed", [1, 2])
def test_steps_get_the_point_a_join_on_debtor_and_channel_gives(seed: int) -> None:
    points = random_points(seed)
    rng = np.random.default_rng(seed)
    rows = 400
    # Debtors beyond the points' (none on file), a null debtor, channels in any order.
    steps = pl.DataFrame(
        {
            "account_id": np.arange(rows),
            "debtor_id": [None, *rng.integers(0, 260, rows - 1).tolist()],
            "channel": np.array(list(KINDS))[rng.integers(0, len(KINDS), rows)],
        },
        schema_overrides={"debtor_id": pl.Int64},
    )
    got = with_best_points(steps, points).select("account_id", "to", "kind")
    want = steps.join(
        best_points(points), on=["debtor_id", "channel"], how="left", maintain_order="left"
    ).select("account_id", "to", "kind")
    assert_frame_equal(got, want)
    only_email = steps.filter(pl.col("channel") == "email")
    assert_frame_equal(
        with_best_points(only_email, points).select("account_id", "to"),
        want.filter(pl.col("account_id").is_in(only_email["account_id"].implode())).select(
            "account_id", "to"
        ),
    )
