"""Segmentation: each account falls into the FIRST segment of its strategy that matches.

Segments are tried in the order the file lists them, so a strategy manager
writes the specific cases first (hardship, disputes, large balances) and the
general ones after. An account whose strategy has no matching segment gets a
null segment: the strategy does not treat it (the planner shows it as
"no segment"). ``segment_priority`` is the segment's weight for the planner
(1-100, higher first).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.strategy.conditions import compile_condition
from arrears.strategy.frames import first_match, lookup, require_columns
from arrears.strategy.schema import Strategy

SEGMENT_COLUMNS = ("segment", "segment_priority")


def assign_segments(frame: pl.LazyFrame, strategies: Sequence[Strategy]) -> pl.LazyFrame:
    """``frame`` (with ``strategy``) plus ``segment`` and ``segment_priority``."""
    require_columns(frame, ["strategy"], "choose_strategies")
    ids: list[str] = []
    priorities: list[int] = []
    rules = []
    for strategy in strategies:
        for segment in strategy.segments:
            belongs = pl.col("strategy") == strategy.id
            rules.append((belongs & compile_condition(segment.when), len(ids)))
            ids.append(segment.id)
            priorities.append(segment.priority)
    chosen = first_match(rules)
    index = pl.col("_segment_index")
    return (
        frame.with_columns(chosen.alias("_segment_index"))
        .with_columns(
            lookup(index, ids, pl.String()).alias("segment"),
            lookup(index, priorities, pl.Int32()).alias("segment_priority"),
        )
        .drop("_segment_index")
    )
