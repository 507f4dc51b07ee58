"""The daily plan over a real database (SQLite and PostgreSQL), with the demo portfolio."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.planner import service
from arrears.planner.explain import explain_account
from arrears.planner.plan import PlanParams
from arrears.sim.demo import load_demo, load_history
from arrears.store.uow import UnitOfWork
from arrears.strategy.loader import load_strategies

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 20)


@pytest.fixture
def demo(
    uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher,
    clock: Callable[[], datetime], tmp_path: Path,
) -> Callable[[], UnitOfWork]:  # fmt: skip
    load_demo(out_dir=tmp_path / "demo", accounts=300, seed=5, as_of=AS_OF,
              uow_factory=uow_factory, cipher=cipher, reject_dir=tmp_path / "rejects",
              clock=clock)  # fmt: skip
    load_history(uow_factory=uow_factory, as_of=AS_OF, seed=5, at=clock())
    return uow_factory


def plan(uow_factory: Callable[[], UnitOfWork], **kwargs: object) -> service.PlanSummary:
    options: dict[str, object] = {
        "uow_factory": uow_factory,
        "strategies": load_strategies(ROOT / "config" / "strategies"),
        "rulebooks": load_rulebooks(ROOT / "config" / "rulebooks"),
        "as_of": AS_OF,
        "clock": lambda: datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
        "actor": "test",
        "params": PlanParams(call_capacity=20),
    }
    options.update(kwargs)
    return service.run_daily_plan(**options)  # type: ignore[arg-type]


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar() or 0)


class TestDailyPlan:
    def test_every_open_account_is_planned_or_accounted_for_and_calls_respect_capacity(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        summary = plan(demo)
        assert summary.total("planned") > 0
        assert summary.counts.get("planned:call", 0) <= 20
        assert (
            count(
                engine,
                "SELECT count(*) FROM planned_actions WHERE status = 'suppressed'"
                " AND suppressed_by = 'capacity'",
            )
            > 0
        )
        assert count(engine, "SELECT count(*) FROM planned_actions WHERE reason = ''") == 0
        assert count(engine, "SELECT count(*) FROM accounts WHERE strategy IS NOT NULL") > 0

    def test_re_running_a_date_replaces_its_plan_without_duplicates(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        plan(demo)
        first = count(engine, "SELECT count(*) FROM planned_actions")
        plan(demo)
        assert count(engine, "SELECT count(*) FROM planned_actions") == first
        assert count(engine, "SELECT count(*) FROM plan_runs WHERE status = 'done'") == 2

    def test_a_run_killed_after_a_partition_resumes_where_it_stopped(
        self, demo: Callable[[], UnitOfWork], engine: Engine, monkeypatch: pytest.MonkeyPatch
    ):
        real = service._plan_one
        calls = {"n": 0}

        def dying(*args: object, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(service, "_plan_one", dying)
        with pytest.raises(KeyboardInterrupt):
            plan(demo, partition_size=100)
        assert count(engine, "SELECT count(*) FROM plan_runs WHERE status = 'failed'") == 1
        partial = count(engine, "SELECT count(*) FROM planned_actions")
        assert partial > 0
        monkeypatch.setattr(service, "_plan_one", real)
        calls["n"] = 0
        resumed = plan(demo, partition_size=100)
        assert resumed.resumed and resumed.run_id == 1
        assert count(engine, "SELECT count(*) FROM plan_runs") == 1
        again = count(engine, "SELECT count(*) FROM planned_actions")
        assert again > partial
        assert again == count(
            engine,
            "SELECT count(DISTINCT plan_date || '-' || account_id"
            " || '-' || step) FROM planned_actions",
        )

    def test_every_planned_action_stamps_the_strategy_version_and_the_run_the_rulebooks(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        plan(demo)
        assert (
            count(
                engine,
                "SELECT count(*) FROM planned_actions WHERE status = 'planned'"
                " AND strategy_version IS NULL AND strategy IS NOT NULL",
            )
            == 0
        )
        with demo() as uow:
            run = uow.plans.get_run(1)
            assert set(run.versions["rulebooks"]) >= {"US", "CN", "GB"}
            assert run.versions["strategies"]


class TestExplain:
    def test_an_account_explains_its_segment_steps_and_verdicts(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        plan(demo)
        with engine.connect() as connection:
            ref, client = connection.execute(
                text(
                    "SELECT a.account_ref, c.code FROM planned_actions p"
                    " JOIN accounts a ON a.id = p.account_id JOIN clients c ON c.id = a.client_id"
                    " WHERE p.status = 'planned' ORDER BY p.id LIMIT 1"
                )
            ).one()
        with demo() as uow:
            explanation = explain_account(uow=uow, client=client, account_ref=ref, plan_date=None)
        text_ = "\n".join(explanation.lines())
        assert explanation.segment and explanation.strategy
        assert "why:" in text_ and "PLANNED" in text_
        assert explanation.to_dict()["actions"]
