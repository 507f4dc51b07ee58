"""The model registry and the scores table on both backends (repository and queries)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from arrears.errors import NotFound
from arrears.store.queries.scoring import used_scores
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def seed_accounts(uow: UnitOfWork, count: int = 3) -> list[int]:
    client = uow.clients.add(code="us-agency", name="US", at=AT, jurisdiction="US",
                             currency="USD")  # fmt: skip
    (debtor,) = uow.debtors.insert_many([{
        "client_id": client.id, "debtor_ref": "D1", "kind": "person", "name": "Ann Lee",
        "name_key": "ann lee", "language": "en-US", "time_zones": [], "risk_flags": [],
        "has_conflicts": False, "created_at": AT, "updated_at": AT,
    }])  # fmt: skip
    return uow.accounts.insert_many([{
        "client_id": client.id, "account_ref": f"US-{i}", "debtor_id": debtor, "currency": "USD",
        "principal_minor": 10_000, "interest_minor": 0, "fees_minor": 0, "costs_minor": 0,
        "credit_minor": 0, "status": "active", "holds": [], "arms": {}, "jurisdiction": "US-TX",
        "due_on": date(2026, 8, 1), "created_at": AT, "updated_at": AT,
    } for i in range(count)])  # fmt: skip


def model(uow: UnitOfWork, status: str, kind: str = "lightgbm") -> int:
    version = uow.scoring.next_version("pay30")
    record = uow.scoring.add_model(
        name="pay30", version=version, kind=kind, status=status, trained_as_of=date(2026, 11, 1),
        period_from=date(2026, 8, 1), period_to=date(2026, 11, 1), horizon_days=30,
        features=["dpd"], metrics={"test": {"auc": 0.7}}, params={}, artefact_path=version,
        digest="0" * 64, created_by="test", created_at=AT, updated_at=AT,
    )  # fmt: skip
    return record.id


def score_row(account: int, model_id: int, day: date, used: bool, p: float) -> dict[str, object]:
    return {"as_of": day, "account_id": account, "model_id": model_id, "arm": "champion",
            "used": used, "probability": p, "expected_minor": 100, "currency": "USD",
            "tier": "high" if p >= 0.3 else "low",
            "reasons": [{"feature": "dpd", "value": 3.0, "contribution": -0.2}],
            "created_at": AT}  # fmt: skip


def test_versions_statuses_and_the_active_models(uow_factory: Callable[[], UnitOfWork]):
    with uow_factory() as uow:
        model(uow, "candidate")
        challenger = model(uow, "challenger", kind="scorecard")
        champion = model(uow, "champion")
        uow.commit()
    with uow_factory() as uow:
        assert [m.version for m in uow.scoring.models()] == ["pay30-v1", "pay30-v2", "pay30-v3"]
        assert [m.id for m in uow.scoring.active("pay30")] == [champion, challenger]
        assert uow.scoring.next_version("pay30") == "pay30-v4"
        assert uow.scoring.model("pay30-v2").kind == "scorecard"
        with pytest.raises(NotFound, match="no model version 'nope'"):
            uow.scoring.model("nope")


def test_the_plan_reads_the_newest_fresh_used_score(uow_factory: Callable[[], UnitOfWork]):
    with uow_factory() as uow:
        a, b, c = seed_accounts(uow)
        champion, challenger = model(uow, "champion"), model(uow, "challenger")
        uow.scoring.add_scores([
            score_row(a, champion, date(2026, 11, 1), True, 0.1),
            score_row(a, champion, date(2026, 11, 10), True, 0.4),
            score_row(a, challenger, date(2026, 11, 10), False, 0.9),
            score_row(b, challenger, date(2026, 11, 10), True, 0.05),
            score_row(c, champion, date(2026, 9, 1), True, 0.5),  # stale by the plan date
            score_row(c, champion, date(2026, 11, 25), True, 0.5),  # after the plan date
        ])  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        frame = used_scores(uow.session, as_of=date(2026, 11, 20)).sort("account_id")
        assert frame.rows() == [(a, 0.4, "high", 100), (b, 0.05, "low", 100)]
        newest = uow.scoring.of_account(a)
        assert [(s.as_of, s.used) for s in newest][:2] == [(date(2026, 11, 10), True),
                                                           (date(2026, 11, 10), False)]  # fmt: skip
        assert newest[0].reasons == [{"feature": "dpd", "value": 3.0, "contribution": -0.2}]
        uow.scoring.clear_scores(date(2026, 11, 10), [champion])
        assert uow.scoring.count(date(2026, 11, 10)) == 2
        assert uow.scoring.score_days(champion) == [
            date(2026, 9, 1), date(2026, 11, 1), date(2026, 11, 25),
        ]  # fmt: skip
