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
:mod:`planner.allocation`, which also holds each call to a minimum return per
unit of its cost (``ValueModel.min_return``, config/costs.yaml). Costs are minor
units of the account's currency, per channel and optionally per currency.
Everything here is a Polars expression: pure, vectorised.
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
    # Calls valued by their uplift when the model has one (False: by the propensity alone).
    uplift: bool = True
    # What one minor unit of each currency is worth in a common unit (e.g. {"CNY": 1.0,
    # "USD": 7.1}), so that calls of accounts in different currencies compete for the same
    # capacity on one scale; empty: the currencies are taken as equal.
    rates: dict[str, float] = field(default_factory=dict)
    # The least a call must be expected to bring in per unit of its cost to be made (the
    # hurdle λ of planner.allocation). 1.0: it must pay for itself (EV > 0), the first
    # version's rule; higher leaves call capacity unused rather than spend it on calls that
    # return less than that — a product decision (docs/scoring.md, "Cost-aware capacity").
    min_return: float = 1.0

    def __post_init__(self) -> None:
        if not self.min_return >= 0:  # also NaN
            raise ValueError(f"min_return must be 0 or more, not {self.min_return}")


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


SCORED = {"score": pl.Float64, "expected_amount_minor": pl.Int64, "call_uplift_minor": pl.Float64}


def with_scores(features: pl.DataFrame, scores: pl.DataFrame | None) -> pl.DataFrame:
    """Features with ``score``, ``expected_amount_minor`` and ``call_uplift_minor`` from ``scores``.

    ``scores``: account_id and any of those columns (``score`` 0-1). A given
    value replaces the features' own; accounts not in ``scores`` keep theirs.
    """
    features = features.with_columns(
        pl.lit(None, dtype=kind).alias(name)
        for name, kind in SCORED.items()
        if name not in features.columns
    )
    if scores is None or scores.is_empty():
        return features
    given = [name for name in SCORED if name in scores.columns]
    joined = features.join(
        scores.select("account_id", *(pl.col(n).cast(SCORED[n]).alias(f"_{n}") for n in given)),
        on="account_id", how="left",
    )  # fmt: skip
    return joined.with_columns(pl.coalesce(f"_{n}", n).alias(n) for n in given).drop(
        f"_{n}" for n in given
    )


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
    """What an action is expected to bring in, in minor units (a float: an expectation).

    A call of an account the uplift model scored: ``call_uplift_minor``, the money a
    call adds over what the debtor pays anyway (``scoring.uplift``). Otherwise
    effect × E[amount], E[amount] being the model's expected amount (which holds
    the probability), else P(pay) × the balance.
    """
    effect = pl.col("channel").replace_strict(model.effect, default=0.0, return_dtype=pl.Float64)
    balance = pl.col("balance_minor").cast(pl.Float64)
    unconditional = pl.coalesce(pl.col("expected_amount_minor").cast(pl.Float64),
                                p_pay().clip(0.0, 1.0) * balance)  # fmt: skip
    propensity = effect.clip(0.0, 1.0) * unconditional.clip(0.0, None)
    uplift = pl.col("call_uplift_minor").cast(pl.Float64).clip(0.0, None)
    if not model.uplift:
        return propensity.alias("expected_gain")
    return (
        pl.when((pl.col("channel") == "call") & uplift.is_not_null())
        .then(uplift)
        .otherwise(propensity)
        .alias("expected_gain")
    )


def action_value(model: ValueModel) -> list[pl.Expr]:
    """The value priority's columns: expected gain, cost, EV (rounded once) and priority."""
    ev = pl.col("expected_gain").round(0).cast(pl.Int64) - pl.col("action_cost_minor")
    return [expected_gain(model), action_cost(model), ev.alias("expected_value_minor")]


def value_rate(model: ValueModel) -> pl.Expr:
    """``value_rate``: one minor unit of the account's currency in the common unit."""
    if not model.rates:
        return pl.lit(1.0).alias("value_rate")
    rate = pl.col("currency").replace_strict(model.rates, default=1.0, return_dtype=pl.Float64)
    return rate.fill_null(1.0).alias("value_rate")


def value_columns(frame: pl.DataFrame, model: ValueModel) -> pl.DataFrame:
    """Add expected_gain, action_cost_minor, expected_value_minor, value_rate, min_return
    and priority.

    ``expected_value_minor`` is in the account's currency (it is recorded on the
    action); ``priority`` is the EV in the common unit (``value_rate``), so that the
    allocation compares calls across currencies on one scale; ``min_return`` is the
    hurdle the allocation holds each call to (a column, so it could differ by client).
    """
    gain, cost, ev = action_value(model)
    missing = [pl.lit(None, dtype=kind).alias(name) for name, kind in SCORED.items()
               if name not in frame.columns]  # fmt: skip
    return (
        frame.with_columns(missing)
        .with_columns(
            gain, cost, value_rate(model), pl.lit(float(model.min_return)).alias("min_return")
        )
        .with_columns(ev)
        .with_columns(
            (pl.col("expected_value_minor").cast(pl.Float64) * pl.col("value_rate")).alias(
                "priority"
            )
        )
    )


def value_inputs(model: ValueModel) -> set[str]:
    """The feature columns the value priority reads."""
    names: set[str] = {"currency", *SCORED}
    for expr in (expected_gain(model), action_cost(model)):
        names |= set(expr.meta.root_names())
    return names
