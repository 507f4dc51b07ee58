"""Promise and plan features reach the strategy: statuses, counts and today's events."""

from __future__ import annotations

import polars as pl

from arrears.planner.features import arrangements


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"account_id": [1, 2], "events": [["payment_received"], []]},
        schema={"account_id": pl.Int64, "events": pl.List(pl.String)},
    )


def test_without_resolution_data_the_features_are_empty():
    out = arrangements(frame(), None)
    assert out["promise_status"].to_list() == [None, None]
    assert out["broken_promises"].to_list() == [0, 0]


def test_a_broken_promise_adds_its_event_to_the_days_events():
    resolution = pl.DataFrame(
        {"account_id": [2], "promise_status": ["broken"], "broken_promises": [1],
         "plan_status": [None], "missed_instalments": [0],
         "resolution_events": [["promise_broken"]]},
        schema={"account_id": pl.Int64, "promise_status": pl.String,
                "broken_promises": pl.Int32, "plan_status": pl.String,
                "missed_instalments": pl.Int32, "resolution_events": pl.List(pl.String)},
    )  # fmt: skip
    out = arrangements(frame(), resolution).sort("account_id")
    assert out["events"].to_list() == [["payment_received"], ["promise_broken"]]
    assert out["broken_promises"].to_list() == [0, 1]
    assert out["promise_status"].to_list() == [None, "broken"]
