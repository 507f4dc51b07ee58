"""Call capacity allocated to maximise expected net recovery (PRODUCT B4-B5, C7).

The candidates are today's planned calls, each offered at every hour it may be
made (local hours inside the compliance window), with the expected value of a
call at that hour. Choose ``x[c, h] ∈ {0, 1}`` to

    maximise   Σ value[c, h] · x[c, h]
    subject to Σ_h x[c, h] ≤ 1                 each account called at most once
               Σ_{c of d, h} x[c, h] ≤ k        each debtor at most k calls a day
               Σ_{c, h} x[c, h] ≤ C             the team's capacity
               Σ_c x[c, h] ≤ C_h                the team's capacity in hour h

The value of a call at an hour is net of a **hurdle** on its cost::

    value[c, h] = (gain[c, h] − λ · cost[c]) × rate(currency)

``λ`` is the value model's ``min_return`` — the least a call must be expected
to bring in per unit of its cost. Only candidates with a positive value enter,
so a call returning less than ``λ`` per unit of cost is never made, even when
capacity is left: with ``λ = 1`` that is "a call must pay for itself" (EV > 0);
above 1 the plan trades calls for a better return on what it spends. Maximising
``Σ gain − λ Σ cost`` is Dinkelbach's parametric form of maximising the ratio
``Σ gain / Σ cost``: the ratio's optimum is the ``λ`` at which the best value is
0, and every ``λ`` below it picks calls whose marginal return is at least
``λ``. ``λ`` is a setting, not iterated to that fixed point: the model's gains
are not calibrated to the money the calls bring in, and the ratio that counts
(all payments over all costs, docs/simulation.md) is mostly made of payments no
call changes. The model is solved exactly with HiGHS (``method="highs"``): its constraint
matrix is the union of two laminar families (account ⊂ debtor ⊂ team, and the
hours), so it is totally unimodular and the LP relaxation already has an
integral optimum (a MIP is the fallback when the simplex ends on a fractional tie).

``method="greedy"`` takes candidates best first while every limit allows.
Without hourly limits the constraints are nested (account ⊂ debtor ⊂ team),
so they form a laminar matroid and greedy is *optimal*. With hourly limits
they are the intersection of that matroid with a partition matroid (the
hours), and greedy is guaranteed at least **half** the optimum (Fisher,
Nemhauser and Wolsey 1978, for the intersection of two matroids); on the
simulator's days it comes within a fraction of a percent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import numpy as np
import polars as pl

from arrears.planner.contacts import DEFAULT_ZONE, START
from arrears.planner.timing import call_outcomes, hour_rates
from arrears.planner.value import OPTIONAL

Method = Literal["highs", "greedy"]


def allocate(
    candidates: pl.DataFrame,
    *,
    capacity: int | None,
    slot_capacity: Mapping[int, int] | None = None,
    per_debtor: int = 1,
    method: Method = "highs",
) -> pl.DataFrame:
    """The chosen candidates (the input's rows, with its columns).

    ``candidates``: account_id, debtor_id, slot (int), value (float).
    """
    frame = candidates.filter(pl.col("value") > 0).with_row_index("_j")
    if frame.is_empty():
        return candidates.clear()
    cap = frame.height if capacity is None else capacity
    slots = dict(slot_capacity or {})
    if method == "greedy":
        chosen = _greedy(frame, cap, slots, per_debtor)
    else:
        chosen = _highs(frame, cap, slots, per_debtor)
    return frame.filter(pl.col("_j").is_in(chosen)).drop("_j")


def _greedy(frame: pl.DataFrame, cap: int, slots: dict[int, int], per_debtor: int) -> list[int]:
    order = frame.sort(["value", "_j"], descending=[True, False])
    used_accounts: set[int] = set()
    per: dict[int, int] = {}
    in_slot: dict[int, int] = {}
    chosen: list[int] = []
    for j, account, debtor, slot in order.select(
        "_j", "account_id", "debtor_id", "slot"
    ).iter_rows():
        if len(chosen) >= cap:
            break
        if account in used_accounts or per.get(debtor, 0) >= per_debtor:
            continue
        if slot in slots and in_slot.get(slot, 0) >= slots[slot]:
            continue
        chosen.append(j)
        used_accounts.add(account)
        per[debtor] = per.get(debtor, 0) + 1
        in_slot[slot] = in_slot.get(slot, 0) + 1
    return chosen


def _codes(series: pl.Series) -> tuple[np.ndarray, int]:
    codes = series.rank("dense").cast(pl.Int64).to_numpy() - 1
    return codes, int(codes.max()) + 1 if codes.size else 0


def _highs(frame: pl.DataFrame, cap: int, slots: dict[int, int], per_debtor: int) -> list[int]:
    import highspy

    n = frame.height
    account, n_acc = _codes(frame["account_id"])
    debtor, n_deb = _codes(frame["debtor_id"])
    slot_ids = sorted(slots)
    slot_row = {s: i for i, s in enumerate(slot_ids)}
    slot_of = np.array([slot_row.get(s, -1) for s in frame["slot"].to_list()], dtype=np.int64)
    team_row = n_acc + n_deb
    has_slot = slot_of >= 0
    index = np.column_stack([account, n_acc + debtor, np.full(n, team_row),
                             np.where(has_slot, team_row + 1 + slot_of, -1)]).ravel()  # fmt: skip
    counts = np.full(n, 3) + has_slot
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, team_row + 1 + len(slot_ids)
    lp.col_cost_ = -frame["value"].to_numpy().astype(np.float64)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    upper = np.concatenate([np.ones(n_acc), np.full(n_deb, float(per_debtor)), [float(cap)],
                            np.array([float(slots[s]) for s in slot_ids])])  # fmt: skip
    lp.row_lower_, lp.row_upper_ = np.full(lp.num_row_, -highspy.kHighsInf), upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lp.a_matrix_.index_ = index[index >= 0].astype(np.int32)
    lp.a_matrix_.value_ = np.ones(int(counts.sum()))
    values = _solve(highspy, lp)
    if np.any(np.abs(values - np.round(values)) > 1e-6):
        # The constraint matrix is two laminar families, hence totally unimodular, and the
        # LP's vertices are integral; a fractional answer (degenerate ties) gets the MIP.
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        values = _solve(highspy, lp)
    return [int(j) for j in np.flatnonzero(values > 0.5)]


def _solve(highspy: object, lp: object) -> np.ndarray:
    solver = highspy.Highs()  # type: ignore[attr-defined]
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_rel_gap", 1e-9)
    solver.passModel(lp)
    solver.run()
    return np.asarray(solver.getSolution().col_value)


def total_value(chosen: pl.DataFrame) -> float:
    return float(chosen["value"].sum()) if not chosen.is_empty() else 0.0


# The value priority's decisions over judged contacts -------------------------------------


def decide(
    judged: pl.DataFrame,
    history: pl.DataFrame,
    *,
    as_of: date,
    capacity: int | None,
    hours: tuple[int, int] = (9, 20),
    method: Method = "highs",
) -> pl.DataFrame:
    """Drop contacts worth less than they cost; allocate calls to hours and capacity.

    ``judged``: the plan's judged contacts with the value columns
    (:func:`planner.value.value_columns`), ``now`` (08:00 local) and ``not_before``.
    A chosen call's ``not_before`` moves to its hour (never earlier than the
    engine allowed); the dispatcher and the dialler still judge the real instant.
    A call that returns less than ``min_return`` per unit of its cost at every
    hour it may be made is not made (``suppressed_by = 'value'``); the account's
    messages of the day are decided on their own (their EV), so the strategy's
    automated contact still goes.
    """
    if judged.is_empty():
        return judged
    planned = pl.col("status") == "planned"
    worthless = (
        planned & pl.col("channel").is_in(list(OPTIONAL)) & (pl.col("expected_value_minor") <= 0)
    )
    judged = _suppress(judged, worthless, "value",
                       pl.format("{}; not made: worth {} less than it costs", pl.col("reason"),
                                 -pl.col("expected_value_minor")))  # fmt: skip
    calls = judged.filter(planned & (pl.col("channel") == "call")).with_row_index("_c")
    if calls.is_empty():
        return judged
    grid = _call_grid(calls, history, as_of, hours)
    slots = None
    if capacity is not None:
        per_hour = -(-capacity // max(1, hours[1] - hours[0]))
        slots = {h: per_hour for h in range(*hours)}
    chosen = allocate(grid, capacity=capacity, slot_capacity=slots, method=method)
    return _below_hurdle(_apply_choice(judged, calls, chosen, capacity), grid)


def _below_hurdle(decided: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Calls left out because no hour of theirs clears the hurdle: 'value', not 'capacity'."""
    best = grid.group_by("account_id").agg(
        pl.col("value").max().alias("_best"), pl.col("return").max().alias("_return"),
        pl.col("_hurdle").first(),
    )  # fmt: skip
    out = decided.join(best, on="account_id", how="left")
    below = (
        (pl.col("suppressed_by") == "capacity") & (pl.col("channel") == "call")
        & (pl.col("_best") <= 0)
    ).fill_null(False)  # fmt: skip
    reason = pl.format("{}; not made: returns {} per unit of its cost at its best hour, "
                       "below the minimum return {}", pl.col("_reason0"),
                       pl.col("_return").round(1), pl.col("_hurdle").round(2))  # fmt: skip
    return _suppress(out, below, "value", reason).drop("_best", "_return", "_hurdle", "_reason0")


