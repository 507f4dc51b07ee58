"""Is the model still right? Drift (PSI) and performance (AUC, KS, calibration).

**Population stability index.** Cut the reference values (the training data)
into bins at its deciles; with ``r_i`` and ``c_i`` the shares of the reference
and of the current values in bin ``i``,

    PSI = Σ (c_i − r_i) · ln(c_i / r_i)

Empty bins get a share of 0.0001 so the logarithm exists. Missing values are
a bin of their own. The usual reading (Siddiqi, *Credit Risk Scorecards*,
2006): below 0.10 the population is stable; 0.10-0.25 it has moved, watch it;
above 0.25 it has shifted, retrain or investigate before trusting the scores.

**Performance** on outcomes that arrived after training: AUC (how well the
score orders payers above non-payers, 0.5 = chance), KS (the largest gap
between the cumulative score distributions of payers and non-payers, in
[0, 1]), and calibration (Brier score; mean predicted against observed rate
per score decile; the expected calibration error is their weighted gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import brier_score_loss, roc_auc_score, roc_curve

STABLE, WATCH = 0.10, 0.25
EPSILON = 1e-4
Floats = npt.NDArray[np.float64]


def psi_status(value: float) -> str:
    """``stable`` (< 0.10), ``watch`` (0.10-0.25) or ``shift`` (> 0.25)."""
    if value < STABLE:
        return "stable"
    return "watch" if value <= WATCH else "shift"


@dataclass(frozen=True)
class Reference:
    """A distribution to compare against: bin edges and the share of each bin (+ missing)."""

    edges: list[float]  # inner edges; bin i holds edges[i-1] < x <= edges[i]
    shares: list[float]  # len(edges) + 1 bins, then the missing share last

    def to_json(self) -> dict[str, Any]:
        return {"edges": self.edges, "shares": self.shares}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reference:
        return cls([float(x) for x in data["edges"]], [float(x) for x in data["shares"]])


def reference(values: Floats, bins: int = 10) -> Reference:
    """Decile edges of ``values`` (NaN = missing) and the reference shares of each bin."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        edges: list[float] = []
    else:
        quantiles = np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1])
        edges = sorted({float(q) for q in quantiles})
    return Reference(edges, shares(values, edges))


def shares(values: Floats, edges: list[float]) -> list[float]:
    """Share of ``values`` in each bin of ``edges``, then the share of missing values."""
    n = max(values.size, 1)
    missing = np.isnan(values)
    index = np.searchsorted(np.asarray(edges, dtype=np.float64), values[~missing], side="left")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return [float(c) / n for c in counts] + [float(missing.sum()) / n]


def psi(expected: list[float], actual: list[float]) -> float:
    """PSI between two lists of bin shares (same bins)."""
    e = np.maximum(np.asarray(expected, dtype=np.float64), EPSILON)
    a = np.maximum(np.asarray(actual, dtype=np.float64), EPSILON)
    both_empty = (np.asarray(expected) == 0) & (np.asarray(actual) == 0)
    terms = np.where(both_empty, 0.0, (a - e) * np.log(a / e))
    return float(terms.sum())


def psi_against(ref: Reference, values: Floats) -> float:
    """PSI of ``values`` against a saved reference distribution."""
    return psi(ref.shares, shares(values, ref.edges))


@dataclass(frozen=True)
class Performance:
    count: int
    positives: int
    auc: float | None
    ks: float | None
    brier: float | None
    ece: float | None
    deciles: list[tuple[float, float, int]]  # mean predicted, observed rate, count

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count, "positives": self.positives, "auc": self.auc, "ks": self.ks,
            "brier": self.brier, "ece": self.ece, "deciles": [list(d) for d in self.deciles],
        }  # fmt: skip


def ks_statistic(y: npt.NDArray[Any], p: Floats) -> float:
    """Kolmogorov-Smirnov: the largest gap between the two classes' cumulative distributions."""
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def calibration(y: npt.NDArray[Any], p: Floats, bins: int = 10) -> list[tuple[float, float, int]]:
    """Mean predicted probability and observed rate per score decile (equal counts)."""
    order = np.argsort(p, kind="stable")
    out = []
    for chunk in np.array_split(order, min(bins, max(len(p), 1))):
        if chunk.size:
            out.append((float(p[chunk].mean()), float(y[chunk].mean()), int(chunk.size)))
    return out


def performance(y: npt.NDArray[Any], p: Floats) -> Performance:
    """AUC, KS and calibration of probabilities ``p`` against outcomes ``y`` (1 = paid)."""
    y = np.asarray(y, dtype=np.int64)
    positives = int(y.sum())
    if y.size == 0:
        return Performance(0, 0, None, None, None, None, [])
    deciles = calibration(y, p)
    ece = sum(abs(m - o) * c for m, o, c in deciles) / y.size
    brier = float(brier_score_loss(y, p))
    if positives in (0, y.size):  # one class only: no ranking to judge
        return Performance(int(y.size), positives, None, None, brier, float(ece), deciles)
    auc = float(roc_auc_score(y, p))
    return Performance(int(y.size), positives, auc, ks_statistic(y, p), brier, float(ece), deciles)
