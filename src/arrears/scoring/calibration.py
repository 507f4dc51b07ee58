"""Calibrated probabilities: a raw model score mapped to "x % of such accounts pay".

Boosted trees rank well but their raw outputs are not frequencies. A
calibrator is fitted on a held-out part of the training data (never on the
rows the model learned from): isotonic regression (scikit-learn's
``IsotonicRegression``, a monotone step function) when there are enough
payers to estimate steps, Platt scaling (a logistic regression on the raw
log-odds) when there are few (under 1,000 payers). Either is saved as plain JSON and applied with
numpy, so scoring needs neither the training data nor scikit-learn's pickles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

Floats = npt.NDArray[np.float64]
MIN_POSITIVES_FOR_ISOTONIC = 1000  # below, isotonic steps overfit (scikit-learn's advice)
TIE_BREAK = 1e-6


def _logit(p: Floats) -> Floats:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


@dataclass(frozen=True)
class Calibrator:
    method: str  # isotonic | platt | identity
    x: list[float]  # isotonic: thresholds of raw probabilities
    y: list[float]  # isotonic: calibrated values at the thresholds
    a: float = 1.0  # platt: p = 1 / (1 + exp(-(a * logit(raw) + b)))
    b: float = 0.0

    def apply(self, raw: Floats) -> Floats:
        raw = np.asarray(raw, dtype=np.float64)
        if self.method == "isotonic":
            # Within a step every account would tie: a millionth of the raw score keeps
            # the model's order (the ranking, and so AUC and KS) without moving the rate.
            stepped = np.interp(raw, self.x, self.y) + TIE_BREAK * raw
            return np.asarray(np.clip(stepped, 0.0, 1.0), dtype=np.float64)
        if self.method == "platt":
            z = self.a * _logit(raw) + self.b
            return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)
        return raw

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "x": self.x, "y": self.y, "a": self.a, "b": self.b}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Calibrator:
        return cls(
            str(data["method"]),
            [float(v) for v in data.get("x", [])],
            [float(v) for v in data.get("y", [])],
            float(data.get("a", 1.0)),
            float(data.get("b", 0.0)),
        )


IDENTITY = Calibrator("identity", [], [])


def fit_calibrator(raw: Floats, y: npt.NDArray[Any], method: str = "auto") -> Calibrator:
    """Fit on held-out raw probabilities and outcomes; ``auto`` picks by the number of payers."""
    y = np.asarray(y, dtype=np.int64)
    positives = int(y.sum())
    if positives in {0, y.size}:
        return IDENTITY  # one class only: nothing to calibrate against
    if method == "auto":
        method = "isotonic" if positives >= MIN_POSITIVES_FOR_ISOTONIC else "platt"
    if method == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibrator(
            "isotonic",
            [float(v) for v in iso.X_thresholds_],
            [float(v) for v in iso.y_thresholds_],
        )
    platt = LogisticRegression().fit(_logit(np.asarray(raw, dtype=np.float64)).reshape(-1, 1), y)
    return Calibrator("platt", [], [], float(platt.coef_[0][0]), float(platt.intercept_[0]))
