"""Two teams, their people and a hand-made month of work: the ground for the console's scenarios.

Team A (targets per collector and working day: 2 accounts, 1 RPC, 1 promise,
¥100.00 collected, kept rate 0.5) has supervisor ``sup.a`` and collectors
``col.a1`` and ``col.a2``; team B has ``sup.b`` and ``col.b1``. ``comp`` is a
compliance officer, ``admin`` an administrator. November 2026 so far
(2026-11-02 .. 2026-11-20, 15 working days) holds, by hand:

* col.a1: accounts A1 (call, conversation) and A2 (call, no answer; a note on
  A1); a promise of ¥300.00 taken on A1; promises kept, partial and broken
  judged in the period (1 kept of 3); ¥50.00 paid on A1 and ¥20.00 on A2, the
  latter reversed;
* col.a2: account A3 (call, right party), ¥70.00 paid;
* col.b1: account B1 (call, conversation), ¥999.00 paid;
* today's plan (2026-11-20): calls for A1, A2, A3 (col.a1 worked A1 today);
  an SMS held for REVIEW on A3; an SMS blocked on A2; an open task of col.a1
  past due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    PaymentRecord,
    PlannedActionRecord,
    PlanRunRecord,
    PromiseRecord,
)
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.workbench import users
from tests.fixtures.staff import PASSWORD

Factory = Callable[[], UnitOfWork]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
TARGETS = {"accounts_worked_per_day": 2, "rpc_per_day": 1, "promises_per_day": 1,
           "collected_per_day": {"CNY": 10_000}, "kept_rate": 0.5}  # fmt: skip
REVIEW = {"rule": "US-CEASE-02", "verdict": "REVIEW", "until": None, "citation": "1006.6(c)(2)",
          "message": "A cease notice is on file: a person must confirm."}  # fmt: skip
BLOCK = {"rule": "US-CEASE-01", "verdict": "BLOCK", "until": None, "citation": "1006.6(c)(1)",
         "message": "A cease notice is on file: no contact."}  # fmt: skip


@dataclass
class World:
    users: dict[str, int]
    accounts: dict[str, int]
    actions: dict[str, int]  # "review" and "block": planned action ids


PEOPLE = (
    ("sup.a", "supervisor", "Team A"), ("col.a1", "collector", "Team A"),
    ("col.a2", "collector", "Team A"), ("sup.b", "supervisor", "Team B"),
    ("col.b1", "collector", "Team B"), ("comp", "compliance", None), ("admin", "admin", None),
)  # fmt: skip


@lru_cache(maxsize=1)
def _hash() -> str:
    """The known password's hash, made once (Argon2 is slow on purpose)."""
    return users.HASHER.hash(PASSWORD)


def add_person(uow_factory: Factory, username: str, role: str, team: str | None,
               language: str = "en-US") -> int:  # fmt: skip
    """A user who already chose the known password; their id."""
    with uow_factory() as uow:
        user = uow.users.add(
            username=username, display_name=username.title(), role=role,
            team_id=uow.users.team(team, NOW).id if team else None, password_hash=_hash(),
            active=True, daily_capacity=0, created_at=NOW, language=language,
            must_change_password=False, password_changed_at=NOW, updated_at=NOW,
        )  # fmt: skip
        uow.audit.append(AuditEvent(NOW, "test", "user.added", "user", str(user.id),
                                    after={"role": role, "team": team}))  # fmt: skip
        uow.commit()
        return int(user.id)


def build(uow_factory: Factory) -> World:
    users = {name: add_person(uow_factory, name, role, team) for name, role, team in PEOPLE}
    with uow_factory() as uow:
        team = uow.users.team("Team A", NOW)
        team.targets = TARGETS
        accounts = _accounts(uow, users)
        _work(uow, users, accounts)
        actions = _plan(uow, accounts)
        uow.commit()
    with uow_factory() as uow:
        _payments(uow, accounts)
        uow.commit()
    return World(users, accounts, actions)


def _accounts(uow: UnitOfWork, people: dict[str, int]) -> dict[str, int]:
    s = uow.session
    client = ClientRecord(code="cn-consumer", name="CN", jurisdiction="CN", currency="CNY",
                          settings={}, created_at=NOW)  # fmt: skip
    s.add(client)
    s.flush()
    ids = {}
    owners = {"A1": "col.a1", "A2": "col.a1", "A3": "col.a2", "B1": "col.b1", "U1": None}
    for ref, owner in owners.items():
        debtor = DebtorRecord(client_id=client.id, debtor_ref=f"D-{ref}", name=f"Debtor {ref}",
                              name_key=f"debtor {ref.lower()}", language="zh-CN",
                              jurisdiction="CN", time_zones=["Asia/Shanghai"], risk_flags=[],
                              created_at=NOW, updated_at=NOW)  # fmt: skip
        s.add(debtor)
        s.flush()
        s.add(ContactPointRecord(debtor_id=debtor.id, kind="mobile", value="+8613800138000",
                                 time_zones=["Asia/Shanghai"], consents={}, opt_outs=[],
                                 first_seen_at=NOW, last_seen_at=NOW))  # fmt: skip
        account = AccountRecord(client_id=client.id, account_ref=ref, debtor_id=debtor.id,
                                currency="CNY", principal_minor=500_000, interest_minor=0,
                                fees_minor=0, costs_minor=0, credit_minor=0,
                                due_on=date(2026, 9, 1), status="active", holds=[], arms={},
                                jurisdiction="CN", segment="early",
                                assignee_id=people[owner] if owner else None, created_at=NOW,
                                updated_at=NOW)  # fmt: skip
        s.add(account)
        s.flush()
        ids[ref] = account.id
    return ids


