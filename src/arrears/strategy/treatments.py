"""Treatments: the steps due today for every account, with the reason for each.

Input: the features frame after :func:`.loader.choose_strategies`,
:func:`.segmentation.assign_segments` and :func:`.experiments.assign_arms`.
Output: one row per (account, step due today), several per account when
several steps are due — all of them, ordered by account, step priority (high
first) and the order of the file; the planner decides capacity and the
compliance engine decides legality. Each row carries the strategy version and
digest, the segment, the experiment arm, the action and its channel, and a
``reason`` sentence ("dpd 35 ≥ 31 in segment M2 (dpd between 31 and 60):
step m2-sms-1") so every decision can be explained (DESIGN §4 rule 5).

Accounts whose segment's ``stop_when`` holds get one row with a null step and
``suppressed_reason`` saying which condition stopped them; the planner records
them as suppressed.

Everything is vectorised: the loops run over variants and steps (tens), never
over accounts.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.strategy.actions import resolved_template
from arrears.strategy.conditions import compile_condition
from arrears.strategy.frames import first_match, require_columns
from arrears.strategy.schema import Strategy
from arrears.strategy.steps import Step
from arrears.strategy.triggers import (
    due,
    reason_pieces,
    step_clauses,
    with_optional_columns,
)
from arrears.strategy.variants import Variant, variants

CARRIED: dict[str, pl.DataType] = {
    "account_id": pl.Int64(),
    "strategy": pl.String(),
    "strategy_version": pl.String(),
    "strategy_digest": pl.String(),
    "segment": pl.String(),
    "segment_priority": pl.Int32(),
    "experiment": pl.String(),
    "arm": pl.String(),
}
STEP_COLUMNS: dict[str, pl.DataType] = {
    "step": pl.String(),
    "action": pl.String(),
    "channel": pl.String(),
    "template": pl.String(),
    "step_priority": pl.Int32(),
    "quiet": pl.Boolean(),
    "reason": pl.String(),
    "suppressed_reason": pl.String(),
}
OUTPUT_SCHEMA: dict[str, pl.DataType] = CARRIED | STEP_COLUMNS


def todays_steps(frame: pl.LazyFrame, strategies: Sequence[Strategy]) -> pl.LazyFrame:
    """One row per (account, step due today), plus one per suppressed account."""
    require_columns(frame, list(CARRIED), "choose_strategies, assign_segments and assign_arms")
    table = [v for s in strategies for v in variants(s)]
    prepared = (
        with_optional_columns(frame)
        .with_columns(
            _variant_index(table).alias("_variant"),
            _stop_reason(strategies).alias("_stopped"),
        )
        .cache()
    )  # every step below reads it: compute it once, whatever the optimiser sees
    parts = [_suppressed_rows(prepared)]
    order = 0
    for number, variant in enumerate(table):
        for position in range(len(variant.steps)):
            parts.append(_step_rows(prepared, number, variant, position, order))
            order += 1
    return (
        pl.concat(parts, how="vertical")
        .sort(
            ["account_id", "step_priority", "_order"],
            descending=[False, True, False],
            nulls_last=[False, False, False],
        )
        .drop("_order")
    )


def _variant_index(table: Sequence[Variant]) -> pl.Expr:
    rules = []
    for number, variant in enumerate(table):
        inside = (pl.col("strategy") == variant.strategy.id) & (
            pl.col("segment") == variant.segment.id
        )
        if variant.arm is None or variant.experiment is None:
            inside = inside & pl.col("arm").is_null()
        else:
            inside = (
                inside
                & (pl.col("experiment") == variant.experiment.id)
                & (pl.col("arm") == variant.arm.id)
            )
        rules.append((inside, number))
    return first_match(rules)


def _stop_reason(strategies: Sequence[Strategy]) -> pl.Expr:
    reasons = []
    for strategy in strategies:
        for segment in (s for s in strategy.segments if s.stop_when is not None):
            assert segment.stop_when is not None
            inside = (pl.col("strategy") == strategy.id) & (pl.col("segment") == segment.id)
            text = f"segment {segment.id} stops when {segment.stop_when}"
            reasons.append(
                pl.when(inside & compile_condition(segment.stop_when)).then(pl.lit(text))
            )
    return pl.coalesce(reasons) if reasons else pl.lit(None, dtype=pl.String)


def _suppressed_rows(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.filter(pl.col("_stopped").is_not_null()).select(
        *CARRIED,
        *(
            pl.lit(None, dtype=t).alias(n)
            for n, t in STEP_COLUMNS.items()
            if n != "suppressed_reason"
        ),
        pl.col("_stopped").alias("suppressed_reason"),
        pl.lit(-1, dtype=pl.Int32).alias("_order"),
    )


def _step_rows(
    frame: pl.LazyFrame, number: int, variant: Variant, position: int, order: int
) -> pl.LazyFrame:
    step = variant.steps[position]
    clauses = step_clauses(step, variant.steps[:position])
    selected = (pl.col("_variant") == number) & pl.col("_stopped").is_null() & due(clauses)
    pieces = [p if isinstance(p, pl.Expr) else pl.lit(p) for p in reason_pieces(clauses)]
    pieces.append(pl.lit(_reason_tail(variant, step)))
    action = step.parsed_action
    return frame.filter(selected).select(
        *CARRIED,
        pl.lit(step.id).alias("step"),
        pl.lit(step.action).alias("action"),
        pl.lit(action.channel).alias("channel"),
        pl.lit(resolved_template(action, step.template), dtype=pl.String).alias("template"),
        pl.lit(_priority(variant, step), dtype=pl.Int32).alias("step_priority"),
        pl.lit(_quiet(variant.strategy, step)).alias("quiet"),
        pl.concat_str(pieces).alias("reason"),
        pl.lit(None, dtype=pl.String).alias("suppressed_reason"),
        pl.lit(order, dtype=pl.Int32).alias("_order"),
    )


def _reason_tail(variant: Variant, step: Step) -> str:
    segment = variant.segment
    arm = ""
    if variant.experiment is not None and variant.arm is not None:
        arm = f", experiment {variant.experiment.id} arm {variant.arm.id}"
    return f" in segment {segment.id} ({segment.when}){arm}: step {step.id}"


def _priority(variant: Variant, step: Step) -> int:
    if step.priority is not None:
        return step.priority
    default = variant.strategy.defaults.priority
    return default if default is not None else variant.segment.priority


def _quiet(strategy: Strategy, step: Step) -> bool:
    return step.quiet if step.quiet is not None else strategy.defaults.quiet
