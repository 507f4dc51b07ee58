"""The nightly refresh writes a day's exact snapshot; the backfill reconstructs past days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from arrears.analytics.refresh import Backfill, refresh
from arrears.store.queries import analytics as queries
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
PLACED = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
AT = datetime(2026, 11, 20, 23, 0, tzinfo=UTC)


def seed(uow: UnitOfWork) -> dict[str, int]:
    client = uow.clients.add(code="cn", name="CN", at=PLACED, jurisdiction="CN", currency="CNY")
    debtors = uow.debtors.insert_many([{
        "client_id": client.id, "debtor_ref": f"D{i}", "kind": "person", "name": f"n{i}",
        "name_key": f"n{i}", "language": "zh-CN", "time_zones": [], "risk_flags": [],
        "has_conflicts": False, "created_at": PLACED, "updated_at": PLACED,
    } for i in range(2)])  # fmt: skip

    def account(ref: str, debtor: int, principal: int, status: str, due: date) -> dict[str, object]:
        return {
            "client_id": client.id,
            "account_ref": ref,
            "debtor_id": debtor,
            "currency": "CNY",
            "principal_minor": principal,
            "interest_minor": 0,
            "fees_minor": 0,
            "costs_minor": 0,
            "credit_minor": 0,
            "status": status,
            "holds": [],
            "arms": {"m1-tone": "standard"},
            "segment": "M1",
            "strategy": "cn",
            "due_on": due,
            "created_at": PLACED,
            "updated_at": PLACED,
        }

    ids = uow.accounts.insert_many([
        account("A", debtors[0], 50_000, "active", date(2026, 10, 1)),
        account("B", debtors[1], 0, "paid", date(2026, 11, 1)),
    ])  # fmt: skip
    uow.payments.add(client_id=client.id, account_id=ids[1], reference="P1", kind="payment",
                     amount_minor=30_000, currency="CNY", paid_on=date(2026, 11, 10),
                     allocation={"principal": 30_000}, created_at=AT)  # fmt: skip
    return {"client": client.id, "A": ids[0], "B": ids[1]}


def test_refresh_writes_the_day_and_its_totals_and_can_be_rerun(
    uow_factory: Callable[[], UnitOfWork],
):
    with uow_factory() as uow:
        ids = seed(uow)
        refresh(uow=uow, as_of=date(2026, 11, 20), at=AT, actor="test")
        result = refresh(uow=uow, as_of=date(2026, 11, 20), at=AT, actor="test")
        uow.commit()
    assert result.accounts == 2
    with uow_factory() as uow:
        day = queries.snapshots(uow.session, [date(2026, 11, 20)]).sort("account_id")
        totals = queries.totals(uow.session, date(2026, 11, 1), date(2026, 11, 30))
        runs = queries.snapshot_runs(uow.session)
    a = day.row(0, named=True)
    assert (a["account_id"], a["dpd"], a["bucket"], a["balance_minor"]) == (ids["A"], 50, "31-60",
                                                                            50_000)  # fmt: skip
    assert a["placed_on"] == date(2026, 9, 1) and a["segment"] == "M1"
    assert '"standard"' in a["arms"]
    assert totals["accounts"].sum() == 2 and totals["balance_minor"].sum() == 50_000
    assert runs.rows() == [(date(2026, 11, 20), "refresh", 2)]


def test_backfill_puts_later_payments_back_and_reopens_what_they_paid(
    uow_factory: Callable[[], UnitOfWork],
):
    with uow_factory() as uow:
        ids = seed(uow)
        uow.commit()
    with uow_factory() as uow:
        backfill = Backfill.load(uow)
        backfill.day(uow=uow, as_of=date(2026, 11, 5), at=AT, actor="test")
        uow.commit()
    with uow_factory() as uow:
        day = queries.snapshots(uow.session, [date(2026, 11, 5)]).sort("account_id")
    b = day.filter(day["account_id"] == ids["B"]).row(0, named=True)
    assert (b["status"], b["balance_minor"], b["bucket"]) == ("active", 30_000, "1-30")
    assert day.height == 2


def test_every_default_view_after_the_refresh_equals_the_live_report(
    uow_factory: Callable[[], UnitOfWork],
):
    from arrears.analytics.reports import SPECS, Options, default_scope, run_report

    with uow_factory() as uow:
        seed(uow)
        refresh(uow=uow, as_of=date(2026, 11, 20), at=AT, actor="test", options=Options())
        uow.commit()
    scope = default_scope(date(2026, 11, 20))
    with uow_factory() as uow:
        for name in SPECS:
            if name == "cost":  # needs unit costs: not precomputed without them
                continue
            cached = run_report(uow=uow, name=name, scope=scope, cached=True)
            live = run_report(uow=uow, name=name, scope=scope)
            assert cached.frame.equals(live.frame), name
        stored = queries.cached_report(
            uow.session,
            "portfolio",
            "|".join(
                str(v) for v in (scope.start, scope.end, None, None, None, None, "UTC", "channel")
            ),
        )
    assert stored is not None and stored[0] == date(2026, 11, 20)
