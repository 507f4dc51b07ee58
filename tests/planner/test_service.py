"""The daily plan over a real database (SQLite and PostgreSQL), with the demo portfolio."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from arrears.compliance.rulebooks import load_rulebooks
from arrears.kit.crypto import FieldCipher
from arrears.planner import service
from arrears.planner.explain import explain_account
from arrears.planner.plan import PlanParams, capacity_share
from arrears.sim.demo import load_demo, load_history
from arrears.store.records import AccountRecord
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

    def test_the_day_s_call_capacity_is_shared_by_the_partitions_not_given_to_each(
        self, demo: Callable[[], UnitOfWork], engine: Engine
    ):
        summary = plan(demo, partition_size=100)
        assert summary.partitions >= 3
        assert 0 < summary.counts.get("planned:call", 0) <= 20
        assert count(engine, "SELECT count(*) FROM planned_actions WHERE status = 'planned'"
                             " AND channel = 'call'") <= 20  # fmt: skip

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
        real = service._read
        calls = {"n": 0}

        def dying(*args: object, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(service, "_read", dying)
        with pytest.raises(KeyboardInterrupt):
            plan(demo, partition_size=100)
        assert count(engine, "SELECT count(*) FROM plan_runs WHERE status = 'failed'") == 1
        partial = count(engine, "SELECT count(*) FROM planned_actions")
        assert partial > 0
        monkeypatch.setattr(service, "_read", real)
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


RESULT_SQL = {
    "actions": "SELECT * FROM planned_actions",
    "assignments": "SELECT id, strategy, segment, segment_since, arms FROM accounts",
    "outbox": "SELECT * FROM outbox",
}
NOT_RESULTS = {"id", "run_id", "created_at", "updated_at"}  # differ between any two runs


def results(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every planned action, assignment and outbox row, as sorted text without ids."""
    out = {}
    with engine.connect() as connection:
        for name, sql in RESULT_SQL.items():
            rows = connection.execute(text(sql)).mappings().all()
            keep = [c for c in (rows[0].keys() if rows else []) if c not in NOT_RESULTS]
            out[name] = sorted(tuple(str(row[c]) for c in keep) for row in rows)
    return out


def saved_assignments(uow_factory: Callable[[], UnitOfWork]) -> dict[int, tuple[object, ...]]:
    with uow_factory() as uow:
        accounts = uow.session.scalars(select(AccountRecord)).all()
        return {
            a.id: (a.strategy, a.segment, a.segment_since, dict(a.arms or {})) for a in accounts
        }


def restore_assignments(
    uow_factory: Callable[[], UnitOfWork], saved: dict[int, tuple[object, ...]]
) -> None:
    """Put back the accounts' strategy, segment and arms of before a run (a plan reads them)."""
    with uow_factory() as uow:
        for account in uow.session.scalars(select(AccountRecord)).all():
            strategy, segment, since, arms = saved[account.id]
            account.strategy, account.segment = strategy, segment  # type: ignore[assignment]
            account.segment_since, account.arms = since, arms  # type: ignore[assignment]
        uow.commit()


class TestWorkers:
    def test_two_workers_plan_exactly_what_one_plans(
        self, demo: Callable[[], UnitOfWork], engine: Engine, database_url: str
    ):
        before = saved_assignments(demo)
        one = plan(demo, partition_size=100)
        alone = results(engine)
        restore_assignments(demo, before)
        # Three partitions, two processes: two partitions are planned and written at once.
        two = plan(demo, partition_size=100, workers=2, database_url=database_url)
        assert two.partitions == one.partitions == 3 and two.run_id == one.run_id + 1
        assert two.counts == one.counts
        again = results(engine)
        for name, rows in alone.items():
            assert again[name] == rows, name
        assert alone["actions"] and alone["outbox"]
        with demo() as uow:
            assert sorted(uow.plans.get_run(two.run_id).partitions_done) == [0, 1, 2]

    def test_a_killed_run_resumes_in_worker_processes_without_duplicates(
        self, demo: Callable[[], UnitOfWork], engine: Engine, database_url: str,
        monkeypatch: pytest.MonkeyPatch,
    ):  # fmt: skip
        real = service._read

        def dying(uow: UnitOfWork, partition: int, *args: object) -> object:
            if partition == 1:
                raise KeyboardInterrupt
            return real(uow, partition, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(service, "_read", dying)
        with pytest.raises(KeyboardInterrupt):
            plan(demo, partition_size=100)
        monkeypatch.setattr(service, "_read", real)
        resumed = plan(demo, partition_size=100, workers=2, database_url=database_url)
        assert resumed.resumed and resumed.run_id == 1
        assert count(engine, "SELECT count(*) FROM plan_runs") == 1
        with demo() as uow:
            assert sorted(uow.plans.get_run(1).partitions_done) == [0, 1, 2]
        assert count(engine, "SELECT count(*) FROM planned_actions") == count(
            engine,
            "SELECT count(DISTINCT plan_date || '-' || account_id"
            " || '-' || step) FROM planned_actions",
        )

    def test_workers_need_the_database_url(self, demo: Callable[[], UnitOfWork]):
        with pytest.raises(ValueError, match="database URL"):
            plan(demo, workers=2)

    def test_sqlite_plans_in_one_process_by_default_postgresql_on_the_cores(self):
        assert service.default_workers("sqlite:///var/arrears.db") == 1
        assert 1 <= service.default_workers("postgresql://u@localhost/arrears") <= 4


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


class TestCapacityShare:
    def test_equal_shares_with_the_remainder_to_the_first_partitions(self):
        assert [capacity_share(20, p, 3) for p in range(3)] == [7, 7, 6]
        assert [capacity_share(2, p, 4) for p in range(4)] == [1, 1, 0, 0]

    def test_the_shares_add_up_to_the_capacity(self):
        for capacity in (0, 1, 19, 1500):
            for partitions in (1, 2, 7, 40):
                shares = [capacity_share(capacity, p, partitions) for p in range(partitions)]
                assert sum(shares) == capacity
                assert max(shares) - min(shares) <= 1
