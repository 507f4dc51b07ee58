"""Strategy: treatment strategies as data (pure policy).

A strategy file (``config/strategies/*.yaml``) sorts accounts into segments by
SQL conditions over the documented account features (:mod:`.features`), gives
each segment a treatment path of steps, and may split a segment into
champion/challenger arms. Everything here is a pure function of frames:

* :func:`load_strategy` / :func:`load_strategies` read and validate files;
* :func:`choose_strategies` → :func:`assign_segments` → :func:`assign_arms`
  → :func:`todays_steps` turn a features frame into today's steps, each with
  its reason (:func:`plan_steps` runs them all);
* :func:`describe` outlines a strategy for people.

The guide is docs/strategies.md.
"""

from arrears.strategy.describe import describe
from arrears.strategy.docs import feature_table_markdown
from arrears.strategy.experiments import assign_arms
from arrears.strategy.loader import (
    choose_strategies,
    load_strategies,
    load_strategy,
    strategy_for,
)
from arrears.strategy.pipeline import classify, plan_steps
from arrears.strategy.schema import Strategy
from arrears.strategy.segmentation import assign_segments
from arrears.strategy.treatments import OUTPUT_SCHEMA, todays_steps

__all__ = [
    "OUTPUT_SCHEMA",
    "Strategy",
    "assign_arms",
    "assign_segments",
    "choose_strategies",
    "classify",
    "describe",
    "feature_table_markdown",
    "load_strategies",
    "load_strategy",
    "plan_steps",
    "strategy_for",
    "todays_steps",
]
