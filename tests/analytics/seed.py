"""A small portfolio with history for the dashboards' tests: two clients, payments, contacts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from arrears.analytics.refresh import Backfill, refresh
from arrears.analytics.reports import Options
from arrears.store.uow import UnitOfWork

PLACED = datetime(2026, 8, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def build(uow_factory: Callable[[], UnitOfWork], options: Options | None = None) -> None:
    """Accounts placed on 1 August, paid and contacted since; snapshots from 1 September."""
    with uow_factory() as uow:
        for code, currency in (("cn", "CNY"), ("us", "USD")):
            client = uow.clients.add(code=code, name=code.upper(), at=PLACED, jurisdiction="CN",
                                     currency=currency)  # fmt: skip
            debtors = uow.debtors.insert_many([{
                "client_id": client.id, "debtor_ref": f"{code}{i}", "kind": "person",
                "name": f"n{i}", "name_key": f"n{i}", "language": "zh-CN", "time_zones": [],
                "risk_flags": [], "has_conflicts": False, "created_at": PLACED,
                "updated_at": PLACED,
            } for i in range(6)])  # fmt: skip
            ids = uow.accounts.insert_many([{
                "client_id": client.id, "account_ref": f"{code}-{i}", "debtor_id": d,
                "currency": currency, "principal_minor": 100_000 * (i + 1), "interest_minor": 0,
                "fees_minor": 0, "costs_minor": 0, "credit_minor": 0, "status": "active",
                "holds": [], "arms": {}, "segment": "M1" if i % 2 else "M2", "strategy": code,
                "due_on": date(2026, 8, 1) + timedelta(days=10 * i), "created_at": PLACED,
                "updated_at": PLACED,
            } for i, d in enumerate(debtors)])  # fmt: skip
            for i, account in enumerate(ids[:3]):
                uow.payments.add(client_id=client.id, account_id=account,
                                 reference=f"{code}-p{i}", kind="payment",
                                 amount_minor=10_000 * (i + 1), currency=currency,
                                 paid_on=date(2026, 9 + i, 5), allocation={"principal": 0},
                                 created_at=PLACED)  # fmt: skip
            uow.interactions.add_many([{
                "account_id": a, "debtor_id": d, "channel": ch, "direction": "out",
                "occurred_at": NOW - timedelta(days=1 + j, hours=j), "outcome": out,
                "details": {},
            } for j, (a, d) in enumerate(zip(ids, debtors, strict=True))
              for ch, out in (("call", "conversation" if j % 3 == 0 else "no_answer"),
                              ("sms", "delivered" if j % 4 else "bounced"))])  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        backfill = Backfill.load(uow)
    day = date(2026, 9, 1)
    while day < NOW.date():
        with uow_factory() as uow:
            backfill.day(uow=uow, as_of=day, at=NOW, actor="test")
            uow.commit()
        day += timedelta(days=1)
    with uow_factory() as uow:
        refresh(uow=uow, as_of=NOW.date(), at=NOW, actor="test", options=options)
        uow.commit()


def collector(uow: UnitOfWork, username: str = "li", team: str = "north") -> int:
    """A collector in a team (both created as needed): the user id."""
    team_id = uow.users.team(team, NOW).id
    user = uow.users.add(username=username, display_name=username.title(), role="collector",
                         team_id=team_id, created_at=NOW)  # fmt: skip
    return int(user.id)
