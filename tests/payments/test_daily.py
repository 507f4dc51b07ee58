"""The daily batch: everything due on a day at once, and a re-run changes nothing more."""

from __future__ import annotations

import pytest

from arrears.payments.daily import run_daily
from arrears.payments.deferrals import add_deferral
from arrears.payments.promises import take_promise
from tests.payments.resolution_seed import AT, at, day, policies, policy_of, seed

pytestmark = pytest.mark.db
US = policy_of("us-agency")


def test_one_run_judges_ends_and_reminds_and_a_rerun_is_quiet(uow_factory):
    promised = seed(uow_factory)
    with uow_factory() as uow:
        take_promise(
            uow=uow,
            account=uow.accounts.get(promised),
            amount_minor=100_000,
            due_on=day(3),
            channel="phone",
            taken_by="agent.li",
            at=AT,
            policy=US,
        )
        uow.commit()
    with uow_factory() as uow:
        assert run_daily(uow=uow, as_of=day(2), at=at(2), policies=policies()).line() == (
            f"{day(2)}: deferrals_ended 0, promises_kept 0, promises_partial 0, "
            "promises_broken 0, instalments_missed 0, plans_broken 0, settlements_broken 0, "
            "reminders_queued 1"
        )
        add_deferral(
            uow=uow,
            account=uow.accounts.get(promised),
            until=day(4),
            reason="flood",
            by="agent.li",
            channel="phone",
            at=at(2),
            policy=US,
        )
        first = run_daily(uow=uow, as_of=day(6), at=at(6), policies=policies())
        again = run_daily(uow=uow, as_of=day(6), at=at(6), policies=policies())
        uow.commit()
    assert first.counts["deferrals_ended"] == 1 and first.counts["promises_broken"] == 1
    assert sum(again.counts.values()) == 0
    with uow_factory() as uow:
        assert uow.accounts.get(promised).status == "active"