def _call_grid(
    calls: pl.DataFrame, history: pl.DataFrame, as_of: date, hours: tuple[int, int]
) -> pl.DataFrame:
    """Each planned call × each allowed local hour, with the value of calling then."""
    country = pl.col("jurisdiction").str.split("-").list.first()
    zone = pl.coalesce(pl.col("time_zones").list.first(),
                       country.replace_strict(DEFAULT_ZONE, default="UTC"))  # fmt: skip
    zones = calls.select("debtor_id", zone.alias("zone"), "client_id").unique("debtor_id")
    outcomes = call_outcomes(history, zones)
    keys = calls.select("_c", "account_id", "debtor_id", "client_id", "channel")
    rates = hour_rates(keys, outcomes, group="client_id", weekday=as_of.isoweekday(),
                       hours=range(*hours))  # fmt: skip
    at = pl.col("now") + pl.duration(hours=pl.col("local_hour").cast(pl.Int64) - START.hour)
    # A call pays only if the debtor picks up: its gain scales with their chance at that hour
    # relative to the average debtor's (the base). Relative to the debtor's *own* mean, as
    # the first version had it, it only chose the hour and ranked a debtor who never answers
    # like one who always does.
    reach = pl.col("rate") / pl.col("base").clip(lower_bound=1e-6)
    # In a common unit across currencies (planner.value.value_rate): one team's capacity.
    fx = pl.col("value_rate") if "value_rate" in calls.columns else pl.lit(1.0)
    hurdle = pl.col("min_return") if "min_return" in calls.columns else pl.lit(1.0)
    gain, cost = pl.col("expected_gain") * reach, pl.col("action_cost_minor").cast(pl.Float64)
    return (
        rates.join(calls.select("_c", "now", "not_before", "expected_gain", "action_cost_minor",
                                fx.alias("_fx"), hurdle.alias("_hurdle")), on="_c")
        .with_columns(at.alias("at"))
        .filter(pl.col("at") >= pl.col("not_before"))
        .with_columns(((gain - pl.col("_hurdle") * cost) * pl.col("_fx")).alias("value"),
                      (gain - cost).alias("net"),  # the EV at that hour, own currency
                      (gain / cost.clip(lower_bound=1.0)).alias("return"),
                      pl.col("local_hour").cast(pl.Int64).alias("slot"))
    )  # fmt: skip