def _interaction(uow: UnitOfWork, account: AccountRecord, user: int, at: datetime,
                 channel: str, outcome: str | None) -> None:  # fmt: skip
    uow.session.add(InteractionRecord(
        account_id=account.id, debtor_id=account.debtor_id, channel=channel, direction="out",
        occurred_at=at, user_id=user, outcome=outcome, details={},
    ))  # fmt: skip


def _work(uow: UnitOfWork, people: dict[str, int], ids: dict[str, int]) -> None:
    acc = {ref: uow.accounts.get(i) for ref, i in ids.items()}
    day = NOW - timedelta(days=3)
    _interaction(uow, acc["A1"], people["col.a1"], day, "call", "conversation")
    _interaction(uow, acc["A2"], people["col.a1"], day, "call", "no_answer")
    _interaction(uow, acc["A1"], people["col.a1"], day, "note", None)
    _interaction(uow, acc["A1"], people["col.a1"], NOW - timedelta(hours=1), "call", "no_answer")
    _interaction(uow, acc["A3"], people["col.a2"], day, "call", "right_party")
    _interaction(uow, acc["B1"], people["col.b1"], day, "call", "conversation")
    # Last month's work is outside the period.
    _interaction(uow, acc["A3"], people["col.a1"], datetime(2026, 10, 30, tzinfo=UTC), "call",
                 "conversation")  # fmt: skip
    promise: dict[str, Any] = {
        "account_id": ids["A1"],
        "debtor_id": acc["A1"].debtor_id,
        "currency": "CNY",
        "channel": "phone",
        "taken_by": "col.a1",
    }
    s = uow.session
    s.add(PromiseRecord(**promise, amount_minor=30_000, due_on=date(2026, 11, 25),
                        status="pending", created_at=day, updated_at=day))  # fmt: skip
    old = datetime(2026, 10, 20, tzinfo=UTC)
    for status in ("kept", "partial", "broken"):
        s.add(PromiseRecord(**promise, amount_minor=10_000, due_on=date(2026, 11, 5),
                            status=status, resolved_on=date(2026, 11, 6), created_at=old,
                            updated_at=day))  # fmt: skip
    uow.tasks.add(kind="follow_up", account_id=ids["A1"], title="call back", details={},
                  role="collector", assignee_id=people["col.a1"], due_at=NOW - timedelta(hours=2),
                  created_by="test", created_at=day)  # fmt: skip


def _plan(uow: UnitOfWork, ids: dict[str, int]) -> dict[str, int]:
    s = uow.session
    run = PlanRunRecord(plan_date=TODAY, status="done", versions={}, partitions=1,
                        partitions_done=[0], counts={}, actor="test", started_at=NOW)  # fmt: skip
    s.add(run)
    s.flush()
    made = {}
    rows = [("A1", "call", "planned", None, []), ("A2", "call", "planned", None, []),
            ("A3", "call", "planned", None, []), ("A3", "sms", "review", "REVIEW", [REVIEW]),
            ("A2", "sms", "suppressed", "BLOCK", [BLOCK, REVIEW])]  # fmt: skip
    for n, (ref, channel, status, verdict, findings) in enumerate(rows):
        account = uow.accounts.get(ids[ref])
        action = PlannedActionRecord(
            plan_date=TODAY, run_id=run.id, account_id=account.id, debtor_id=account.debtor_id,
            client_id=account.client_id, step=f"s{n}_{channel}", action=channel,
            channel=channel, template="cn_overdue_d1" if channel == "sms" else None,
            contact_to="+8613800138000", status=status, verdict=verdict or "ALLOW",
            not_before=NOW, reason="step", findings=findings, created_at=NOW,
        )  # fmt: skip
        s.add(action)
        s.flush()
        if status != "planned":
            made["review" if status == "review" else "block"] = action.id
    return made


def _payments(uow: UnitOfWork, ids: dict[str, int]) -> None:
    def pay(ref: str, amount: int, reference: str) -> None:
        payment = PaymentInput(reference=reference, amount_minor=amount, currency="CNY",
                               paid_on=date(2026, 11, 10), method="transfer")  # fmt: skip
        record_payment(uow=uow, account=uow.accounts.get(ids[ref]), payment=payment,
                       at=datetime(2026, 11, 10, 3, tzinfo=UTC), actor="test")  # fmt: skip

    pay("A1", 5_000, "P1")
    pay("A2", 2_000, "P2")
    pay("A3", 7_000, "P3")
    pay("B1", 99_900, "P4")
    original = uow.session.scalars(select(PaymentRecord).filter_by(reference="P2")).one()
    reversal = PaymentInput(reference="P2-R", amount_minor=2_000, currency="CNY",
                            paid_on=date(2026, 11, 12))  # fmt: skip
    reverse_payment(
        uow=uow,
        account=uow.accounts.get(ids["A2"]),
        original=original,
        reversal=reversal,
        at=datetime(2026, 11, 12, 3, tzinfo=UTC),
        actor="test",
    )


def propose(uow_factory: Factory, ref: str, amount_minor: int, world: World) -> int:
    """A collector's settlement proposal on ``ref`` (cn-consumer: a collector may waive 8 %, a
    supervisor 20 %, a manager 35 %); its id."""
    from arrears.payments.settlements import propose_settlement
    from tests.payments.resolution_seed import policies

    with uow_factory() as uow:
        settlement = propose_settlement(
            uow=uow, account=uow.accounts.get(world.accounts[ref]), amount_minor=amount_minor,
            by="col.a1", role="collector", channel="phone", at=NOW,
            policy=policies().for_client("cn-consumer", "CN"),
        )  # fmt: skip
        uow.commit()
        return settlement.id
