"""The interpretable alternative: a WOE logistic scorecard (what credit teams use).

Each feature is cut into a few bins by chi-square merging (``toad``'s
``Combiner``, every bin at least 5 % of the rows); each bin gets its weight of
evidence

    WOE = ln( share of payers in the bin / share of non-payers in the bin )

and a logistic regression on the WOE columns gives one coefficient a feature.
Features with an information value below 0.02 carry no signal and are left
out, and so is a feature whose coefficient turns negative next to the others
(it would read backwards on the card). The points of a bin are
``factor × coefficient × WOE`` plus an equal share of the offset, with 20
points to double the odds of paying and 600 points at
even odds: a collector can add an account's points up by hand.

toad (which needs pandas) is used to *fit* only; the fitted card is plain JSON
(split points or category groups, WOE, points, coefficients) applied here with
numpy, so scoring an account needs neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.linear_model import LogisticRegression

Floats = npt.NDArray[np.float64]
MISSING = -1.0  # numeric missing values get their own value (a bin when it matters)
MISSING_CATEGORY = "(missing)"
MIN_IV = 0.02
FIT_ROWS = 20_000  # rows the binning is searched on (the WOE uses all of them)
PDO, BASE_POINTS, BASE_ODDS = 20.0, 600.0, 1.0


@dataclass(frozen=True)
class Binned:
    """One feature of the card: its bins, their WOE and points."""

    name: str
    splits: list[float] | None  # numeric: np.digitize split points
    groups: list[list[str]] | None  # categorical: the categories of each bin
    woe: list[float]
    points: list[float]
    coefficient: float
    iv: float

    def bins(self, column: pl.Series) -> npt.NDArray[np.int64]:
        if self.groups is not None:
            where = {c: i for i, group in enumerate(self.groups) for c in group}
            text = column.cast(pl.String).fill_null(MISSING_CATEGORY).to_list()
            return np.asarray([where.get(v, -1) for v in text], dtype=np.int64)
        values = column.cast(pl.Float64).fill_null(MISSING).fill_nan(MISSING).to_numpy()
        return np.asarray(np.digitize(values, self.splits or []), dtype=np.int64)

    def woe_of(self, column: pl.Series) -> Floats:
        """WOE per row; an unseen category is neutral (0)."""
        index = self.bins(column)
        table = np.asarray([*self.woe, 0.0], dtype=np.float64)
        return np.asarray(table[np.where(index < 0, len(self.woe), index)], dtype=np.float64)


@dataclass(frozen=True)
class Scorecard:
    features: list[Binned]
    intercept: float
    factor: float
    offset: float

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def contributions(self, frame: pl.DataFrame) -> Floats:
        """Per row and card feature: coefficient × WOE, the log-odds it adds."""
        if not self.features:
            return np.zeros((frame.height, 0), dtype=np.float64)
        columns = [f.coefficient * f.woe_of(frame[f.name]) for f in self.features]
        return np.asarray(np.column_stack(columns), dtype=np.float64)

    def raw(self, frame: pl.DataFrame) -> Floats:
        z = self.intercept + self.contributions(frame).sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def points(self, frame: pl.DataFrame) -> Floats:
        """The card's points per row (higher: more likely to pay)."""
        z = self.intercept + self.contributions(frame).sum(axis=1)
        return np.asarray(self.offset + self.factor * z, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept, "factor": self.factor, "offset": self.offset,
            "features": [f.__dict__ for f in self.features],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorecard:
        features = [Binned(**f) for f in data["features"]]
        return cls(features, float(data["intercept"]), float(data["factor"]), float(data["offset"]))


def _to_pandas(frame: pl.DataFrame, categorical: Sequence[str]) -> Any:
    exprs = [
        pl.col(c).cast(pl.String).fill_null(MISSING_CATEGORY)
        if c in categorical
        else pl.col(c).cast(pl.Float64).fill_null(MISSING).fill_nan(MISSING)
        for c in frame.columns
    ]
    return frame.select(exprs).to_pandas()


def _woe_table(index: npt.NDArray[np.int64], y: npt.NDArray[np.int64], bins: int) -> Floats:
    """WOE of each bin, smoothed by half a row so an all-payer bin stays finite."""
    pos = np.bincount(index, weights=y, minlength=bins) + 0.5
    neg = np.bincount(index, weights=1 - y, minlength=bins) + 0.5
    return np.asarray(np.log((pos / pos.sum()) / (neg / neg.sum())), dtype=np.float64)


def _information_value(
    index: npt.NDArray[np.int64], y: npt.NDArray[np.int64], woe: Floats
) -> float:
    pos = np.bincount(index, weights=y, minlength=len(woe)) / max(int(y.sum()), 1)
    neg = np.bincount(index, weights=1 - y, minlength=len(woe)) / max(int((1 - y).sum()), 1)
    return float(((pos - neg) * woe).sum())


def _bin_features(
    frame: pl.DataFrame, y: npt.NDArray[np.int64], categorical: Sequence[str]
) -> list[Binned]:
    import toad  # fitting only: toad needs pandas, scoring does not

    # Chi-merging starts from every distinct value: on a large book, bin a sample.
    sample = np.random.default_rng(0).permutation(frame.height)[:FIT_ROWS]
    combiner = toad.transform.Combiner()
    combiner.fit(_to_pandas(frame[sample], categorical), y[sample], method="chi",
                 min_samples=0.05)  # fmt: skip
    found = []
    for name, exported in combiner.export().items():
        rule = list(exported)
        is_groups = bool(rule) and isinstance(rule[0], list | tuple)
        draft = Binned(
            name,
            None if is_groups else [float(s) for s in rule],
            [[str(c) for c in g] for g in rule] if is_groups else None,
            [], [], 0.0, 0.0,
        )  # fmt: skip
        index = np.maximum(draft.bins(frame[name]), 0)
        bins = len(rule) if is_groups else len(rule) + 1
        woe = _woe_table(index, y, bins)
        found.append(Binned(draft.name, draft.splits, draft.groups, [float(w) for w in woe],
                            [], 0.0, _information_value(index, y, woe)))  # fmt: skip
    return [b for b in found if b.iv >= MIN_IV]


def _fit_positive(
    frame: pl.DataFrame, y: npt.NDArray[np.int64], binned: list[Binned], seed: int
) -> tuple[list[Binned], LogisticRegression]:
    """Logistic regression on the WOE columns, dropping features whose sign flips.

    WOE already points towards paying, so every coefficient should be positive; a
    negative one comes from features that overlap (two measures of the same
    payments) and would read backwards on the card. The most negative is dropped
    and the rest refitted until all are positive.
    """
    while True:
        woe = np.column_stack([b.woe_of(frame[b.name]) for b in binned])
        model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(woe, y)
        worst = int(np.argmin(model.coef_[0]))
        if model.coef_[0][worst] >= 0 or len(binned) == 1:
            return binned, model
        binned = binned[:worst] + binned[worst + 1 :]


def fit_scorecard(
    frame: pl.DataFrame, y: npt.NDArray[Any], *, categorical: Sequence[str] = (), seed: int = 0
) -> Scorecard:
    """Bin, weigh and fit a scorecard on ``frame`` (feature columns) and outcomes ``y`` (1/0)."""
    y = np.asarray(y, dtype=np.int64)
    binned = _bin_features(frame, y, categorical)
    factor = PDO / math.log(2)
    offset = BASE_POINTS - factor * math.log(BASE_ODDS)
    if not binned:
        rate = min(max(float(y.mean()), 1e-6), 1 - 1e-6)
        return Scorecard([], math.log(rate / (1 - rate)), factor, offset)
    binned, model = _fit_positive(frame, y, binned, seed)
    intercept, share = float(model.intercept_[0]), 1.0 / len(binned)
    features = [
        Binned(b.name, b.splits, b.groups, b.woe,
               [round(factor * (coef * w + intercept * share) + offset * share, 1) for w in b.woe],
               float(coef), b.iv)
        for b, coef in zip(binned, model.coef_[0], strict=True)
    ]  # fmt: skip
    return Scorecard(features, intercept, factor, offset)
