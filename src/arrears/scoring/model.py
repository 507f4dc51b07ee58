"""A scoring model end to end: train, calibrate, test, score with reasons, save.

Training splits the *accounts* (not the rows: one account appears once per
snapshot day) at random, seeded: 20 % are held out to test, the rest learn.
LightGBM learns on all of them by cross-validation (``boosting.fit_cv``) and
its calibrator on their out-of-fold predictions; the scorecard learns on three
quarters and is calibrated on the last quarter. The test metrics (AUC, KS,
Brier, calibration error) go into the registry with the model.

A score row holds the calibrated probability of paying within the horizon,
the expected amount (probability × expected share of the balance paid given a
payment × balance, in the account's minor units), the tier and the reasons.
The expected share comes from a LightGBM regression on the payers when there
are enough of them, otherwise from their mean.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
import polars as pl

from arrears.errors import InvalidInput
from arrears.scoring import boosting
from arrears.scoring.calibration import Calibrator, fit_calibrator
from arrears.scoring.features import matrix
from arrears.scoring.monitoring import Reference, performance, reference
from arrears.scoring.reasons import TOP, top_reasons
from arrears.scoring.scorecard import Scorecard, fit_scorecard
from arrears.scoring.uplift import UpliftModel, dump_uplift, load_uplift

Floats = npt.NDArray[np.float64]
KINDS = ("lightgbm", "scorecard")
TIERS = ((0.30, "high"), (0.10, "medium"), (0.0, "low"))  # calibrated P(pay) thresholds
MIN_CLASS = 10  # payers and non-payers each, at least, to learn anything
MIN_PAYERS_FOR_AMOUNT = 50
REASONS = pl.List(
    pl.Struct({"feature": pl.String(), "value": pl.Float64(), "contribution": pl.Float64()})
)


@dataclass
class ScoringModel:
    kind: str
    names: list[str]
    classifier: lgb.Booster | Scorecard
    calibrator: Calibrator
    amount: lgb.Booster | None
    mean_share: float
    reference: dict[str, Reference] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    categorical: list[str] = field(default_factory=list)
    # What a conversation adds over paying anyway (scoring.uplift); None: not learnt.
    uplift: UpliftModel | None = None

    def raw(self, frame: pl.DataFrame) -> Floats:
        if isinstance(self.classifier, Scorecard):
            return self.classifier.raw(frame)
        return boosting.predict(self.classifier, matrix(frame, self.names).to_numpy())

    def probability(self, frame: pl.DataFrame) -> Floats:
        return np.clip(self.calibrator.apply(self.raw(frame)), 0.0, 1.0)

    def contributions(self, frame: pl.DataFrame) -> tuple[Floats, list[str]]:
        """Log-odds contributions and the features they belong to."""
        if isinstance(self.classifier, Scorecard):
            return self.classifier.contributions(frame), self.classifier.names
        x = matrix(frame, self.names).to_numpy()
        return boosting.contributions(self.classifier, x), self.names

    def share(self, frame: pl.DataFrame) -> Floats:
        """Expected share of the balance paid, given a payment."""
        if self.amount is None:
            return np.full(frame.height, self.mean_share)
        x = matrix(frame, self.names).to_numpy()
        return np.clip(boosting.predict(self.amount, x), 0.0, 1.0)


def tier_expr(probability: pl.Expr) -> pl.Expr:
    expr: pl.Expr = pl.lit(TIERS[-1][1])
    for bound, name in reversed(TIERS[:-1]):
        expr = pl.when(probability >= bound).then(pl.lit(name)).otherwise(expr)
    return expr


def split_parts(ids: npt.NDArray[Any], seed: int, test_share: float = 0.2) -> npt.NDArray[np.int64]:
    """0 (learn), 1 (stop and calibrate) or 2 (test) per row, the same for all rows of an id."""
    unique, inverse = np.unique(ids, return_inverse=True)
    draw = np.random.default_rng(seed).random(len(unique))
    learn = 0.8 - test_share
    part = np.where(draw < learn, 0, np.where(draw < learn + 0.2, 1, 2))
    return np.asarray(part[inverse], dtype=np.int64)


def _check(y: npt.NDArray[np.int64], what: str) -> None:
    payers = int(y.sum())
    if payers < MIN_CLASS or y.size - payers < MIN_CLASS:
        raise InvalidInput(
            f"too few outcomes to learn from in the {what} part: {payers} payer(s) and "
            f"{y.size - payers} non-payer(s); at least {MIN_CLASS} of each are needed "
            "(a longer history, more snapshots or a longer horizon give more)"
        )


def _fit_classifier(
    kind: str, frame: pl.DataFrame, y: npt.NDArray[np.int64], part: npt.NDArray[np.int64],
    ids: npt.NDArray[Any], names: Sequence[str], seed: int, categorical: Sequence[str],
) -> tuple[lgb.Booster | Scorecard, Calibrator]:  # fmt: skip
    """The classifier and its calibrator, fitted on held-out predictions."""
    if kind == "scorecard":
        learn, stop = part == 0, part == 1
        cols = frame.select(names)
        card = fit_scorecard(cols.filter(learn), y[learn], categorical=categorical, seed=seed)
        return card, fit_calibrator(card.raw(cols.filter(stop)), y[stop])
    learn = part < 2
    x = matrix(frame, names).to_numpy()
    booster, oof = boosting.fit_cv(x[learn], y[learn].astype(np.float64), groups=ids[learn],
                                   names=names, objective="binary", seed=seed,
                                   categorical=categorical)  # fmt: skip
    return booster, fit_calibrator(oof, y[learn])


def _fit_amount(
    frame: pl.DataFrame, part: npt.NDArray[np.int64], names: Sequence[str], seed: int
) -> tuple[lgb.Booster | None, float]:
    if "paid_minor" not in frame.columns or "balance_minor" not in frame.columns:
        return None, 1.0
    share = frame["paid_minor"].cast(pl.Float64) / frame["balance_minor"].cast(pl.Float64)
    share_np = np.clip(share.fill_null(0.0).to_numpy(), 0.0, 1.0)
    payers = frame["paid"].to_numpy().astype(bool) & (part < 2)
    mean = float(share_np[payers].mean()) if payers.any() else 0.0
    if payers.sum() < MIN_PAYERS_FOR_AMOUNT:
        return None, mean
    x = matrix(frame, names).to_numpy()
    booster, _ = boosting.fit_cv(x[payers], share_np[payers], groups=np.flatnonzero(payers),
                                 names=names, objective="regression", seed=seed)  # fmt: skip
    return booster, mean


def train(
    frame: pl.DataFrame,
    *,
    kind: str,
    names: Sequence[str],
    seed: int = 0,
    categorical: Sequence[str] = (),
    id_column: str = "account_id",
    test_share: float = 0.2,
) -> ScoringModel:
    """Fit, calibrate and test a model on a labelled frame (``paid`` is the outcome).

    ``test_share`` 0: no test part (the caller tests on rows of its own).
    """
    if kind not in KINDS:
        raise InvalidInput(f"unknown model kind {kind!r}: choose one of {', '.join(KINDS)}")
    y = frame["paid"].cast(pl.Int64).to_numpy()
    ids = frame[id_column].to_numpy() if id_column in frame.columns else np.arange(frame.height)
    part = split_parts(ids, seed, test_share)
    for index, what in enumerate(("learning", "calibration", "test")[: 3 if test_share else 2]):
        _check(y[part == index], what)
    classifier, calibrator = _fit_classifier(kind, frame, y, part, ids, names, seed, categorical)
    model = ScoringModel(kind, list(names), classifier, calibrator, None, 1.0,
                         categorical=list(categorical))  # fmt: skip
    model.amount, model.mean_share = _fit_amount(frame, part, names, seed)
    model.metrics = _metrics(model, frame, y, part)
    model.reference = _references(model, frame)
    return model


def _metrics(
    model: ScoringModel, frame: pl.DataFrame, y: npt.NDArray[np.int64],
    part: npt.NDArray[np.int64],
) -> dict[str, Any]:  # fmt: skip
    test = part == 2
    if not test.any():
        test = part == 1  # no test part: report the calibration part (the caller tests)
    raw_test = model.raw(frame.filter(test))
    calibrated = performance(y[test], model.calibrator.apply(raw_test))
    raw = performance(y[test], raw_test)
    out: dict[str, Any] = {
        "rows": int(frame.height), "payers": int(y.sum()), "base_rate": float(y.mean()),
        "parts": [int((part == i).sum()) for i in range(3)], "calibration": model.calibrator.method,
        "test": calibrated.to_json(), "test_brier_uncalibrated": raw.brier,
    }  # fmt: skip
    if isinstance(model.classifier, Scorecard):
        out["scorecard_features"] = {f.name: round(f.iv, 4) for f in model.classifier.features}
    else:
        out["trees"] = int(model.classifier.num_trees())
    return out


def _references(model: ScoringModel, frame: pl.DataFrame) -> dict[str, Reference]:
    refs = {"score": reference(model.probability(frame))}
    for name in model.names:
        if name not in model.categorical:
            refs[name] = reference(frame[name].cast(pl.Float64).fill_null(np.nan).to_numpy())
    return refs


def score(model: ScoringModel, frame: pl.DataFrame, top: int = TOP) -> pl.DataFrame:
    """account_id, probability, expected_minor, tier and reasons for every row of ``frame``."""
    p = model.probability(frame)
    share = model.share(frame)
    balance = frame["balance_minor"].cast(pl.Float64).to_numpy()
    expected = np.rint(p * share * balance).astype(np.int64)
    contributions, names = model.contributions(frame)
    values = matrix(frame, names).to_numpy() if names else np.zeros((frame.height, 0))
    reasons = top_reasons(contributions, values, names, top)
    return pl.DataFrame(
        {"account_id": frame["account_id"], "probability": p, "expected_minor": expected}
    ).with_columns(
        tier_expr(pl.col("probability")).alias("tier"),
        pl.Series("reasons", reasons, dtype=REASONS),
    )


# --- the saved form: files of text and JSON, never pickles ----------------------------------


def dump(model: ScoringModel) -> dict[str, str]:
    """The model as named text files (LightGBM text format, scorecard and metadata as JSON)."""
    meta = {
        "kind": model.kind, "names": model.names, "categorical": model.categorical,
        "calibrator": model.calibrator.to_json(), "mean_share": model.mean_share,
        "reference": {k: r.to_json() for k, r in model.reference.items()},
        "metrics": model.metrics,
    }  # fmt: skip
    files = {"meta.json": json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True)}
    if isinstance(model.classifier, Scorecard):
        files["scorecard.json"] = json.dumps(model.classifier.to_json(), ensure_ascii=False,
                                             indent=1)  # fmt: skip
    else:
        files["model.txt"] = model.classifier.model_to_string()
    if model.amount is not None:
        files["amount.txt"] = model.amount.model_to_string()
    if model.uplift is not None:
        files.update(dump_uplift(model.uplift))
    return files


def load(files: Mapping[str, str]) -> ScoringModel:
    meta = json.loads(files["meta.json"])
    classifier: lgb.Booster | Scorecard
    if meta["kind"] == "scorecard":
        classifier = Scorecard.from_json(json.loads(files["scorecard.json"]))
    else:
        classifier = boosting.load_booster(files["model.txt"])
    amount = boosting.load_booster(files["amount.txt"]) if "amount.txt" in files else None
    return ScoringModel(
        meta["kind"], list(meta["names"]), classifier,
        Calibrator.from_json(meta["calibrator"]), amount, float(meta["mean_share"]),
        {k: Reference.from_json(v) for k, v in meta["reference"].items()},
        dict(meta["metrics"]), list(meta["categorical"]), load_uplift(files),
    )  # fmt: skip


def digest(files: Mapping[str, str]) -> str:
    """SHA-256 over the files (names and contents): the registry checks it before scoring."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return h.hexdigest()
