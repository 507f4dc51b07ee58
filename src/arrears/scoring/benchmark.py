"""Our training pipeline against a WOE scorecard, on public credit data (issue 8 §2).

One seeded, stratified split per data set: 70 % to train, 30 % held out. On the
same rows:

* **ours** — the LightGBM pipeline exactly as ``arrears model train`` runs it
  (:func:`arrears.scoring.model.train`: learns on part of the training rows,
  stops early and calibrates on the rest);
* **scorecard** — the WOE logistic scorecard credit teams build: toad's
  chi-merge binning, WOE, information-value selection, logistic regression,
  fitted on all the training rows.

Both are judged by AUC and KS on the held-out rows. Categorical attributes are
given to LightGBM as integer codes marked categorical, to the scorecard as
text (it groups categories itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from sklearn.metrics import roc_auc_score

from arrears.scoring.datasets import LOADERS, Dataset
from arrears.scoring.model import train
from arrears.scoring.monitoring import ks_statistic
from arrears.scoring.scorecard import fit_scorecard

SEED = 20261123
TEST_SHARE = 0.3


@dataclass(frozen=True)
class Result:
    dataset: str
    rows: int
    test_rows: int
    model: str
    auc: float
    ks: float


def holdout(
    y: npt.NDArray[np.int64], seed: int, share: float = TEST_SHARE
) -> npt.NDArray[np.bool_]:
    """A stratified random held-out mask: ``share`` of each class."""
    rng = np.random.default_rng(seed)
    test = np.zeros(y.size, dtype=bool)
    for cls in (0, 1):
        rows = np.flatnonzero(y == cls)
        test[rng.permutation(rows)[: round(share * rows.size)]] = True
    return test


def _codes(frame: pl.DataFrame, categorical: Sequence[str]) -> pl.DataFrame:
    """Categories as dense integer codes (sorted order) for LightGBM."""
    return frame.with_columns(
        (pl.col(c).cast(pl.String).fill_null("").rank("dense") - 1).cast(pl.Int64)
        for c in categorical
    )


def _result(data: Dataset, test: npt.NDArray[np.bool_], model: str,
            p: npt.NDArray[np.float64]) -> Result:  # fmt: skip
    y = data.target[test]
    return Result(data.name, len(data.target), int(test.sum()), model,
                  float(roc_auc_score(y, p)), ks_statistic(y, p))  # fmt: skip


def compare(data: Dataset, seed: int = SEED) -> list[Result]:
    """Ours and the scorecard on one held-out split of ``data``."""
    test = holdout(data.target, seed)
    names = list(data.features.columns)
    coded = _codes(data.features, data.categorical).with_columns(
        pl.Series("paid", data.target.astype(bool)),
        pl.Series("row_id", np.arange(len(data.target))),
    )
    ours = train(coded.filter(~test), kind="lightgbm", names=names, seed=seed,
                 categorical=data.categorical, id_column="row_id", test_share=0.0)  # fmt: skip
    card = fit_scorecard(data.features.filter(~test), data.target[~test],
                         categorical=data.categorical, seed=seed)  # fmt: skip
    return [
        _result(data, test, "ours (LightGBM, calibrated)", ours.probability(coded.filter(test))),
        _result(
            data, test, "WOE scorecard (toad + logistic)", card.raw(data.features.filter(test))
        ),
    ]


def run(
    names: Sequence[str] = tuple(LOADERS), seed: int = SEED,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:  # fmt: skip
    """Every named data set, side by side."""
    out = []
    for name in names:
        for result in compare(LOADERS[name](), seed):
            out.append(result)
            if on_result:
                on_result(result)
    return out
