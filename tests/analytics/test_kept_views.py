"""Roll rates, cure, bad debt, experiments, vintages and ageing over any filters and period
answer from what the refresh kept exactly as computed live from the store.

On top of the seed (tests/analytics/seed.py), client ``cn``'s accounts 0 to 3 are in the
experiment ``m1-tone`` (0 and 2 ``standard``, 1 and 3 ``empathetic``) and collector ``li``
of team ``north`` works accounts 1 and 3; the history is backfilled again with those arms
and assignees; cn-0's payment of 5 September is reversed on 10 October. Then, before the
last refresh, account 1 moves to segment M2 and account 4
is written off, so the month-end transitions of client ``cn`` have accounts leaving a
filtered view and a write-off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from arrears.analytics import cubes, kept, transitions
from arrears.analytics.inputs import Inputs, Scope
from arrears.analytics.refresh import Backfill, refresh
from arrears.analytics.reports import _cohort, cached_aging, load_options, run_report
from arrears.analytics.service import aging_report
from arrears.core.aging import DPD_SCHEME
from arrears.store.uow import UnitOfWork
from tests.analytics import seed

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
Factory = Callable[[], UnitOfWork]
REPORTS = ("roll-rates", "cure-rate", "bad-debt", "experiments", "experiment-verdicts",
           "vintages", "liquidation", "complaints")  # fmt: skip
SCOPES = (
    Scope(date(2026, 9, 10), date(2026, 11, 23), client="cn", segment="M1"),  # two month pairs
    Scope(date(2026, 10, 5), date(2026, 11, 20), strategy="cn", team="north"),
    Scope(date(2026, 9, 1), date(2026, 10, 20)),  # a past end day, mid-month
    Scope(date(2026, 11, 1), date(2026, 11, 23), client="cn"),  # the experiment's contacts
)


def _history(uow_factory: Factory) -> None:
    options = load_options(ROOT / "config")
    seed.build(uow_factory, options)
    with uow_factory() as uow:
        li = seed.collector(uow)
        for i in range(4):
            account = uow.accounts.find(f"cn-{i}", client="cn")
            assert account is not None
            account.arms = {"m1-tone": "standard" if i % 2 == 0 else "empathetic"}
            account.assignee_id = li if i in (1, 3) else None
            if i == 0:  # its payment of 5 September reversed: no longer paying from 10 October
                uow.payments.add(client_id=account.client_id, account_id=account.id,
                                 reference="cn-r0", kind="reversal", amount_minor=10_000,
                                 currency="CNY", paid_on=date(2026, 10, 10),
                                 allocation={"principal": 0}, created_at=seed.NOW)  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        backfill = Backfill.load(uow)
    day = date(2026, 9, 1)
    while day < seed.NOW.date():
        with uow_factory() as uow:
            backfill.day(uow=uow, as_of=day, at=seed.NOW, actor="test")
            uow.commit()
        day += timedelta(days=1)
    with uow_factory() as uow:
        moved, written = uow.accounts.find("cn-1", client="cn"), uow.accounts.find("cn-4", "cn")
        assert moved is not None and written is not None
        moved.segment, written.status = "M2", "written_off"
        uow.commit()
    with uow_factory() as uow:
        refresh(uow=uow, as_of=seed.NOW.date(), at=seed.NOW, actor="test", options=options)
        uow.commit()


def test_views_over_any_filters_and_period_equal_the_live_reports(uow_factory: Factory) -> None:
    _history(uow_factory)
    options = load_options(ROOT / "config")
    with uow_factory() as uow:
        roll = kept.frame(uow, transitions.ROLL)
        assert roll is not None
        pairs = set(roll.select("from_day", "to_day").unique().iter_rows())
        assert pairs == {(date(2026, 9, 30), date(2026, 10, 31)),
                         (date(2026, 10, 31), date(2026, 11, 23)),
                         (date(2026, 10, 25), date(2026, 11, 23))}  # fmt: skip
        for scope in SCOPES:
            for name in REPORTS:
                cubed = run_report(uow=uow, name=name, scope=scope, options=options, cached=True)
                live = run_report(uow=uow, name=name, scope=scope, options=options)
                assert cubed.frame.equals(live.frame), (name, scope, cubed.frame, live.frame)
        frames = {
            name: run_report(uow=uow, name=name, scope=SCOPES[0], options=options).frame
            for name in ("roll-rates", "bad-debt")
        }
        inputs = cubes.kept_inputs(uow, SCOPES[3])
        assert options.costs is not None
        assert cubes.experiment_work(inputs, _cohort(inputs), options.costs) is not None
        liquidation = run_report(uow=uow, name="liquidation", scope=SCOPES[2], options=options,
                                 cached=True).frame  # fmt: skip
        arms = run_report(uow=uow, name="experiments", scope=SCOPES[3], options=options,
                          cached=True).frame  # fmt: skip
        both = [run_report(uow=uow, name="collected-vs-target", scope=SCOPES[1],
                           options=options, cached=c).frame for c in (True, False)]  # fmt: skip
    assert both[0].equals(both[1])
    li = both[0].filter(pl.col("username") == "li").row(0, named=True)
    assert (li["currency"], li["collected_minor"]) == ("CNY", 20_000)  # cn-1's of 5 October
    november = frames["roll-rates"].filter(pl.col("month") == "2026-11")
    # cn-1 (M1 on 31 October) is M2 by 23 November: it has left the M1 view, as resolved.
    assert november.filter(pl.col("bucket_to") == "resolved")["accounts"].sum() >= 1
    bad = frames["bad-debt"].row(0, named=True)
    assert bad["written_off_minor"] == 0  # cn-4 is M2: not in the view
    # On 20 October only cn-1 pays: cn-0's payment is reversed, cn-2 pays in November.
    assert liquidation.filter(pl.col("client") == "cn")["paying_accounts"].sum() == 1
    standard = arms.filter(pl.col("arm") == "standard").row(0, named=True)
    assert standard["accounts"] == 2  # cn-0 and cn-2
    # Their outbound call and SMS in the seed: 2 accounts x 2 contacts.
    assert standard["contacts"] == 4


def test_ageing_as_of_a_past_day_comes_from_the_kept_balances(uow_factory: Factory) -> None:
    _history(uow_factory)
    with uow_factory() as uow:
        for client in (None, "us"):
            scope = Scope(date(2026, 10, 1), date(2026, 10, 20), client=client)
            found = cached_aging(uow=uow, scope=scope)
            live = aging_report(uow=uow, as_of=scope.end, scheme=DPD_SCHEME, client=client)
            assert found is not None and found.frame.equals(live.frame), (found, live)
        later = Scope(date(2026, 11, 20), date(2026, 11, 30))
        assert cached_aging(uow=uow, scope=later) is None  # after the refresh's day: live


def test_inputs_read_kept_snapshots_as_the_store_holds_them(uow_factory: Factory) -> None:
    _history(uow_factory)
    day = date(2026, 10, 31)
    with uow_factory() as uow:
        scope = Scope(day, day, client="cn")
        fast = Inputs(uow, scope, kept=True).snapshot(day).sort("account_id")
        slow = Inputs(uow, scope).snapshot(day).sort("account_id")
        assert fast.height == 6 and fast.equals(slow)
