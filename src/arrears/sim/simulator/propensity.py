"""A propensity to pay estimated inside the simulator, from observable features only.

Used by the value priority when the scoring service has no model to offer (or
to compare against it). It never reads the hidden debtor traits: it learns
from a *training run* on another portfolio (a different seed: other debtors)
played with the shipped rules, exactly what a team would have had —

* features: the planner's account features (``planner.features``) on
  snapshot days, as the daily plan computes them;
* labels: whether the account paid within the next 30 days, and how much
  (the share of its balance), from the payments the run recorded.

Two gradient-boosted models (scikit-learn's histogram boosting, which takes
missing values as they are): the probability of paying within 30 days and the
expected share of the balance paid given a payment. ``score`` is the first;
``expected_amount_minor`` is the unconditional expectation, probability × share
× balance, rounded once (the convention of ``scoring.model.score``, which the
value priority reads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import polars as pl

from arrears.planner.features import account_features
from arrears.planner.service import HISTORY_DAYS
from arrears.store.queries import planning as queries
from arrears.store.uow import UnitOfWork

HORIZON = 30
NUMERIC = ("dpd", "balance_minor", "days_since_last_payment", "days_since_last_contact",
           "days_since_last_conversation", "unanswered_calls", "contacts_7d", "broken_promises",
           "days_since_opened", "missed_instalments", "invoice_count", "segment_days")  # fmt: skip
FLAGS = {
    "promise_pending": pl.col("promise_status") == "pending",
    "plan_active": pl.col("plan_status").is_in(["active", "missed"]),
    "disputed": pl.col("disputed"), "on_hold": pl.col("on_hold"),
    "has_mobile": pl.col("has_mobile"), "has_email": pl.col("has_email"),
    "charged_off": pl.col("charged_off"),
}  # fmt: skip


def features_at(uow: UnitOfWork, as_of: date) -> pl.DataFrame:
    """Every open account's features on ``as_of``, read as the daily plan reads them."""
    session = uow.session
    since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
    accounts = queries.open_accounts(session)
    points = queries.contact_points(session)
    history = queries.interactions(session, since=since)
    done = queries.steps_done(session, before=as_of)
    invoices = queries.invoice_counts(session)
    resolution = queries.resolution_state(session, as_of=as_of)
    return account_features(accounts, points, history, done, invoices, as_of, resolution)


def matrix(features: pl.DataFrame, clients: Sequence[str]) -> np.ndarray:
    """The model's inputs: numbers as they are (nulls as NaN), flags and the client as 0/1."""
    columns = [pl.col(n).cast(pl.Float64).alias(n) if n in features.columns
               else pl.lit(None, pl.Float64).alias(n) for n in NUMERIC]  # fmt: skip
    columns += [e.fill_null(False).cast(pl.Float64).alias(n) for n, e in FLAGS.items()]
    columns += [(pl.col("client") == c).cast(pl.Float64).alias(f"client={c}") for c in clients]
    return features.select(columns).to_numpy().astype(np.float64)


@dataclass(frozen=True)
class Propensity:
    classifier: Any
    share: Any
    clients: tuple[str, ...]
    columns: tuple[int, ...]  # inputs that were not all missing in training

    def predict(self, features: pl.DataFrame) -> pl.DataFrame:
        """account_id, score (P(pay within 30 days)), expected_amount_minor."""
        if features.is_empty():
            return pl.DataFrame(schema={"account_id": pl.Int64, "score": pl.Float64,
                                        "expected_amount_minor": pl.Int64})  # fmt: skip
        x = matrix(features, self.clients)[:, list(self.columns)]
        p = self.classifier.predict_proba(x)[:, 1]
        share = np.clip(self.share.predict(x), 0.01, 1.0)
        balance = features["balance_minor"].to_numpy().astype(np.float64)
        return pl.DataFrame({
            "account_id": features["account_id"], "score": p,
            "expected_amount_minor": np.round(p * share * balance).astype(np.int64),
        })  # fmt: skip


def labelled(features: pl.DataFrame, paid: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Features with ``paid`` (within HORIZON days after ``as_of``) and the share paid.

    ``paid``: account_id, paid_on, amount_minor (the run's payments).
    """
    window = paid.filter((pl.col("paid_on") > as_of)
                         & (pl.col("paid_on") <= as_of + timedelta(days=HORIZON)))  # fmt: skip
    sums = window.group_by("account_id").agg(pl.col("amount_minor").sum().alias("_paid"))
    return features.join(sums, on="account_id", how="left").with_columns(
        pl.col("_paid").is_not_null().alias("label"),
        (pl.col("_paid").fill_null(0) / pl.col("balance_minor").clip(lower_bound=1))
        .clip(upper_bound=1.0).alias("share"),
    )  # fmt: skip


def fit(frames: Sequence[pl.DataFrame], seed: int = 0) -> Propensity:
    """Train on labelled snapshots (see :func:`labelled`)."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    data = pl.concat(list(frames), how="diagonal_relaxed")
    clients = tuple(sorted(data["client"].drop_nulls().unique().to_list()))
    full, y = matrix(data, clients), data["label"].to_numpy()
    # A column with no value at all (a feature nobody has yet) teaches nothing.
    columns = tuple(int(i) for i in np.flatnonzero(~np.all(np.isnan(full), axis=0)))
    x = full[:, list(columns)]
    classifier = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05,
                                                random_state=seed).fit(x, y)  # fmt: skip
    payers = y.astype(bool)
    share = HistGradientBoostingRegressor(max_iter=100, random_state=seed).fit(
        x[payers], data["share"].to_numpy()[payers]
    )
    return Propensity(classifier, share, clients, columns)


def scorer(model: Propensity) -> Callable[[Callable[[], UnitOfWork], date], pl.DataFrame]:
    """The value policy's scores for each plan day."""

    def scores(uow_factory: Callable[[], UnitOfWork], day: date) -> pl.DataFrame:
        with uow_factory() as uow:
            return model.predict(features_at(uow, day))

    return scores


class Recorder:
    """A training run's observer: features on snapshot days (the plan is left alone)."""

    def __init__(self, days: Sequence[date]) -> None:
        self.days = set(days)
        self.snapshots: dict[date, pl.DataFrame] = {}

    def __call__(self, uow_factory: Callable[[], UnitOfWork], day: date) -> None:
        if day in self.days:
            with uow_factory() as uow:
                self.snapshots[day] = features_at(uow, day)
