"""The collector's use cases in-process: queue, next account, 360 view, outcome (medians, p95).

    .venv/bin/python -m bench.workbench.collector_queries [--accounts 200000] [--url URL]

Builds a database (SQLite under var/ unless ``--url`` names a PostgreSQL
database, migrated to head) with ``--accounts`` accounts, each with a debtor
and a mobile number, spread over collectors of 500 accounts in teams of 10,
and a call planned today for a quarter of them; then times, for collectors
taken in turn, the use cases the pages call (no HTTP): ``service.queue``,
``service.take_next``, ``view.open_account`` (with the compliance banner) and
``outcomes.record_outcome``. Bench code: the SQL here only builds test data.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from bench.common import ROOT
from sqlalchemy import Engine, insert, text

from arrears.compliance.rulebooks import Rulebooks, load_rulebooks
from arrears.core.roles import Principal, Role
from arrears.payments.policy import ResolutionPolicy, load_policies
from arrears.store import migrate
from arrears.store.db import make_engine
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    PlannedActionRecord,
    PlanRunRecord,
    TeamRecord,
    UserRecord,
)  # fmt: skip
from arrears.store.uow import UnitOfWork
from arrears.workbench import service
from arrears.workbench.outcomes import Outcome, record_outcome
from arrears.workbench.scripts import bundled
from arrears.workbench.view import open_account

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PER_COLLECTOR, PER_TEAM, CHUNK = 500, 10, 20_000


def build(engine: Engine, accounts: int) -> int:
    """Fill the database; the number of collectors."""
    collectors = max(1, accounts // PER_COLLECTOR)
    with engine.begin() as conn:
        conn.execute(insert(ClientRecord), [{"id": 1, "code": "acme", "name": "Acme",
                     "jurisdiction": "CN", "currency": "CNY", "settings": {},
                     "created_at": AT}])  # fmt: skip
        teams = [{"id": t + 1, "name": f"team-{t}", "targets": {}, "created_at": AT}
                 for t in range(collectors // PER_TEAM + 1)]  # fmt: skip
        conn.execute(insert(TeamRecord), teams)
        conn.execute(insert(UserRecord), [_user(u) for u in range(1, collectors + 1)])
        conn.execute(insert(PlanRunRecord), [{"id": 1, "plan_date": AT.date(), "status": "done",
                     "versions": {}, "partitions": 1, "partitions_done": [0], "counts": {},
                     "actor": "bench", "started_at": AT}])  # fmt: skip
    for start in range(1, accounts + 1, CHUNK):
        ids = range(start, min(start + CHUNK, accounts + 1))
        with engine.begin() as conn:
            conn.execute(insert(DebtorRecord), [_debtor(i) for i in ids])
            conn.execute(insert(ContactPointRecord), [_point(i) for i in ids])
            conn.execute(insert(AccountRecord), [_account(i, collectors) for i in ids])
            conn.execute(insert(PlannedActionRecord), [_action(i) for i in ids if i % 4 == 0])
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return collectors


def _user(u: int) -> dict[str, object]:
    return {
        "id": u,
        "username": f"c{u}",
        "display_name": f"C {u}",
        "role": "collector",
        "team_id": (u - 1) // PER_TEAM + 1,
        "password_hash": "x",
        "active": True,
        "daily_capacity": 0,
        "language": "zh-CN",
        "created_at": AT,
        "updated_at": AT,
    }


def _debtor(i: int) -> dict[str, object]:
    return {
        "id": i,
        "client_id": 1,
        "debtor_ref": f"D{i}",
        "kind": "person",
        "name": f"债务人{i}",
        "name_key": f"债务人{i}",
        "birth_date": date(1980, 1, 1),
        "language": "zh-CN",
        "jurisdiction": "CN",
        "time_zones": ["Asia/Shanghai"],
        "risk_flags": [],
        "inconvenient_times": [],
        "has_conflicts": False,
        "created_at": AT,
        "updated_at": AT,
    }


def _point(i: int) -> dict[str, object]:
    return {
        "id": i,
        "debtor_id": i,
        "kind": "mobile",
        "value": f"+86138{i:08d}",
        "time_zones": ["Asia/Shanghai"],
        "verified": True,
        "consents": {},
        "opt_outs": [],
        "wrong_party": False,
        "do_not_contact": False,
        "preferred": True,
        "confidence": 80,
        "first_seen_at": AT,
        "last_seen_at": AT,
    }


def _account(i: int, collectors: int) -> dict[str, object]:
    return {
        "id": i,
        "client_id": 1,
        "account_ref": f"A{i:08d}",
        "debtor_id": i,
        "currency": "CNY",
        "principal_minor": 100_000 + i % 997 * 100,
        "interest_minor": 0,
        "fees_minor": 0,
        "costs_minor": 0,
        "credit_minor": 0,
        "due_on": date(2026, 10, 1),
        "status": "active",
        "holds": [],
        "arms": {},
        "jurisdiction": "CN",
        "assignee_id": (i // 4) % collectors + 1,
        "created_at": AT,
        "updated_at": AT,
    }


def _action(i: int) -> dict[str, object]:
    return {
        "plan_date": AT.date(),
        "run_id": 1,
        "account_id": i,
        "debtor_id": i,
        "client_id": 1,
        "partition": 0,
        "step": "call",
        "action": "call",
        "channel": "call",
        "status": "planned",
        "priority": float(i % 1000),
        "expected_value_minor": i % 1000,
        "reason": "bench",
        "findings": [],
        "created_at": AT,
    }


def timed(samples: dict[str, list[float]], name: str, work: Callable[[], object]) -> object:
    start = time.perf_counter()
    result = work()
    samples.setdefault(name, []).append((time.perf_counter() - start) * 1000)
    return result


def measure(
    factory: Callable[[], UnitOfWork], collectors: int, rounds: int
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    for r in range(rounds):
        u = r % collectors + 1
        me = Principal(user_id=u, username=f"c{u}", display_name="C", role=Role.COLLECTOR,
                       team_id=(u - 1) // PER_TEAM + 1, locale="zh-CN", csrf="x")  # fmt: skip
        one_round(factory, me, f"bench-{r}", samples)
    return samples


def one_round(
    factory: Callable[[], UnitOfWork], me: Principal, token: str, samples: dict[str, list[float]]
) -> None:
    """What a collector does for one account: queue, next, 360, outcome (each its own request)."""
    rulebooks, scripts = RULEBOOKS(), bundled()
    with factory() as uow:
        timed(samples, "queue", lambda: service.queue(uow=uow, me=me, today=AT.date(), now=AT))
    with factory() as uow:
        account = timed(
            samples, "next", lambda: service.take_next(uow=uow, me=me, today=AT.date(), now=AT)
        )
        uow.commit()
    assert isinstance(account, int), "every collector has calls planned"
    with factory() as uow:
        timed(
            samples,
            "360",
            lambda: open_account(
                uow=uow, me=me, account_id=account, now=AT, rulebooks=rulebooks, scripts=scripts
            ),
        )
        uow.commit()
    with factory() as uow:
        outcome = Outcome("no_answer", token=token, point_id=account)
        timed(
            samples,
            "outcome",
            lambda: record_outcome(
                uow=uow, me=me, account_id=account, at=AT, policy=POLICY(), outcome=outcome
            ),
        )
        uow.commit()


@functools.cache
def RULEBOOKS() -> Rulebooks:  # noqa: N802 - a constant loaded once
    return load_rulebooks()


@functools.cache
def POLICY() -> ResolutionPolicy:  # noqa: N802 - a constant loaded once
    return load_policies(ROOT / "config" / "resolution").for_client("acme", "CN")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    path = ROOT / "var" / "bench-workbench.sqlite"
    if args.url is None:
        Path(path).unlink(missing_ok=True)
    engine = make_engine(args.url or f"sqlite:///{path}")
    migrate.upgrade(engine)
    start = time.perf_counter()
    collectors = build(engine, args.accounts)
    print(f"built {args.accounts} accounts, {collectors} collectors "
          f"in {time.perf_counter() - start:.1f} s ({engine.dialect.name})")  # fmt: skip
    samples = measure(lambda: UnitOfWork.for_engine(engine), collectors, args.rounds)
    for name, values in samples.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{name:8s} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
