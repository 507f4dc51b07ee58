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
from dataclasses import dataclass

import polars as pl

from arrears.strategy.actions import resolved_template
from arrears.strategy.conditions import compile_condition
from arrears.strategy.frames import first_match, require_columns
from arrears.strategy.schema import Strategy
from arrears.strategy.steps import Step
from arrears.strategy.triggers import (
    Clause,
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
    """One row per (account, step due today), plus one per suppressed account.

    How, cheaply: each step's condition runs over the accounts once (their live
    variant a number, computed once), and its rows carry only the account's row,
    the account and the reason; the rows come out in the order of the output
    (account, then step priority, then the order of the files) from one stable
    sort by account, since the parts are concatenated in that order of priority
    and file order. Only then are the carried columns gathered (once, in output
    order) and the step's own columns looked up by its number. Collected here (the
    result is handed on lazily).
    """
    require_columns(frame, list(CARRIED), "choose_strategies, assign_segments and assign_arms")
    table = [v for s in strategies for v in variants(s)]
    steps = [
        _StepRows(number, variant, position, order)
        for order, (number, variant, position) in enumerate(
            (n, v, p) for n, v in enumerate(table) for p in range(len(v.steps))
        )
    ]
    steps.sort(key=lambda s: (-s.priority, s.order))
    frame = with_optional_columns(frame)
    # Root names of list element expressions are not columns: keep the frame's names only.
    read = {*CARRIED, *(name for step in steps for name in step.columns())}
    read &= set(frame.collect_schema().names())
    prepared = (
        frame.with_columns(_stop_reason(strategies).alias("_stopped"))
        .with_columns(
            # The variant whose steps apply: none once the segment's stop condition holds.
            pl.when(pl.col("_stopped").is_null()).then(_variant_index(table)).alias("_live")
        )
        .select(*sorted(read), "_live", "_stopped")
        .with_row_index("_row")
        .collect()
    )
    accounts = prepared.lazy()
    parts = [_suppressed_rows(accounts)]
    parts += [step.rows(accounts, part) for part, step in enumerate(steps, start=1)]
    ordered = pl.concat(pl.collect_all(parts), how="vertical").sort(
        "account_id", maintain_order=True
    )
    carried = prepared.select(*CARRIED)[ordered.get_column("_row")]
    looked_up = _step_table(steps)[ordered.get_column("_part")]
    return pl.concat(
        [carried, looked_up, ordered.select("reason", "suppressed_reason")], how="horizontal"
    ).lazy()


def _step_table(steps: Sequence[_StepRows]) -> pl.DataFrame:
    """The step columns of each part, by its number (0: the stopped accounts, no step)."""
    names = [n for n in STEP_COLUMNS if n not in ("reason", "suppressed_reason")]
    rows = [(None,) * len(names), *(step.columns_of_step() for step in steps)]
    schema = {n: STEP_COLUMNS[n] for n in names}
    return pl.DataFrame(rows, schema=schema, orient="row")


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
        "_row",
        "account_id",
        pl.lit(0, dtype=pl.UInt32).alias("_part"),
        pl.lit(None, dtype=pl.String).alias("reason"),
        pl.col("_stopped").alias("suppressed_reason"),
    )


@dataclass(frozen=True)
class _StepRows:
    """The rows of one step of one variant (``number`` in the table of variants)."""

    number: int
    variant: Variant
    position: int
    order: int  # the step's place in the strategy files (ties of priority keep it)

    @property
    def step(self) -> Step:
        return self.variant.steps[self.position]

    @property
    def priority(self) -> int:
        return _priority(self.variant, self.step)

    def _clauses(self) -> list[Clause]:
        return step_clauses(self.step, self.variant.steps[: self.position])

    def _reason(self) -> pl.Expr:
        pieces = [
            p if isinstance(p, pl.Expr) else pl.lit(p) for p in reason_pieces(self._clauses())
        ]
        pieces.append(pl.lit(_reason_tail(self.variant, self.step)))
        return pl.concat_str(pieces)

    def columns(self) -> set[str]:
        """The feature columns the step's condition and reason read."""
        return {*due(self._clauses()).meta.root_names(), *self._reason().meta.root_names()}

    def rows(self, accounts: pl.LazyFrame, part: int) -> pl.LazyFrame:
        """The step's rows among ``accounts`` (``part``: its number in the output)."""
        mine = pl.col("_live") == self.number
        return accounts.filter(mine & due(self._clauses())).select(
            "_row",
            "account_id",
            pl.lit(part, dtype=pl.UInt32).alias("_part"),
            self._reason().alias("reason"),
            pl.lit(None, dtype=pl.String).alias("suppressed_reason"),
        )

    def columns_of_step(self) -> tuple[object, ...]:
        """The step's own output columns (``STEP_COLUMNS`` but the reasons)."""
        step, action = self.step, self.step.parsed_action
        return (
            step.id,
            step.action,
            action.channel,
            resolved_template(action, step.template),
            self.priority,
            _quiet(self.variant.strategy, step),
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
