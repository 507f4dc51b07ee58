"""A small collections floor for the workbench tests: two teams, their accounts, today's plan.

Team "east": collectors li.wei and zhang.min, supervisor chen.jing. Team
"west": collector bob.smith. Compliance officer gao.yan. Accounts (client
acme, China, CNY), each with a debtor and a mobile number, and a call planned
today with a priority:

    CN-1 li.wei     priority 90     CN-2 li.wei   priority 50
    CN-3 zhang.min  priority 70     CN-4 bob.smith priority 80
    CN-5 nobody (east's team queue) priority 60
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    PlannedActionRecord,
    PlanRunRecord,
)  # fmt: skip
from arrears.store.records.assignment import AccountOwnerRecord
from arrears.store.uow import UnitOfWork
from tests.fixtures.staff import add_staff

# 10:00 in Shanghai: inside the permitted calling hours (08:00-22:00).
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TODAY = AT.date()
PLAN = [("CN-1", "li.wei", 90.0), ("CN-2", "li.wei", 50.0), ("CN-3", "zhang.min", 70.0),
        ("CN-4", "bob.smith", 80.0), ("CN-5", None, 60.0)]  # fmt: skip
NAMES = {"CN-1": "王小明", "CN-2": "李娜", "CN-3": "张伟", "CN-4": "刘洋", "CN-5": "陈静"}


@dataclass
class Floor:
    users: dict[str, int]
    accounts: dict[str, int]
    phones: dict[str, int]  # account ref -> contact point id of its mobile


def seed_floor(factory: Callable[[], UnitOfWork], *, language: str = "en-US") -> Floor:
    users = {
        "li.wei": add_staff(factory, "li.wei", "collector", team="east", language=language),
        "zhang.min": add_staff(factory, "zhang.min", "collector", team="east"),
        "chen.jing": add_staff(factory, "chen.jing", "supervisor", team="east"),
        "bob.smith": add_staff(factory, "bob.smith", "collector", team="west"),
        "gao.yan": add_staff(factory, "gao.yan", "compliance"),
    }
    accounts, phones = {}, {}
    with factory() as uow:
        s = uow.session
        client = ClientRecord(code="acme", name="Acme Consumer Finance", jurisdiction="CN",
                              currency="CNY", settings={}, created_at=AT)  # fmt: skip
        s.add(client)
        s.flush()
        run = PlanRunRecord(plan_date=TODAY, status="done", versions={}, partitions=1,
                            partitions_done=[0], counts={}, actor="test",
                            started_at=AT)  # fmt: skip
        s.add(run)
        s.flush()
        for n, (ref, owner, priority) in enumerate(PLAN, start=1):
            account, point = _account(uow, client, ref, users.get(owner or ""), n)
            accounts[ref], phones[ref] = account.id, point.id
            s.add(PlannedActionRecord(
                plan_date=TODAY, run_id=run.id, account_id=account.id, debtor_id=account.debtor_id,
                client_id=client.id, strategy="cn-consumer-lending", segment="early",
                step="m1_call", action="call", channel="call", contact_to=point.value,
                status="planned", verdict="ALLOW", priority=priority,
                expected_value_minor=int(priority * 1000),
                reason=f"segment early, step m1_call: call (priority {priority:.0f})",
                findings=[], created_at=AT,
            ))  # fmt: skip
            if owner is None:
                s.add(AccountOwnerRecord(account_id=account.id, team_id=_team(uow, "east"),
                                         reason="team queue", pinned=False, started_at=AT,
                                         actor="test"))  # fmt: skip
        uow.commit()
    return Floor(users, accounts, phones)


def _team(uow: UnitOfWork, name: str) -> int:
    return uow.users.team(name, AT).id


def _account(
    uow: UnitOfWork, client: ClientRecord, ref: str, owner: int | None, n: int
) -> tuple[AccountRecord, ContactPointRecord]:
    s = uow.session
    debtor = DebtorRecord(client_id=client.id, debtor_ref=f"D-{ref}", name=NAMES[ref],
                          name_key=NAMES[ref], national_id_last4=f"{n:03d}X",
                          birth_date=date(1985, 3, n), language="zh-CN", jurisdiction="CN",
                          time_zones=["Asia/Shanghai"], risk_flags=[], created_at=AT,
                          updated_at=AT)  # fmt: skip
    s.add(debtor)
    s.flush()
    point = ContactPointRecord(debtor_id=debtor.id, kind="mobile", value=f"+861380013800{n}",
                               time_zones=["Asia/Shanghai"], consents={}, opt_outs=[],
                               verified=True, first_seen_at=AT, last_seen_at=AT)  # fmt: skip
    s.add(point)
    account = AccountRecord(
        client_id=client.id, account_ref=ref, debtor_id=debtor.id, currency="CNY",
        principal_minor=1_000_000, interest_minor=20_000, fees_minor=5_000, costs_minor=0,
        credit_minor=0, original_minor=1_200_000, due_on=date(2026, 11, 1), status="active",
        holds=[], arms={}, jurisdiction="CN", assignee_id=owner, created_at=AT, updated_at=AT,
    )  # fmt: skip
    s.add(account)
    s.flush()
    return account, point
