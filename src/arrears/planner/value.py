"""Expected value of an action: is it worth doing, and which accounts first?

Two priorities share this module; ``rules`` is the default and ships unchanged.

**rules** — the probability of payment is a documented heuristic (it falls
with age, with broken promises and with silence, and rises with a recent
payment) unless the account is scored, and the effect of an action is a
per-channel factor::

    EV = P(pay) × balance × effect(channel) − cost(channel)

ranked by EV weighted by the segment's priority (PRODUCT B5).

**value** — decisions from the scores (PRODUCT B3-B4)::

    EV(action) = P(pay | action) × E[amount | pay] − cost(action)
               = effect(channel) × E[amount] − cost(action)
    P(pay | action) = score × effect(channel)
    E[amount]       = expected_amount_minor = score × E[amount | pay],
                      else score × balance

``score`` is the probability of paying within 30 days (the scoring service's
column, or :func:`with_scores`' frame); ``effect`` is the share of that chance
the action itself brings about. ``expected_amount_minor`` is the model's
*unconditional* expectation of the money paid within 30 days — probability ×
expected share × balance, as ``scoring.model.score`` writes it — so it already
holds the probability once: multiplying it by the score again would rank by
the square of the probability (a defect the first version had). The priority
is the EV itself (no segment weight: the money decides), an optional contact
with EV ≤ 0 is not made (PRODUCT B4) and calls are allocated by
:mod:`planner.allocation`. Costs are minor units of the account's currency, per
channel and optionally per currency. Everything here is a Polars expression:
pure, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Priority = Literal["rules", "value"]

# Share of the balance an action of each channel is expected to bring in, given payment.
EFFECT = {"call": 0.6, "sms": 0.15, "email": 0.1, "letter": 0.25, "visit": 0.7}
# Cost of one action, in minor units of the account's currency (configurable).
COST_MINOR = {"call": 150, "sms": 5, "email": 1, "letter": 90, "visit": 3000}
# Contacts the value priority may leave out when they are worth less than they cost. Letters
# are formal notices (validation, demand, lawyer's letters): the strategy's call, not the EV's.
OPTIONAL = frozenset({"call", "sms", "email"})


@dataclass(frozen=True)
class ValueModel:
    effect: dict[str, float] = field(default_factory=lambda: dict(EFFECT))
    cost_minor: dict[str, int] = field(default_factory=lambda: dict(COST_MINOR))
    # Per currency and channel (e.g. {"CNY": {"call": 450}}); overrides cost_minor.
    currency_costs: dict[str, dict[str, int]] = field(default_factory=dict)
    optional: frozenset[str] = OPTIONAL


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


# The value priority -----------------------------------------------------------------------


def with_scores(features: pl.DataFrame, scores: pl.DataFrame | None) -> pl.DataFrame:
    """Features with ``score`` and ``expected_amount_minor`` from ``scores`` when given.

    ``scores``: account_id, score (0-1) and optionally expected_amount_minor. A
    given score replaces the features' own; accounts not in ``scores`` keep theirs.
    """
    if "expected_amount_minor" not in features.columns:
        features = features.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("expected_amount_minor")
        )
    if scores is None or scores.is_empty():
        return features
    given = scores.select(
        "account_id",
        pl.col("score").cast(pl.Float64).alias("_score"),
        (pl.col("expected_amount_minor") if "expected_amount_minor" in scores.columns
         else pl.lit(None)).cast(pl.Int64).alias("_amount"),
    )  # fmt: skip
    joined = features.join(given, on="account_id", how="left")
    return joined.with_columns(
        pl.coalesce("_score", "score").alias("score"),
        pl.coalesce("_amount", "expected_amount_minor").alias("expected_amount_minor"),
    ).drop("_score", "_amount")


def action_cost(model: ValueModel) -> pl.Expr:
    """Minor units one action costs: per currency and channel, else per channel."""
    flat = pl.col("channel").replace_strict(model.cost_minor, default=0, return_dtype=pl.Int64)
    if not model.currency_costs:
        return flat.alias("action_cost_minor")
    keyed = {f"{cur}|{ch}": v for cur, costs in model.currency_costs.items()
             for ch, v in costs.items()}  # fmt: skip
    key = pl.concat_str(pl.col("currency"), pl.lit("|"), pl.col("channel"))
    specific = key.replace_strict(keyed, default=None, return_dtype=pl.Int64)
    return pl.coalesce(specific, flat).alias("action_cost_minor")


def expected_gain(model: ValueModel) -> pl.Expr:
    """effect × E[amount], in minor units (a float: an expectation, not money).

    E[amount] is the model's expected amount (which holds the probability),
    else P(pay) × the balance.
    """
    effect = pl.col("channel").replace_strict(model.effect, default=0.0, return_dtype=pl.Float64)
    balance = pl.col("balance_minor").cast(pl.Float64)
    unconditional = pl.coalesce(pl.col("expected_amount_minor").cast(pl.Float64),
                                p_pay().clip(0.0, 1.0) * balance)  # fmt: skip
    return (effect.clip(0.0, 1.0) * unconditional.clip(0.0, None)).alias("expected_gain")


def action_value(model: ValueModel) -> list[pl.Expr]:
    """The value priority's columns: expected gain, cost, EV (rounded once) and priority."""
    ev = pl.col("expected_gain").round(0).cast(pl.Int64) - pl.col("action_cost_minor")
    return [expected_gain(model), action_cost(model), ev.alias("expected_value_minor")]


def value_columns(frame: pl.DataFrame, model: ValueModel) -> pl.DataFrame:
    """Add expected_gain, action_cost_minor, expected_value_minor and priority (= EV)."""
    gain, cost, ev = action_value(model)
    return (
        frame.with_columns(gain, cost)
        .with_columns(ev)
        .with_columns(pl.col("expected_value_minor").cast(pl.Float64).alias("priority"))
    )


def value_inputs(model: ValueModel) -> set[str]:
    """The feature columns the value priority reads."""
    names: set[str] = {"currency", "expected_amount_minor"}
    for expr in (expected_gain(model), action_cost(model)):
        names |= set(expr.meta.root_names())
    return names
