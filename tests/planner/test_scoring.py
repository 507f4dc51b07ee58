"""Scoring over a real database: train on the demo, promote, score, plan, evaluate, monitor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.kit.crypto import FieldCipher
from arrears.planner import scoring as service
from arrears.planner.features import account_features
from arrears.sim.demo import load_demo, load_history
from arrears.store.queries import planning
from arrears.store.queries.scoring import used_scores
from arrears.store.uow import UnitOfWork
from arrears.strategy.hashing import account_unit

pytestmark = pytest.mark.db
AS_OF = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
def demo(
    uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher,
    clock: Callable[[], datetime], tmp_path: Path,
) -> Callable[[], UnitOfWork]:  # fmt: skip
    load_demo(out_dir=tmp_path / "demo", accounts=400, seed=5, as_of=AS_OF,
              uow_factory=uow_factory, cipher=cipher, reject_dir=tmp_path / "rejects",
              clock=clock)  # fmt: skip
    load_history(uow_factory=uow_factory, as_of=AS_OF, seed=5, at=clock())
    return uow_factory


def train(uow_factory: Callable[[], UnitOfWork], models: Path, kind: str) -> str:
    with uow_factory() as uow:
        record = service.train_model(uow=uow, plan=service.TrainingPlan(AS_OF, kind),
                                     models_dir=models, at=AT, actor="test")  # fmt: skip
        uow.commit()
        return record.version


def promote(
    uow_factory: Callable[[], UnitOfWork], version: str, share: float | None = None
) -> None:
    with uow_factory() as uow:
        service.promote_model(uow=uow, version=version, challenger=share is not None,
                              share=share or 0.0, at=AT, actor="test")  # fmt: skip
        uow.commit()


def score(uow_factory: Callable[[], UnitOfWork], models: Path, day: date) -> service.ScoreSummary:
    with uow_factory() as uow:
        summary = service.score_portfolio(uow=uow, as_of=day, models_dir=models, at=AT,
                                          actor="test")  # fmt: skip
        uow.commit()
    return summary


def used_arms(uow_factory: Callable[[], UnitOfWork], day: date) -> dict[int, int]:
    with uow_factory() as uow:
        return {
            row.account_id: row.model_id
            for account in uow.accounts.get_many(range(1, 401)).values()
            for row in uow.scoring.of_account(account["id"])
            if row.used and row.as_of == day
        }


def test_train_promote_score_and_the_plan_reads_the_scores(
    demo: Callable[[], UnitOfWork], tmp_path: Path
):
    models = tmp_path / "models"
    champion = train(demo, models, "lightgbm")
    assert champion == "pay30-v1"
    assert {p.name for p in (models / champion).iterdir()} >= {"meta.json", "model.txt"}
    with demo() as uow:
        record = uow.scoring.model(champion)
        assert record.status == "candidate" and record.metrics["test"]["auc"] > 0.55
        assert record.period_to == AS_OF and record.period_from == AS_OF - timedelta(days=100)
        assert uow.audit.count("model.trained") == 1
    with pytest.raises(NotFound, match="no champion"):
        score(demo, models, AS_OF)

    promote(demo, champion)
    summary = score(demo, models, AS_OF)
    assert summary.accounts > 300 and summary.arms == {champion: summary.accounts}
    assert sum(summary.tiers.values()) == summary.accounts

    with demo() as uow:
        scores = used_scores(uow.session, as_of=AS_OF)
        accounts = planning.open_accounts(uow.session)
        empty = pl.DataFrame(schema={"account_id": pl.Int64, "invoice_count": pl.Int64})
        done = planning.steps_done(uow.session, before=AS_OF)
        features = account_features(accounts, planning.contact_points(uow.session),
                                    planning.interactions(uow.session, since=AT - timedelta(90)),
                                    done, empty, AS_OF, None, scores)  # fmt: skip
    scored = features.filter(pl.col("score").is_not_null())
    assert scored.height == summary.accounts
    assert set(scored["tier"].unique()) <= {"high", "medium", "low"}
    joined = scored.join(scores, on="account_id", suffix="_stored")
    assert (joined["score"] == joined["score_stored"]).all()
    # The expected amount comes along for the value priority (planner.value).
    assert (joined["expected_amount_minor"] == joined["expected_amount_minor_stored"]).all()

    again = score(demo, models, AS_OF)  # a re-run of the day replaces the day's scores
    with demo() as uow:
        assert uow.scoring.count(AS_OF) == again.rows == summary.rows


def test_a_challenger_takes_its_share_by_a_stable_hash(
    demo: Callable[[], UnitOfWork], tmp_path: Path
):
    models = tmp_path / "models"
    champion, challenger = train(demo, models, "lightgbm"), train(demo, models, "scorecard")
    promote(demo, champion)
    promote(demo, challenger, share=0.3)
    first = score(demo, models, AS_OF)
    score(demo, models, AS_OF + timedelta(days=1))
    with demo() as uow:
        ids = {m.version: m.id for m in uow.scoring.models()}
    today, tomorrow = used_arms(demo, AS_OF), used_arms(demo, AS_OF + timedelta(days=1))
    assert today == tomorrow  # every account keeps its model
    assert first.rows == 2 * first.accounts  # both models score everyone, one is used
    on_challenger = {a for a, m in today.items() if m == ids[challenger]}
    assert 0.2 < len(on_challenger) / len(today) < 0.4
    assert on_challenger == {a for a in today if account_unit(a, "model/pay30") < 0.3}

    with demo() as uow:
        evaluation = service.evaluate_model(uow=uow, version=challenger, as_of=AS_OF,
                                            models_dir=models, at=AT, actor="test")  # fmt: skip
        drift = service.monitor(uow=uow, as_of=AS_OF, models_dir=models)
        uow.commit()
    assert evaluation["count"] > 300 and evaluation["new_outcomes"] is False
    assert evaluation["auc"] is not None and len(evaluation["deciles"]) == 10
    assert [d.version for d in drift] == [champion, challenger]
    assert all(d.score_psi is not None and d.day == AS_OF for d in drift)
    assert {name for name, _, _ in drift[0].features} >= {"dpd", "payments_90d"}
    with demo() as uow:
        assert len(uow.scoring.model(challenger).metrics["evaluations"]) == 1

    (models / champion / "meta.json").write_text("{}", encoding="utf-8")
    with pytest.raises(Conflict, match="were changed"):
        score(demo, models, AS_OF)


def test_promotion_rules(demo: Callable[[], UnitOfWork], tmp_path: Path):
    models = tmp_path / "models"
    first = train(demo, models, "scorecard")
    with pytest.raises(Conflict, match="no champion yet"):
        promote(demo, first, share=0.2)
    promote(demo, first)
    second, third = train(demo, models, "scorecard"), train(demo, models, "scorecard")
    with pytest.raises(InvalidInput, match="champion keeps at least half"):
        promote(demo, second, share=0.6)
    promote(demo, second, share=0.3)
    with pytest.raises(InvalidInput, match=r"would take 0\.60"):
        promote(demo, third, share=0.3)
    promote(demo, third)  # a new champion: the old one retires, the challenger stays
    with demo() as uow:
        statuses = {m.version: m.status for m in uow.scoring.models()}
        assert statuses == {first: "retired", second: "challenger", third: "champion"}
        assert uow.audit.count("model.promoted") == 3 and uow.audit.count("model.retired") == 1
