"""Expected value of an action: is it worth doing, and which accounts first?

Until the scoring models exist (a later issue), the probability of payment is
a documented heuristic — it falls with age, with broken promises and with
silence, and rises with a recent payment — and the effect of an action is a
per-channel factor. The value of an action is

    EV = P(pay) × balance × effect(channel) − cost(channel)

in the account's minor units. An action with a negative EV costs more than it
can recover (PRODUCT B4) and is suppressed; the others are ranked by EV
weighted by the segment's priority (PRODUCT B5). A scored account uses its
``score`` as P(pay) instead of the heuristic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# Share of the balance an action of each channel is expected to bring in, given payment.
EFFECT = {"call": 0.6, "sms": 0.15, "email": 0.1, "letter": 0.25, "visit": 0.7}
# Cost of one action, in minor units of the account's currency (configurable).
COST_MINOR = {"call": 150, "sms": 5, "email": 1, "letter": 90, "visit": 3000}


@dataclass(frozen=True)
class ValueModel:
    effect: dict[str, float] = field(default_factory=lambda: dict(EFFECT))
    cost_minor: dict[str, int] = field(default_factory=lambda: dict(COST_MINOR))


def p_pay() -> pl.Expr:
    """Heuristic probability of a payment within 30 days (or the model's score)."""
    age = pl.col("dpd").clip(lower_bound=0).cast(pl.Float64)
    base = 0.05 + 0.40 * (-age / 180.0).exp()
    recent_payment = pl.when(pl.col("days_since_last_payment") <= 30).then(1.3).otherwise(1.0)
    broken = pl.when(pl.col("broken_promises") > 0).then(0.6).otherwise(1.0)
    silent = pl.when(pl.col("unanswered_calls") >= 5).then(0.7).otherwise(1.0)
    heuristic = (base * recent_payment * broken * silent).clip(upper_bound=0.95)
    return pl.coalesce(pl.col("score"), heuristic)


def expected_value(model: ValueModel) -> pl.Expr:
    """EV in minor units of the action (needs columns channel, balance_minor, dpd, ...)."""
    effect = pl.col("channel").replace_strict(model.effect, default=0.0, return_dtype=pl.Float64)
    cost = pl.col("channel").replace_strict(model.cost_minor, default=0, return_dtype=pl.Int64)
    gain = p_pay() * pl.col("balance_minor").cast(pl.Float64) * effect
    return (gain.round(0).cast(pl.Int64) - cost).alias("expected_value_minor")


def priority() -> pl.Expr:
    """Rank key: EV weighted by the segment's priority (50 = neutral)."""
    weight = pl.col("segment_priority").fill_null(50).cast(pl.Float64) / 50.0
    return (pl.col("expected_value_minor").cast(pl.Float64) * weight).alias("priority")
