"""Hardship deferrals: on hold until a date, then back where the account was."""

from __future__ import annotations

import pytest

from arrears.errors import Conflict, InvalidInput
from arrears.payments.daily import run_daily
from arrears.payments.deferrals import add_deferral, end_deferral
from arrears.payments.plans import create_plan, terms_from
from tests.payments.resolution_seed import AT, at, day, policies, policy_of, seed

pytestmark = pytest.mark.db
US = policy_of("us-agency")  # at most 90 days


def defer(uow_factory, account_id: int, days: int = 30) -> int:
    with uow_factory() as uow:
        deferral = add_deferral(uow=uow, account=uow.accounts.get(account_id),
                                until=day(days), reason="lost job", by="agent.li",
                                channel="phone", at=AT, policy=US)  # fmt: skip
        uow.commit()
        return deferral.id


class TestDeferrals:
    def test_the_account_is_on_hold_with_a_deferral_hold(self, uow_factory):
        account_id = seed(uow_factory)
        defer(uow_factory, account_id)
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            assert account.status == "on_hold"
            (hold,) = account.holds
            assert hold["kind"] == "deferral" and hold["until"] == day(30).isoformat()

    def test_longer_than_the_policy_or_twice_is_refused(self, uow_factory):
        account_id = seed(uow_factory)
        with pytest.raises(InvalidInput, match=r"deferrals.max_days"):
            defer(uow_factory, account_id, days=91)
        defer(uow_factory, account_id)
        with pytest.raises(Conflict, match="already has a running deferral"):
            defer(uow_factory, account_id)

    def test_it_ends_by_itself_after_the_date(self, uow_factory):
        account_id = seed(uow_factory)
        deferral_id = defer(uow_factory, account_id)
        with uow_factory() as uow:
            assert run_daily(uow=uow, as_of=day(30), at=at(30),
                             policies=policies()).counts["deferrals_ended"] == 0  # fmt: skip
            assert run_daily(uow=uow, as_of=day(31), at=at(31),
                             policies=policies()).counts["deferrals_ended"] == 1  # fmt: skip
            account = uow.accounts.get(account_id)
            assert (account.status, account.holds) == ("active", [])
            assert uow.resolution.deferral(deferral_id).status == "ended"

    def test_a_plan_resumes_after_the_pause_and_misses_nothing_meanwhile(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            terms = terms_from(
                account=account,
                policy=US,
                count=5,
                frequency="monthly",
                down_payment_minor=None,
                first_due_on=None,
                as_of=AT.date(),
            )
            plan = create_plan(uow=uow, account=account, terms=terms, channel="phone",
                               created_by="agent.li", at=AT, policy=US)  # fmt: skip
            uow.commit()
        deferral_id = defer(uow_factory, account_id)
        with uow_factory() as uow:
            report = run_daily(uow=uow, as_of=day(20), at=at(20), policies=policies())
            assert report.counts["instalments_missed"] == 0
            end_deferral(uow=uow, deferral_id=deferral_id, by="agent.li", at=at(21))
            assert uow.accounts.get(account_id).status == "in_plan"
            assert uow.resolution.plan(plan.id).status == "active"
