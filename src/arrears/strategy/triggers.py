"""Triggers compiled: every step becomes one condition over the features.

There is one mechanism, not a special case per trigger: each trigger of a step
(``at_dpd``, ``until_dpd``, ``after_segment_days``, ``on_event``,
``fallback``, ``when``), the once-per-segment rule or the repeat
(``every_days``), and the wait behind an earlier ``stop_segment`` step, is a
:class:`Clause` — the text a person reads, the Polars expression, and the words
it adds to the planned action's reason. A step is due when all its clauses
hold. The triggers written in the file compile from SQL through
:func:`.conditions.compile_condition`, the same path as a segment's ``when``.

Repeats need to know how long ago a step was last done. That is the
``steps_last_done`` column (a list of ``{step, days_ago}``); while the planner
does not provide it, :func:`with_optional_columns` adds it empty, and a
repeating step then behaves as a once-per-segment step (it never contacts more
often than intended).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from arrears.strategy.conditions import compile_condition, sql_literal
from arrears.strategy.steps import Step

REPEAT_COLUMN = "steps_last_done"
REPEAT_DTYPE = pl.List(pl.Struct({"step": pl.String(), "days_ago": pl.Int32()}))
Piece = str | pl.Expr


@dataclass(frozen=True)
class Clause:
    """One part of a step's due condition."""

    text: str  # what a person reads (SQL, or a sentence for the built-in clauses)
    expr: pl.Expr  # never null: unknown counts as false
    why: tuple[Piece, ...] = ()  # words for the reason; empty: not worth saying


def _sql(text: str, why: tuple[Piece, ...] = ()) -> Clause:
    return Clause(text, compile_condition(text), why)


def _value(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.String).fill_null("?")


def trigger_clauses(step: Step) -> list[Clause]:
    """The clauses of the triggers written on ``step``."""
    clauses = []
    why: tuple[Piece, ...]
    if step.at_dpd is not None:
        why = ("dpd ", _value("dpd"), f" ≥ {step.at_dpd}")
        clauses.append(_sql(f"dpd >= {step.at_dpd}", why))
    if step.until_dpd is not None:
        why = () if step.at_dpd is not None else ("dpd ", _value("dpd"), f" ≤ {step.until_dpd}")
        clauses.append(_sql(f"dpd <= {step.until_dpd}", why))
    if step.after_segment_days is not None:
        n = step.after_segment_days
        why = (_value("segment_days"), f" days in segment ≥ {n}")
        clauses.append(_sql(f"segment_days >= {n}", why))
    if step.on_event is not None:
        event = sql_literal(step.on_event)
        clauses.append(_sql(f"array_contains(events, {event})", (f"event {step.on_event}",)))
    if step.fallback is not None:
        clauses.append(_sql(step.fallback.sql(), _fallback_why(step)))
    if step.when is not None:
        clauses.append(_sql(step.when, (f"when {step.when}",)))
    return clauses


def _fallback_why(step: Step) -> tuple[Piece, ...]:
    fallback = step.fallback
    assert fallback is not None
    if fallback.after == "call":
        return (_value("unanswered_calls"), f" unanswered calls ≥ {fallback.unanswered}")
    if fallback.after == "voicemail":
        return ("the last call reached voicemail",)
    days = _value(f"days_since_last_{fallback.after}")
    return ("no reply ", days, f" days after the last {fallback.after}")


def _done(step_id: str) -> pl.Expr:
    return pl.col("steps_done").list.contains(pl.lit(step_id)).fill_null(False)


def _days_since_done(step_id: str) -> pl.Expr:
    entries = pl.col(REPEAT_COLUMN).list.filter(pl.element().struct.field("step") == step_id)
    return entries.list.eval(pl.element().struct.field("days_ago")).list.min()


def pending_clause(step: Step) -> Clause | None:
    """Once per segment, or again after ``every_days``; None for event steps (every event)."""
    if step.on_event is not None:
        return None
    quoted = sql_literal(step.id)
    if step.every_days is None:
        return Clause(f"not array_contains(steps_done, {quoted})", ~_done(step.id))
    n = step.every_days
    again = (_days_since_done(step.id) >= n).fill_null(False)
    text = f"(not array_contains(steps_done, {quoted}) or last done {n}+ days ago)"
    return Clause(text, ~_done(step.id) | again, (f"every {n} days",))


def holds_back(step: Step) -> pl.Expr:
    """A ``stop_segment`` step is a checkpoint: once due, the later steps wait until it is done.

    It holds them back while its own triggers hold and it is pending (not done,
    or due again). Before it is due, or where it does not apply (its ``when`` is
    false), the later steps go on — an event step listed after it still answers
    its event.
    """
    parts = [c.expr for c in trigger_clauses(step)]
    pending = pending_clause(step)
    if pending is not None:
        parts.append(pending.expr)
    return pl.all_horizontal(parts)


def step_clauses(step: Step, earlier: Sequence[Step]) -> list[Clause]:
    """All clauses of ``step``, given the steps listed before it in its variant."""
    clauses = trigger_clauses(step)
    pending = pending_clause(step)
    if pending is not None:
        clauses.append(pending)
    for stop in (s for s in earlier if s.stop_segment):
        clauses.append(Clause(f"step {stop.id} is not waiting to be done", ~holds_back(stop)))
    return clauses


def due(clauses: Sequence[Clause]) -> pl.Expr:
    """The step is due: every clause holds."""
    return pl.all_horizontal([c.expr for c in clauses])


def reason_pieces(clauses: Sequence[Clause]) -> list[Piece]:
    """The clauses' words joined by ", "."""
    pieces: list[Piece] = []
    for clause in (c for c in clauses if c.why):
        if pieces:
            pieces.append(", ")
        pieces.extend(clause.why)
    return pieces


def with_optional_columns(frame: pl.LazyFrame) -> pl.LazyFrame:
    """``frame`` with the optional ``steps_last_done`` column added (empty) if missing."""
    if REPEAT_COLUMN in frame.collect_schema().names():
        return frame
    return frame.with_columns(pl.lit(None, dtype=REPEAT_DTYPE).alias(REPEAT_COLUMN))
