"""Settlements: within authority at once, above it by approval, paid, waived, reversed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from arrears.errors import InvalidInput
from arrears.payments.daily import run_daily
from arrears.payments.plans import create_plan, terms_from
from arrears.payments.settlements import (
    NotAuthorised,
    approve_settlement,
    propose_settlement,
    reject_settlement,
)
from arrears.store.records import OutboxRecord
from tests.payments.resolution_seed import AT, at, day, pay, policies, policy_of, reverse, seed

pytestmark = pytest.mark.db
US = policy_of("us-agency")  # collector 25 %, supervisor 40 %, manager 60 %, portal 20 %


def propose(uow_factory, account_id: int, amount: int, role: str = "collector",
            form: str = "lump_sum", instalments: int = 0):  # fmt: skip
    with uow_factory() as uow:
        settlement = propose_settlement(
            uow=uow, account=uow.accounts.get(account_id), amount_minor=amount, form=form,
            instalments=instalments, by="agent.li" if role != "debtor" else "portal", role=role,
            channel="phone" if role != "debtor" else "portal", at=AT, policy=US,
        )  # fmt: skip
        uow.commit()
        return settlement.id


class TestWithinAuthority:
    def test_a_collectors_20_percent_is_accepted_and_the_letter_queued(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 400_000)
        with uow_factory() as uow:
            settlement = uow.resolution.settlement(settlement_id)
            assert (settlement.status, settlement.discount) == ("accepted", "0.2000")
            assert settlement.policy_version.startswith("default@")
            letter = uow.session.scalars(select(OutboxRecord)).one()
            assert letter.template == "settlement_letter" and letter.channel == "letter"

    def test_paying_the_amount_settles_the_account_and_records_the_waiver(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 400_000)
        with uow_factory() as uow:
            pay(uow, account_id, 400_000, day(5), "S1")
            uow.commit()
        with uow_factory() as uow:
            settlement = uow.resolution.settlement(settlement_id)
            account = uow.accounts.get(account_id)
            assert settlement.status == "completed" and settlement.waived_minor == 100_000
            assert settlement.waived["principal"] == 100_000
            assert account.status == "settled" and account.principal_minor == 0

    def test_reversing_the_payment_restores_what_was_waived(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 400_000)
        with uow_factory() as uow:
            pay(uow, account_id, 400_000, day(5), "S1")
            reverse(uow, account_id, "S1", day(8))
            account = uow.accounts.get(account_id)
            assert account.principal_minor == 500_000 and account.status == "active"
            assert uow.resolution.settlement(settlement_id).status == "accepted"

    def test_the_debtor_self_serves_up_to_the_portal_limit(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 420_000, role="debtor")
        with uow_factory() as uow:
            assert uow.resolution.settlement(settlement_id).status == "accepted"

    def test_an_unpaid_lump_sum_lapses_after_its_date_and_grace(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 400_000)  # due in 14 days, grace 2
        with uow_factory() as uow:
            run_daily(uow=uow, as_of=day(16), at=at(16), policies=policies())
            assert uow.resolution.settlement(settlement_id).status == "accepted"
            report = run_daily(uow=uow, as_of=day(17), at=at(17), policies=policies())
            assert report.counts["settlements_broken"] == 1
            assert uow.resolution.settlement(settlement_id).status == "broken"


class TestAboveAuthority:
    def test_it_waits_for_a_supervisor_with_a_task(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 350_000)  # 30 % off
        with uow_factory() as uow:
            settlement = uow.resolution.settlement(settlement_id)
            assert settlement.status == "pending_approval"
            task = uow.tasks.get(settlement.task_id)
            assert (task.kind, task.role, task.status) == ("settlement_approval", "supervisor",
                                                           "open")  # fmt: skip
            assert not uow.outbox.listing(), "no letter before approval"

    def test_the_approvers_authority_is_checked(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 350_000)
        with uow_factory() as uow:
            with pytest.raises(NotAuthorised, match="collector"):
                approve_settlement(uow=uow, settlement_id=settlement_id, by="agent.li",
                                   role="collector", at=at(1), policy=US)  # fmt: skip
            approved = approve_settlement(uow=uow, settlement_id=settlement_id, by="sup.wang",
                                          role="supervisor", at=at(1), policy=US)  # fmt: skip
            assert approved.status == "accepted" and approved.decided_by == "sup.wang"
            assert uow.tasks.get(approved.task_id).status == "done"

    def test_a_manager_may_reject_it(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 250_000)  # 50 %: a manager's
        with uow_factory() as uow:
            with pytest.raises(NotAuthorised):
                reject_settlement(uow=uow, settlement_id=settlement_id, by="sup.wang",
                                  role="supervisor", at=at(1), reason="no", policy=US)  # fmt: skip
            rejected = reject_settlement(
                uow=uow,
                settlement_id=settlement_id,
                by="mgr.zhao",
                role="manager",
                at=at(1),
                reason="too low",
                policy=US,
            )
            assert rejected.status == "rejected" and rejected.reason == "too low"

    def test_above_every_authority_is_refused_naming_the_rule(self, uow_factory):
        account_id = seed(uow_factory)
        with pytest.raises(InvalidInput, match=r"authority.manager"):
            propose(uow_factory, account_id, 150_000)  # 70 % off


class TestShortPlan:
    def test_a_settlement_in_three_instalments_settles_when_they_are_paid(self, uow_factory):
        account_id = seed(uow_factory)
        settlement_id = propose(uow_factory, account_id, 420_000, form="short_plan",
                                instalments=3)  # fmt: skip
        with uow_factory() as uow:
            settlement = uow.resolution.settlement(settlement_id)
            plan = uow.resolution.plan(settlement.plan_id)
            assert (plan.kind, plan.total_minor, plan.count) == ("settlement", 420_000, 3)
            assert uow.accounts.get(account_id).status == "in_plan"
            for n, amount in enumerate([140_000, 140_000, 140_000]):
                pay(uow, account_id, amount, day(7 + 30 * n), f"I{n}")
            assert uow.resolution.settlement(settlement_id).status == "completed"
            assert uow.resolution.plan(plan.id).status == "completed"
            account = uow.accounts.get(account_id)
            assert account.status == "settled" and account.principal_minor == 0


def test_a_lump_sum_settlement_paid_during_a_plan_ends_the_plan(uow_factory):
    account_id = seed(uow_factory)
    with uow_factory() as uow:
        account = uow.accounts.get(account_id)
        terms = terms_from(account=account, policy=US, count=5, frequency="monthly",
                           down_payment_minor=None, first_due_on=None, as_of=AT.date())  # fmt: skip
        plan = create_plan(uow=uow, account=account, terms=terms, channel="phone",
                           created_by="agent.li", at=AT, policy=US)  # fmt: skip
        uow.commit()
    propose(uow_factory, account_id, 400_000)
    with uow_factory() as uow:
        pay(uow, account_id, 400_000, day(5), "S1")
        assert uow.resolution.plan(plan.id).status == "cancelled"
        account = uow.accounts.get(account_id)
        assert account.status == "settled" and account.principal_minor == 0
