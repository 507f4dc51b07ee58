"""Training, calibration, reasons and the saved form, on synthetic accounts with known odds."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from arrears.errors import InvalidInput
from arrears.scoring import boosting
from arrears.scoring.calibration import fit_calibrator
from arrears.scoring.features import NAMES
from arrears.scoring.model import digest, dump, load, score, train
from arrears.scoring.monitoring import performance
from arrears.scoring.scorecard import Scorecard


def accounts(n: int = 4000, seed: int = 3) -> pl.DataFrame:
    """Accounts whose chance of paying rises with recent payments and falls with broken promises."""
    rng = np.random.default_rng(seed)
    columns = {name: rng.integers(0, 5, n).astype(float) for name in NAMES}
    columns["payments_90d"] = rng.poisson(1.0, n).astype(float)
    columns["promises_broken"] = rng.poisson(0.5, n).astype(float)
    columns["balance_minor"] = rng.integers(10_000, 500_000, n).astype(float)
    logit = -2.0 + 0.9 * columns["payments_90d"] - 0.8 * columns["promises_broken"]
    paid = rng.random(n) < 1 / (1 + np.exp(-logit))
    share = np.where(paid, rng.uniform(0.05, 0.5, n), 0.0)
    return pl.DataFrame(columns).with_columns(
        pl.Series("account_id", np.arange(1, n + 1)),
        pl.Series("paid", paid),
        pl.Series("paid_minor", (share * columns["balance_minor"]).astype(np.int64)),
        pl.col("balance_minor").cast(pl.Int64),
    )


@pytest.fixture(scope="module")
def lightgbm_model():
    return train(accounts(), kind="lightgbm", names=NAMES, seed=1)


def test_lightgbm_learns_the_signal_and_its_probabilities_are_calibrated(lightgbm_model):
    test = lightgbm_model.metrics["test"]
    assert test["auc"] > 0.75 and test["ks"] > 0.35
    assert test["ece"] < 0.05  # predicted rates match observed ones per decile
    fresh = accounts(seed=11)
    p = lightgbm_model.probability(fresh)
    observed = fresh["paid"].mean()
    assert isinstance(observed, float)
    assert abs(float(p.mean()) - observed) < 0.03
    assert performance(fresh["paid"].cast(pl.Int64).to_numpy(), p).auc > 0.75


def test_contributions_add_up_to_the_models_log_odds(lightgbm_model):
    frame = accounts(50, seed=5)
    x = frame.select(NAMES).to_numpy().astype(float)
    contributions = boosting.contributions(lightgbm_model.classifier, x)
    raw = lightgbm_model.classifier.predict(x, raw_score=True)
    bias = lightgbm_model.classifier.predict(x, pred_contrib=True)[:, -1]
    assert np.allclose(contributions.sum(axis=1) + bias, raw)


def test_scores_carry_tier_expected_amount_and_reasons(lightgbm_model):
    frame = accounts(200, seed=7)
    scored = score(lightgbm_model, frame)
    assert scored.columns == ["account_id", "probability", "expected_minor", "tier", "reasons"]
    row = scored.join(frame, on="account_id").sort("probability").row(-1, named=True)
    assert row["tier"] == "high" and row["probability"] >= 0.3
    assert 0 < row["expected_minor"] <= row["balance_minor"]
    top = [r["feature"] for r in row["reasons"]]
    assert len(top) == 3 and "payments_90d" in top
    assert set(scored["tier"].unique()) <= {"high", "medium", "low"}


def test_the_saved_model_scores_exactly_like_the_trained_one(lightgbm_model):
    files = dump(lightgbm_model)
    assert set(files) == {"meta.json", "model.txt", "amount.txt"}
    again = load(files)
    frame = accounts(300, seed=9)
    assert np.array_equal(again.probability(frame), lightgbm_model.probability(frame))
    assert score(again, frame).equals(score(lightgbm_model, frame))
    assert digest(files) == digest(dict(files)) and len(digest(files)) == 64


def test_the_scorecard_is_readable_and_saved_as_json():
    model = train(accounts(), kind="scorecard", names=NAMES, seed=1)
    card = model.classifier
    assert isinstance(card, Scorecard)
    assert {"payments_90d", "promises_broken"} <= set(card.names)
    assert all(f.coefficient > 0 for f in card.features)  # every feature reads forwards
    assert model.metrics["test"]["auc"] > 0.7
    files = dump(model)
    assert "scorecard.json" in files and "model.txt" not in files
    frame = accounts(100, seed=2)
    assert np.allclose(load(files).probability(frame), model.probability(frame))
    points = card.points(frame)
    assert np.all(np.diff(points[np.argsort(model.raw(frame))]) >= -1e-9)  # points follow odds


def test_the_cards_bins_are_toads_bins():
    import toad

    frame = accounts(2000, seed=4)
    y = frame["paid"].cast(pl.Int64).to_numpy()
    combiner = toad.transform.Combiner()
    combiner.fit(frame.select("payments_90d").to_pandas(), y, method="chi", min_samples=0.05)
    model = train(frame, kind="scorecard", names=["payments_90d", "promises_broken"], seed=1)
    binned = next(f for f in model.classifier.features if f.name == "payments_90d")
    expected = combiner.transform(frame.select("payments_90d").to_pandas())["payments_90d"]
    assert np.array_equal(binned.bins(frame["payments_90d"]), expected.to_numpy())


def test_too_few_payers_is_a_clear_error():
    frame = accounts(300).with_columns(pl.lit(False).alias("paid"))
    with pytest.raises(InvalidInput, match=r"too few outcomes .* 0 payer"):
        train(frame, kind="lightgbm", names=NAMES)
    with pytest.raises(InvalidInput, match="unknown model kind"):
        train(accounts(300), kind="forest", names=NAMES)


def test_calibrators_fix_a_distorted_probability():
    rng = np.random.default_rng(0)
    truth = rng.uniform(0, 1, 20_000)
    y = (rng.random(truth.size) < truth).astype(int)
    raw = truth**2  # ranks right, too low
    iso = fit_calibrator(raw, y)
    assert iso.method == "isotonic"
    fixed = iso.apply(raw)
    assert abs(fixed.mean() - y.mean()) < 0.01 and abs(raw.mean() - y.mean()) > 0.1
    assert np.all(np.diff(fixed[np.argsort(raw)]) >= 0)  # the order is kept
    few = fit_calibrator(raw[:300], y[:300])
    assert few.method == "platt" and abs(few.apply(raw).mean() - y.mean()) < 0.05
    assert fit_calibrator(raw[:10], np.zeros(10, dtype=int)).method == "identity"
