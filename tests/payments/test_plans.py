"""Payment plans: set up from an offer, paid, missed, broken, paid off, reminded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from arrears.errors import Conflict, InvalidInput
from arrears.payments.daily import run_daily
from arrears.payments.plans import (
    cancel_plan,
    create_plan,
    pay_off,
    payoff_quote,
    plan_offers,
    terms_from,
)
from arrears.payments.promises import take_promise
from arrears.store.queries.planning import resolution_state
from arrears.store.records import OutboxRecord
from tests.payments.resolution_seed import AT, at, day, pay, policies, policy_of, seed

pytestmark = pytest.mark.db


def five_monthly(uow_factory, account_id: int, code: str = "us-agency") -> int:
    with uow_factory() as uow:
        account, policy = uow.accounts.get(account_id), policy_of(code)
        terms = terms_from(account=account, policy=policy, count=5, frequency="monthly",
                           down_payment_minor=None, first_due_on=None, as_of=AT.date())  # fmt: skip
        plan = create_plan(uow=uow, account=account, terms=terms, channel="phone",
                           created_by="agent.li", at=AT, policy=policy)  # fmt: skip
        uow.commit()
        return plan.id


class TestSettingUpAPlan:
    def test_offers_follow_the_clients_policy(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            offers = plan_offers(account=account, policy=policy_of("us-agency"), as_of=AT.date())
        monthly = [o.terms.count for o in offers if o.terms.frequency.value == "monthly"]
        assert monthly == [24, 12, 3]  # US: up to 24 months
        assert all(o.total_minor == 500_000 for o in offers)

    def test_a_plan_from_an_offer_puts_the_account_in_plan_and_queues_the_letter(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            account, policy = uow.accounts.get(account_id), policy_of("us-agency")
            offer = plan_offers(account=account, policy=policy, as_of=AT.date())[1]
            plan = create_plan(uow=uow, account=account, offer=offer, channel="portal",
                               created_by="portal", at=AT, policy=policy)  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.get(account_id).status == "in_plan"
            rows = uow.resolution.instalments(plan.id)
            assert len(rows) == 12 and sum(r.amount_minor for r in rows) == 500_000
            letter = uow.session.scalars(select(OutboxRecord)).one()
            assert (letter.channel, letter.template) == ("letter", "payment_plan_agreement")
            assert letter.dedup_key == f"event:plan_agreement:letter:{plan.id}"

    def test_flat_interest_is_added_to_the_balance_so_both_agree(self, uow_factory):
        account_id = seed(uow_factory, code="cn-consumer")
        plan_id = five_monthly(uow_factory, account_id, code="cn-consumer")
        with uow_factory() as uow:
            account, plan = uow.accounts.get(account_id), uow.resolution.plan(plan_id)
            # 10 % down (50,000), 450,000 at 3.6 % flat for 5 months: 6,750
            assert plan.interest_minor == 6_750 and plan.down_payment_minor == 50_000
            assert account.interest_minor == 6_750
            assert plan.total_minor == 506_750 and plan.count == 6

    def test_terms_outside_the_policy_and_a_second_plan_are_refused(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow, pytest.raises(InvalidInput, match="max_term_months"):
            terms_from(account=uow.accounts.get(account_id), policy=policy_of("us-agency"),
                       count=25, frequency="monthly", down_payment_minor=None,
                       first_due_on=None, as_of=AT.date())  # fmt: skip
        five_monthly(uow_factory, account_id)
        with pytest.raises(Conflict, match="already has a running plan"):
            five_monthly(uow_factory, account_id)

    def test_a_plan_replaces_a_pending_promise(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            promise = take_promise(
                uow=uow,
                account=uow.accounts.get(account_id),
                amount_minor=100_000,
                due_on=day(3),
                channel="phone",
                taken_by="agent.li",
                at=AT,
                policy=policy_of("us-agency"),
            )
            uow.commit()
        five_monthly(uow_factory, account_id)
        with uow_factory() as uow:
            assert uow.resolution.promise(promise.id).status == "cancelled"


class TestPayingThePlan:
    def test_payments_fill_instalments_and_the_last_one_completes_the_plan(self, uow_factory):
        account_id = seed(uow_factory)
        plan_id = five_monthly(uow_factory, account_id)
        with uow_factory() as uow:
            pay(uow, account_id, 150_000, day(6), "P1")
            paid = [r.paid_minor for r in uow.resolution.instalments(plan_id)]
            assert paid == [100_000, 50_000, 0, 0, 0]
            pay(uow, account_id, 350_000, day(40), "P2")
            assert uow.resolution.plan(plan_id).status == "completed"
            assert uow.accounts.get(account_id).status == "paid"

    def test_paying_off_early_forgives_the_interest_not_yet_earned(self, uow_factory):
        account_id = seed(uow_factory, code="cn-consumer")
        plan_id = five_monthly(uow_factory, account_id, code="cn-consumer")
        with uow_factory() as uow:
            account = uow.accounts.get(account_id)
            pay(uow, account_id, 50_000, day(7), "DOWN")
            quote = payoff_quote(uow=uow, account=account, as_of=day(10))
            assert quote.forgiven_minor == 6_750
            done = pay_off(uow=uow, account=account, at=at(10), by="agent.li")
            assert done.amount_minor == 450_000 and account.interest_minor == 0
            pay(uow, account_id, done.amount_minor, day(10), "PAYOFF")
            assert uow.resolution.plan(plan_id).status == "completed"
            assert account.status == "paid"


class TestMissingInstalments:
    def test_a_miss_after_grace_is_an_event_and_two_break_the_plan(self, uow_factory):
        account_id = seed(uow_factory)
        plan_id = five_monthly(uow_factory, account_id)  # first due day 7, grace 5
        with uow_factory() as uow:
            assert run_daily(uow=uow, as_of=day(12), at=at(12),
                             policies=policies()).counts["instalments_missed"] == 0  # fmt: skip
            report = run_daily(uow=uow, as_of=day(13), at=at(13), policies=policies())
            assert report.counts["instalments_missed"] == 1
            state = resolution_state(uow.session, as_of=day(13)).row(0, named=True)
            assert state["plan_status"] == "missed" and state["missed_instalments"] == 1
            assert state["resolution_events"] == ["instalment_missed"]
            later = run_daily(uow=uow, as_of=day(43), at=at(43), policies=policies())
            assert later.counts["plans_broken"] == 1
            assert uow.resolution.plan(plan_id).status == "broken"
            assert uow.accounts.get(account_id).status == "active"

    def test_catching_up_after_a_miss_keeps_the_plan(self, uow_factory):
        account_id = seed(uow_factory)
        plan_id = five_monthly(uow_factory, account_id)
        with uow_factory() as uow:
            run_daily(uow=uow, as_of=day(13), at=at(13), policies=policies())
            pay(uow, account_id, 100_000, day(14), "LATE")
            assert uow.resolution.plan(plan_id).status == "active"

    def test_a_reminder_goes_three_days_before_each_instalment(self, uow_factory):
        account_id = seed(uow_factory)
        five_monthly(uow_factory, account_id)
        with uow_factory() as uow:
            report = run_daily(uow=uow, as_of=day(4), at=at(4), policies=policies())
            row = uow.session.scalars(
                select(OutboxRecord).where(OutboxRecord.template.like("instalment%"))
            ).one()
            assert report.counts["reminders_queued"] == 1
            assert row.details["amount_minor"] == 100_000 and row.channel == "sms"

    def test_a_cancelled_plan_returns_the_account_to_active(self, uow_factory):
        account_id = seed(uow_factory)
        plan_id = five_monthly(uow_factory, account_id)
        with uow_factory() as uow:
            cancel_plan(uow=uow, plan_id=plan_id, by="agent.li", at=at(1), reason="asked")
            assert uow.accounts.get(account_id).status == "active"
            with pytest.raises(Conflict):
                cancel_plan(uow=uow, plan_id=plan_id, by="agent.li", at=at(1), reason="again")
