"""Gradient-boosted trees (LightGBM): the propensity and amount models.

Parameters are chosen for portfolios from a few hundred to millions of rows:
shallow trees, a small learning rate, L2 regularisation and bagging. The
number of trees is found by k-fold cross-validation with early stopping
(folds by account, so one account's snapshots never sit on both sides), then
the model is refitted on all the learning rows with that many trees; the
folds' out-of-fold predictions are what the calibrator learns from. So every
row is used to learn and to calibrate, never both for the same prediction —
which matters on a small history. Runs are deterministic (same data,
same seed, same model). A model is saved in LightGBM's
own text format (``model_to_string``), readable by any LightGBM version since
3, never as a pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
ROUNDS, PATIENCE, FOLDS = 1500, 50, 5
AMOUNT_ROUNDS = 200


def params(rows: int, *, objective: str, seed: int) -> dict[str, Any]:
    """LightGBM parameters scaled to the number of training rows."""
    return {
        "objective": objective,
        "learning_rate": 0.03,
        "num_leaves": 15 if rows >= 5_000 else 4,
        "max_depth": 5,
        "min_data_in_leaf": max(20, rows // 1000),
        "min_sum_hessian_in_leaf": 1.0,
        "lambda_l2": 5.0,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "cat_smooth": 20.0,
        "min_data_per_group": 20,
        "seed": seed,
        "deterministic": True,
        "force_col_wise": True,
        # Threads help only on a large book; on a small one (or a busy machine) their
        # synchronisation costs more than the work.
        "num_threads": 2 if rows >= 100_000 else 1,
        "verbose": -1,
    }


def _folds(groups: npt.NDArray[np.int64], seed: int, k: int) -> list[tuple[Any, Any]]:
    unique, inverse = np.unique(groups, return_inverse=True)
    fold = np.random.default_rng(seed + 1).integers(0, k, len(unique))[inverse]
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


def fit_cv(
    x: Floats,
    y: Floats,
    *,
    groups: npt.NDArray[np.int64],
    names: Sequence[str],
    objective: str,
    seed: int,
    categorical: Sequence[str] = (),
) -> tuple[lgb.Booster, Floats]:
    """Cross-validate the number of trees, refit on all rows; the out-of-fold predictions."""
    cats: list[str] | Literal["auto"] = [n for n in names if n in categorical] or "auto"
    settings = params(len(y), objective=objective, seed=seed)
    settings["metric"] = "auc" if objective == "binary" else "l2"
    rounds_at_most = ROUNDS
    if objective != "binary":
        # The share of a debt paid is noisy: l2 keeps creeping down for a thousand trees that
        # change nothing a collector would notice. A faster rate and fewer trees suffice.
        settings["learning_rate"], rounds_at_most = 0.1, AMOUNT_ROUNDS
    folds = _folds(groups, seed, FOLDS)
    data = lgb.Dataset(x, y, feature_name=list(names), categorical_feature=cats,
                       free_raw_data=False)  # fmt: skip
    cv = lgb.cv(settings, data, num_boost_round=rounds_at_most, folds=folds,
                return_cvbooster=True,
                callbacks=[lgb.early_stopping(PATIENCE, verbose=False)])  # fmt: skip
    history = cv[f"valid {settings['metric']}-mean"]
    boosters = cv["cvbooster"]
    assert isinstance(history, list) and isinstance(boosters, lgb.CVBooster)
    rounds = len(history)
    oof = np.zeros(len(y), dtype=np.float64)
    for booster, (_, valid) in zip(boosters.boosters, folds, strict=True):
        oof[valid] = booster.predict(x[valid], num_iteration=rounds)
    final = lgb.train(settings, data, num_boost_round=rounds)
    return final, oof


def load_booster(text: str) -> lgb.Booster:
    return lgb.Booster(model_str=text)


def _threads(x: Floats) -> int:
    return 2 if len(x) >= 100_000 else 1


def predict(booster: lgb.Booster, x: Floats) -> Floats:
    out = booster.predict(x, num_iteration=booster.best_iteration or None,
                          num_threads=_threads(x))  # fmt: skip
    return np.asarray(out, dtype=np.float64)


def contributions(booster: lgb.Booster, x: Floats) -> Floats:
    """Per row and feature: the log-odds it adds (TreeSHAP); the last column (bias) dropped."""
    # TreeSHAP is the costly part of scoring (about 6,000 accounts a second on one core).
    out = booster.predict(x, num_iteration=booster.best_iteration or None, pred_contrib=True,
                          num_threads=_threads(x))  # fmt: skip
    return np.asarray(out, dtype=np.float64)[:, :-1]
