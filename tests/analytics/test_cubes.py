"""The daily cubes answer views with two filters and other periods exactly as the live reports.

On top of the seed (tests/analytics/seed.py), client ``cn``'s accounts 1 and 3 are
worked by collector ``li`` of team ``north``; account 3 replies 30 hours after its
call and SMS of 19 November, account 1 replies on 22 November at 10:00 (after a
period ending on the 21st, inside one ending on the 22nd), li has a right-party
call with account 1 on the 20th and takes promises from accounts 1 (kept on the 21st) and 5
(broken on the 20th), and account 5 complains by phone on the 20th.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from arrears.analytics import cubes
from arrears.analytics.inputs import Scope
from arrears.analytics.refresh import refresh
from arrears.analytics.reports import SPECS, load_options, run_report
from arrears.store.uow import UnitOfWork
from tests.analytics import seed

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
Factory = Callable[[], UnitOfWork]
REPORTS = ("contact-channels", "contact-hours", "contact-weekdays", "best-time", "deliveries",
           "rpc", "complaints", "promises", "productivity", "teams",
           "collected-vs-target")  # fmt: skip


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def _worked(uow_factory: Factory) -> None:
    options = load_options(ROOT / "config")
    seed.build(uow_factory, options)
    with uow_factory() as uow:
        li = seed.collector(uow)
        found = {i: uow.accounts.find(f"cn-{i}", client="cn") for i in (1, 3, 5)}
        accounts = {i: a for i, a in found.items() if a is not None}
        for i in (1, 3):
            accounts[i].assignee_id = li

        def row(i: int, channel: str, direction: str, when: datetime, outcome: str | None,
                user: int | None = None) -> dict[str, object]:  # fmt: skip
            a = accounts[i]
            return {"account_id": a.id, "debtor_id": a.debtor_id, "channel": channel,
                    "direction": direction, "occurred_at": when, "outcome": outcome,
                    "user_id": user, "details": {}}  # fmt: skip

        uow.interactions.add_many([
            row(3, "sms", "in", at(20, 12), None),
            row(1, "sms", "in", at(22, 10), None),
            row(1, "call", "out", at(20, 15), "conversation", li),
            row(5, "call", "in", at(20, 9), "complaint"),
        ])  # fmt: skip
        for i, status, due in ((1, "kept", 21), (5, "broken", 20)):
            a = accounts[i]
            promise = uow.resolution.add_promise(
                account_id=a.id,
                debtor_id=a.debtor_id,
                amount_minor=20_000,
                currency="CNY",
                due_on=date(2026, 11, due),
                channel="call",
                taken_by="li",
                created_at=at(20, 15),
                updated_at=at(20, 15),
            )
            promise.status, promise.paid_minor = status, 20_000 if status == "kept" else 0
        uow.commit()
    with uow_factory() as uow:
        refresh(uow=uow, as_of=seed.NOW.date(), at=seed.NOW, actor="test", options=options)
        uow.commit()


def _both(uow: UnitOfWork, name: str, scope: Scope) -> pl.DataFrame:
    options = load_options(ROOT / "config")
    assert cubes.covers(uow, name, scope) == (name in REPORTS), name
    cubed = run_report(uow=uow, name=name, scope=scope, options=options, cached=True).frame
    live = run_report(uow=uow, name=name, scope=scope, options=options).frame
    assert cubed.equals(live), (name, scope, cubed, live)
    return cubed


def _row(frame: pl.DataFrame, **match: object) -> dict[str, object]:
    found = frame.filter(*(pl.col(k) == v for k, v in match.items()))
    assert found.height == 1, (match, frame)
    return found.row(0, named=True)


def test_a_two_filter_view_over_another_period_comes_from_the_cubes_as_computed_live(
    uow_factory: Factory,
) -> None:
    _worked(uow_factory)
    scope = Scope(date(2026, 11, 19), date(2026, 11, 21), client="cn", segment="M1")
    with uow_factory() as uow:
        frames = {name: _both(uow, name, scope) for name in SPECS}  # the others: kept frames
    channels = frames["contact-channels"]
    call = _row(channels, channel="call")  # account 1 at 08:00 and 15:00, account 3
    assert (call["attempts"], call["contacts"], call["responses"]) == (3, 2, 1)
    sms = _row(channels, channel="sms")  # account 1's reply comes after the 21st
    assert (sms["attempts"], sms["contacts"], sms["responses"]) == (2, 2, 1)
    assert sms["response_rate"] == pytest.approx(0.5)
    rpc = frames["rpc"].row(0, named=True)
    assert (rpc["attempts"], rpc["connects"], rpc["rpc"]) == (3, 2, 2)
    assert _row(frames["complaints"], channel="call")["complaints"] == 1
    assert _row(frames["contact-hours"], channel="call", hour=15)["attempts"] == 1
    li = _row(frames["productivity"], username="li")
    assert (li["calls"], li["rpc"], li["promises"]) == (1, 1, 2)  # accounts 1 and 5 are M1
    promises = frames["promises"].row(0, named=True)
    assert (promises["promises"], promises["rpc"], promises["due"], promises["kept"]) == (
        2,
        2,
        2,
        1,
    )
    assert promises["amount_kept_minor"] == 20_000


def test_a_team_view_ending_later_counts_the_later_reply(uow_factory: Factory) -> None:
    _worked(uow_factory)
    scope = Scope(date(2026, 11, 19), date(2026, 11, 22), client="cn", team="north")
    with uow_factory() as uow:
        frames = {name: _both(uow, name, scope) for name in REPORTS}
        channels = frames["contact-channels"]
        assert _row(channels, channel="call")["responses"] == 3  # account 1's reply on the 22nd
        assert _row(channels, channel="sms")["responses"] == 2
        assert frames["complaints"].is_empty()  # account 5 is not north's
        promises = frames["promises"].row(0, named=True)
        assert (promises["promises"], promises["due"], promises["kept"]) == (1, 1, 1)
        later = replace(scope, end=seed.NOW.date().replace(day=24))
        assert not cubes.covers(uow, "rpc", later)  # after the cubes' day: computed live
        assert not cubes.covers(uow, "contact-hours", replace(scope, tz="Asia/Shanghai"))
