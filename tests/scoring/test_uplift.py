"""The call uplift: what a conversation adds over paying anyway, on accounts with known effects."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import pytest

from arrears.scoring.features import NAMES
from arrears.scoring.model import digest, dump, load, train
from arrears.scoring.uplift import (
    dial_reach,
    dump_uplift,
    fit_uplift,
    load_uplift,
    treated,
)


def history(n: int = 6000, seed: int = 5, effect_b2b: float = 0.0) -> pl.DataFrame:
    """Snapshots where paying anyway rises with recent payments, and a conversation adds a
    fixed 0.3 of the balance to consumers and ``effect_b2b`` to the B2B client's accounts.

    The propensity and the uplift disagree on purpose: those who pay anyway are not those
    a conversation moves (the conversation's effect does not depend on payments_90d).
    """
    rng = np.random.default_rng(seed)
    columns = {name: rng.integers(0, 5, n).astype(float) for name in NAMES}
    columns["payments_90d"] = rng.poisson(1.0, n).astype(float)
    columns["balance_minor"] = rng.integers(10_000, 500_000, n).astype(float)
    client = np.where(rng.random(n) < 0.2, "b2b", "consumer")
    talked = rng.random(n) < 0.08
    anyway = np.clip(0.05 + 0.15 * columns["payments_90d"], 0, 0.9)
    effect = np.where(client == "b2b", effect_b2b, 0.3)
    share = np.clip(anyway + np.where(talked, effect, 0.0) + rng.normal(0, 0.05, n), 0, 1)
    return pl.DataFrame(columns).with_columns(
        pl.Series("account_id", np.arange(1, n + 1)),
        pl.Series("client", client),
        pl.Series("talked", talked),
        pl.Series("share", share),
        pl.Series("paid", share > 0.1),
        pl.Series("paid_minor", (share * columns["balance_minor"]).astype(np.int64)),
        pl.col("balance_minor").cast(pl.Int64),
    )


class TestTheLearner:
    def test_the_effect_is_the_difference_a_conversation_makes_not_the_chance_of_paying(self):
        frame = history()
        model = fit_uplift(frame, names=NAMES, reach=0.2, seed=1)
        assert model is not None
        share = model.share(frame.filter(pl.col("client") == "consumer"))
        # about 0.3 for every consumer, whether they pay anyway a lot or a little
        assert 0.2 < float(np.median(share)) < 0.4
        often = frame.filter((pl.col("client") == "consumer") & (pl.col("payments_90d") >= 3))
        rarely = frame.filter((pl.col("client") == "consumer") & (pl.col("payments_90d") == 0))
        assert abs(model.share(often).mean() - model.share(rarely).mean()) < 0.1

    def test_a_client_whose_conversations_bring_nothing_is_valued_lower(self):
        frame = history(effect_b2b=0.0)
        model = fit_uplift(frame, names=NAMES, reach=0.2, seed=1)
        assert model is not None
        b2b = model.share(frame.filter(pl.col("client") == "b2b")).mean()
        consumer = model.share(frame.filter(pl.col("client") == "consumer")).mean()
        assert model.clients["b2b"] < 0 < model.clients["consumer"]
        assert b2b < consumer

    def test_a_call_is_worth_the_share_times_the_balance_times_the_reach(self):
        frame = history()
        model = fit_uplift(frame, names=NAMES, reach=0.25, seed=1)
        assert model is not None
        row = frame.head(1)
        expected = model.share(row)[0] * row["balance_minor"][0] * 0.25
        assert model.per_dial(row)[0] == pytest.approx(expected)

    def test_too_few_conversations_learn_nothing(self):
        frame = history().with_columns(pl.lit(False).alias("talked"))
        assert fit_uplift(frame, names=NAMES, reach=0.2) is None

    def test_the_saved_form_scores_the_same(self):
        frame = history()
        model = fit_uplift(frame, names=NAMES, reach=0.2, seed=1)
        assert model is not None
        again = load_uplift(dump_uplift(model))
        assert again is not None
        assert np.allclose(again.per_dial(frame), model.per_dial(frame))
        assert again.clients == model.clients

    def test_the_propensity_model_carries_its_uplift_in_its_files(self):
        frame = history()
        model = train(frame, kind="lightgbm", names=NAMES, seed=1)
        model.uplift = fit_uplift(frame, names=NAMES, reach=0.2, seed=1)
        files = dump(model)
        assert {"uplift.json", "uplift_control.txt"} <= set(files)
        loaded = load(files)
        assert loaded.uplift is not None and digest(dump(loaded)) == digest(files)
        without = train(frame, kind="lightgbm", names=NAMES, seed=1)
        assert load(dump(without)).uplift is None


def calls(rows: list[tuple[int, str, str, datetime]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["account_id", "channel", "outcome", "occurred_at"],
                        orient="row").with_columns(pl.lit("out").alias("direction"))  # fmt: skip


class TestTheTreatment:
    def test_a_conversation_in_the_window_is_the_treatment_an_unanswered_call_is_not(self):
        day = date(2026, 11, 2)
        frame = calls([
            (1, "call", "conversation", datetime(2026, 11, 2, 10, tzinfo=UTC)),
            (2, "call", "no_answer", datetime(2026, 11, 2, 10, tzinfo=UTC)),
            (3, "call", "conversation", datetime(2026, 11, 3, 23, tzinfo=UTC)),
            (4, "call", "conversation", datetime(2026, 11, 4, 9, tzinfo=UTC)),  # after
            (5, "sms", "conversation", datetime(2026, 11, 2, 9, tzinfo=UTC)),
        ])  # fmt: skip
        assert sorted(treated(frame, day, 2)["account_id"].to_list()) == [1, 3]

    def test_reach_is_the_share_of_dials_that_reached_the_debtor(self):
        at = datetime(2026, 11, 2, 10, tzinfo=UTC)
        frame = calls([(1, "call", "conversation", at), (2, "call", "no_answer", at),
                       (3, "call", "voicemail", at), (4, "call", "no_answer", at)])  # fmt: skip
        assert dial_reach(frame, date(2026, 11, 1), date(2026, 11, 3)) == 0.25
        assert dial_reach(frame, date(2026, 11, 5), date(2026, 11, 6)) == 0.0