def _apply_choice(
    judged: pl.DataFrame, calls: pl.DataFrame, chosen: pl.DataFrame, capacity: int | None
) -> pl.DataFrame:
    picked = chosen.select("account_id", pl.lit("call").alias("channel"), "at",
                           pl.col("net").round(0).cast(pl.Int64).alias("_ev"))  # fmt: skip
    out = judged.join(picked, on=["account_id", "channel"], how="left").with_columns(
        pl.col("reason").alias("_reason0"))  # fmt: skip
    call = (pl.col("status") == "planned") & (pl.col("channel") == "call")
    waits = call & pl.col("at").is_null()
    out = _suppress(
        out,
        waits,
        "capacity",
        pl.format(
            "{}; waits: today's {} calls went to higher-value accounts",
            pl.col("reason"),
            pl.lit(capacity if capacity is not None else 0),
        ),
    )
    return out.with_columns(
        pl.when(call & pl.col("at").is_not_null()).then(pl.max_horizontal("not_before", "at"))
        .otherwise(pl.col("not_before")).alias("not_before"),
        pl.when(call & pl.col("_ev").is_not_null()).then(pl.col("_ev"))
        .otherwise(pl.col("expected_value_minor")).alias("expected_value_minor"),
    ).with_columns(pl.col("expected_value_minor").cast(pl.Float64).alias("priority")).drop(
        "at", "_ev")  # fmt: skip


def _suppress(frame: pl.DataFrame, when: pl.Expr, by: str, reason: pl.Expr) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(when).then(pl.lit("suppressed")).otherwise(pl.col("status")).alias("status"),
        pl.when(when).then(pl.lit(by)).otherwise(pl.col("suppressed_by")).alias("suppressed_by"),
        pl.when(when).then(reason).otherwise(pl.col("reason")).alias("reason"),
    )
