"""Uplift of a call: what a conversation brings in beyond what the debtor pays anyway.

A propensity answers "will this account pay in the next 30 days?". Ranking calls
by it spends them on the debtors who pay anyway: in the simulator about 60 % of
what is recovered would have come in with no contact at all. What a call is worth
is the *difference* it makes::

    uplift(x) = E[share paid in 30 days | a conversation, x]
              − E[share paid in 30 days | no conversation, x]

learnt from the recorded history with an X-learner (Künzel et al. 2019), the
variant meant for a rare treatment — here a right-party conversation, a few per
cent of account-days:

1. the **control model** ``μ0(x)``: LightGBM regression of the share of the balance
   paid within the horizon on the point-in-time features, on the snapshots with
   no conversation in the treatment window (most of them);
2. each treated snapshot's **imputed effect** ``y − μ0(x)``: what it paid beyond
   what the control model expected of an account like it;
3. the **effect model** ``τ(x)``: a LightGBM regression of the imputed effects on
   the features. Its number of trees is chosen by cross-validation with early
   stopping, so on a thin or noisy history it stays near the mean effect (the
   smoothing); with fewer than :data:`MIN_TREATED` conversations there is no
   model and the mean imputed effect is used for every account.

The unit is a *share of the balance* (so a ¥300,000 invoice and a ¥3,000 card
debt learn from each other), and the amount is that share of today's balance:
what a conversation realistically adds in the horizon, measured — never more
than the balance. A dial reaches the debtor only sometimes: ``reach`` is the
share of dials that were conversations in the training history, so
``per_dial = τ(x) × balance × reach`` is the incremental money of one call at
an average debtor's chance of answering (the planner scales it by this debtor's
chance at the hour). The treatment is observed, not assigned: the features stand
in for what made collectors call and debtors answer (no unobserved confounding is
assumed; the simulator's answer rates are independent of the traits that drive
payment, a real portfolio's may not be).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl

from arrears.scoring import boosting
from arrears.scoring.features import labelled, matrix

Floats = npt.NDArray[np.float64]
MIN_TREATED = 100  # conversations needed before the effect varies by account
# Pseudo-conversations at the portfolio's effect a client's own residual effect is shrunk
# toward: a client with a handful of conversations (the B2B book: a few large invoices,
# called rarely) keeps nearly the portfolio's effect; one with hundreds, its own.
CLIENT_STRENGTH = 30.0
TREATMENT_DAYS = 2  # a conversation on the snapshot day or the next counts as treatment
FILES = ("uplift.json", "uplift_control.txt", "uplift_effect.txt")


@dataclass
class UpliftModel:
    names: list[str]
    control: lgb.Booster
    effect: lgb.Booster | None  # None: the mean effect for everyone (a thin history)
    mean_effect: float
    reach: float  # conversations per dial in the training history
    metrics: dict[str, Any]
    clients: dict[str, float] = field(default_factory=dict)  # client -> shrunk offset

    def share(self, frame: pl.DataFrame) -> Floats:
        """Expected extra share of the balance a conversation brings in (never below 0)."""
        return np.clip(self._common(frame) + self._offsets(frame), 0.0, 1.0)

    def _common(self, frame: pl.DataFrame) -> Floats:
        if self.effect is None:
            return np.full(frame.height, self.mean_effect)
        return boosting.predict(self.effect, matrix(frame, self.names).to_numpy())

    def _offsets(self, frame: pl.DataFrame) -> Floats:
        if "client" not in frame.columns or not self.clients:
            return np.zeros(frame.height)
        offsets = frame["client"].replace_strict(self.clients, default=0.0,
                                                 return_dtype=pl.Float64)  # fmt: skip
        return offsets.fill_null(0.0).to_numpy()

    def per_dial(self, frame: pl.DataFrame) -> Floats:
        """Incremental minor units of one call at average reach: share × balance × reach."""
        balance: Floats = frame["balance_minor"].cast(pl.Float64).to_numpy()
        out: Floats = self.share(frame) * balance * self.reach
        return out


def treated(interactions: pl.DataFrame, day: date, window: int = TREATMENT_DAYS) -> pl.DataFrame:
    """Accounts with a right-party conversation on ``day`` or the ``window - 1`` days after."""
    when = pl.col("occurred_at").dt.date()
    talk = (pl.col("channel") == "call") & (pl.col("outcome") == "conversation")
    inside = (when >= pl.lit(day)) & (when < pl.lit(day + timedelta(days=window)))
    return (
        interactions.filter(talk & inside)
        .select("account_id")
        .unique()
        .with_columns(pl.lit(True).alias("talked"))
    )


def treatment_frame(
    accounts: pl.DataFrame, payments: pl.DataFrame, interactions: pl.DataFrame,
    promises: pl.DataFrame, days: Sequence[date], horizon_days: int = 30,
    window: int = TREATMENT_DAYS,
) -> pl.DataFrame:  # fmt: skip
    """Labelled snapshots with ``talked`` (the treatment) and ``share`` (the outcome)."""
    frames = []
    clients = accounts.select("account_id", "client") if "client" in accounts.columns else None
    for day in days:
        frame = labelled(accounts, payments, interactions, promises, day, horizon_days)
        frame = frame.join(treated(interactions, day, window), on="account_id", how="left")
        frames.append(frame.join(clients, on="account_id", how="left") if clients is not None
                      else frame)  # fmt: skip
    if not frames:
        return pl.DataFrame()
    stacked = pl.concat(frames, how="vertical_relaxed")
    share = pl.col("paid_minor").cast(pl.Float64) / pl.col("balance_minor").cast(pl.Float64)
    return stacked.with_columns(
        pl.col("talked").fill_null(False), share.clip(0.0, 1.0).alias("share")
    )


def dial_reach(interactions: pl.DataFrame, first: date, last: date) -> float:
    """Share of outbound calls between ``first`` and ``last`` that reached the debtor."""
    when = pl.col("occurred_at").dt.date()
    calls = interactions.filter(
        (pl.col("channel") == "call") & (pl.col("direction") == "out")
        & (when >= pl.lit(first)) & (when <= pl.lit(last))
    )  # fmt: skip
    if calls.is_empty():
        return 0.0
    reached = int((calls["outcome"] == "conversation").sum())
    return reached / calls.height


def fit_uplift(
    frame: pl.DataFrame, *, names: Sequence[str], reach: float, seed: int = 0
) -> UpliftModel | None:
    """The X-learner on a :func:`treatment_frame`; None without both arms to learn from."""
    talked = frame["talked"].to_numpy().astype(bool)
    if talked.sum() < 10 or (~talked).sum() < 100:
        return None
    x = matrix(frame, names).to_numpy()
    y = frame["share"].to_numpy().astype(np.float64)
    ids = frame["account_id"].to_numpy()
    control, _ = boosting.fit_cv(x[~talked], y[~talked], groups=ids[~talked], names=names,
                                 objective="regression", seed=seed)  # fmt: skip
    imputed = y[talked] - boosting.predict(control, x[talked])
    mean = float(imputed.mean())
    effect = None
    if talked.sum() >= MIN_TREATED:
        effect, _ = boosting.fit_cv(x[talked], imputed, groups=ids[talked], names=names,
                                    objective="regression", seed=seed)  # fmt: skip
    common = (boosting.predict(effect, x[talked]) if effect is not None
              else np.full(int(talked.sum()), mean))  # fmt: skip
    clients = _client_offsets(frame.filter(pl.Series(talked)), imputed - common)
    metrics = {"rows": int(frame.height), "clients": clients, "treated": int(talked.sum()),
               "mean_effect": mean, "treated_share_paid": float(y[talked].mean()),
               "control_share_paid": float(y[~talked].mean()), "reach": reach,
               "effect_trees": int(effect.num_trees()) if effect is not None else 0}  # fmt: skip
    return UpliftModel(list(names), control, effect, mean, reach, metrics, clients)


def _client_offsets(treated_rows: pl.DataFrame, residual: Floats) -> dict[str, float]:
    """Each client's mean residual effect, shrunk toward 0 by :data:`CLIENT_STRENGTH`."""
    if "client" not in treated_rows.columns:
        return {}
    grouped = (
        treated_rows.select(pl.col("client").fill_null("?"), pl.Series("r", residual))
        .group_by("client")
        .agg(pl.col("r").sum(), pl.len().alias("n"))
    )
    return {c: float(r / (n + CLIENT_STRENGTH)) for c, r, n in grouped.iter_rows()}


def dump_uplift(model: UpliftModel) -> dict[str, str]:
    """The uplift model's files (LightGBM text and JSON), saved beside the propensity's."""
    meta = {"names": model.names, "mean_effect": model.mean_effect, "reach": model.reach,
            "metrics": model.metrics, "clients": model.clients}  # fmt: skip
    files = {"uplift.json": json.dumps(meta, indent=1, sort_keys=True),
             "uplift_control.txt": model.control.model_to_string()}  # fmt: skip
    if model.effect is not None:
        files["uplift_effect.txt"] = model.effect.model_to_string()
    return files


def load_uplift(files: Mapping[str, str]) -> UpliftModel | None:
    if "uplift.json" not in files:
        return None
    meta = json.loads(files["uplift.json"])
    effect = files.get("uplift_effect.txt")
    return UpliftModel(
        list(meta["names"]), boosting.load_booster(files["uplift_control.txt"]),
        boosting.load_booster(effect) if effect else None, float(meta["mean_effect"]),
        float(meta["reach"]), dict(meta["metrics"]), dict(meta.get("clients", {})),
    )  # fmt: skip
