"""The strategy stage of the daily plan, end to end, as one call.

``classify`` runs the three assignments (strategy, segment, experiment arm);
``plan_steps`` adds today's steps. The planner may call the pieces itself
(to report accounts with no strategy or no segment from ``classify``'s frame,
for instance); both ways run the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from arrears.strategy.experiments import assign_arms
from arrears.strategy.loader import choose_strategies
from arrears.strategy.schema import Strategy
from arrears.strategy.segmentation import assign_segments
from arrears.strategy.treatments import todays_steps


def classify(
    features: pl.LazyFrame, strategies: Sequence[Strategy], *, as_of: date | None = None
) -> pl.LazyFrame:
    """``features`` with strategy, version, digest, segment, priority, experiment and arm."""
    chosen = choose_strategies(features, strategies)
    return assign_arms(assign_segments(chosen, strategies), strategies, as_of=as_of)


def plan_steps(
    features: pl.LazyFrame, strategies: Sequence[Strategy], *, as_of: date | None = None
) -> pl.LazyFrame:
    """Today's steps (and suppressed accounts) for every account of ``features``."""
    return todays_steps(classify(features, strategies, as_of=as_of), strategies)
