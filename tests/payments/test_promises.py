"""Promises: taken within the policy, kept by payments, broken by the calendar."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from arrears.errors import Conflict, InvalidInput
from arrears.payments.daily import run_daily
from arrears.payments.promises import cancel_promise, take_promise
from arrears.store.queries.planning import resolution_state
from arrears.store.records import AuditEventRecord, InteractionRecord
from tests.payments.resolution_seed import AT, at, day, pay, policies, policy_of, reverse, seed

pytestmark = pytest.mark.db


def promise(uow_factory, account_id: int, amount: int = 100_000, due: int = 5):
    with uow_factory() as uow:
        account = uow.accounts.get(account_id)
        record = take_promise(uow=uow, account=account, amount_minor=amount, due_on=day(due),
                              channel="phone", taken_by="agent.li", at=AT,
                              policy=policy_of("us-agency"))  # fmt: skip
        uow.commit()
        return record.id


class TestTakingAPromise:
    def test_the_account_is_promised_audited_and_on_the_timeline(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            assert uow.accounts.get(account_id).status == "promised"
            stored = uow.resolution.promise(promise_id)
            assert stored.policy_version.startswith("default@") and stored.grace_days == 2
            actions = uow.session.scalars(select(AuditEventRecord.action)).all()
            assert "promise.taken" in actions
            (row,) = uow.session.scalars(select(InteractionRecord)).all()
            assert row.outcome == "promise" and row.channel == "phone"

    def test_a_promise_beyond_the_policy_names_the_limit(self, uow_factory):
        account_id = seed(uow_factory)
        with pytest.raises(InvalidInput, match="max_days_ahead"):
            promise(uow_factory, account_id, due=31)  # US: at most 30 days ahead

    def test_a_disputed_account_takes_no_promise(self, uow_factory):
        account_id = seed(uow_factory, status="disputed")
        with pytest.raises(Conflict, match="disputed"):
            promise(uow_factory, account_id)

    def test_a_cancelled_promise_returns_the_account_to_active(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            cancel_promise(uow=uow, promise_id=promise_id, by="agent.li", at=at(1))
            assert uow.accounts.get(account_id).status == "active"


class TestKeepingIt:
    def test_a_payment_of_the_amount_keeps_it_at_once(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            pay(uow, account_id, 100_000, day(2), "P1")
            uow.commit()
        with uow_factory() as uow:
            kept = uow.resolution.promise(promise_id)
            assert (kept.status, kept.paid_minor, kept.resolved_on) == ("kept", 100_000, day(2))
            assert uow.accounts.get(account_id).status == "active"

    def test_two_payments_add_up(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            pay(uow, account_id, 40_000, day(1), "P1")
            assert uow.resolution.promise(promise_id).status == "pending"
            pay(uow, account_id, 60_000, day(6), "P2")  # in the grace days
            assert uow.resolution.promise(promise_id).status == "kept"

    def test_a_reversal_reopens_the_promise(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            pay(uow, account_id, 100_000, day(2), "P1")
            reverse(uow, account_id, "P1", day(3))
            reopened = uow.resolution.promise(promise_id)
            assert (reopened.status, reopened.paid_minor) == ("pending", 0)
            assert uow.accounts.get(account_id).status == "promised"


class TestBreakingIt:
    def test_no_payment_after_grace_breaks_it_and_the_planner_sees_the_event(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            quiet = run_daily(uow=uow, as_of=day(7), at=at(7), policies=policies())
            assert quiet.counts["promises_broken"] == 0  # due day 5 + 2 grace days
            report = run_daily(uow=uow, as_of=day(8), at=at(8), policies=policies())
            uow.commit()
        assert report.counts["promises_broken"] == 1
        with uow_factory() as uow:
            assert uow.resolution.promise(promise_id).status == "broken"
            assert uow.accounts.get(account_id).status == "active"
            state = resolution_state(uow.session, as_of=day(8)).row(0, named=True)
        assert state["promise_status"] == "broken" and state["broken_promises"] == 1
        assert state["resolution_events"] == ["promise_broken"]

    def test_part_paid_is_partial(self, uow_factory):
        account_id = seed(uow_factory)
        promise_id = promise(uow_factory, account_id)
        with uow_factory() as uow:
            pay(uow, account_id, 30_000, day(3), "P1")
            run_daily(uow=uow, as_of=day(8), at=at(8), policies=policies())
            partial = uow.resolution.promise(promise_id)
            assert (partial.status, partial.paid_minor) == ("partial", 30_000)

    def test_a_reminder_is_queued_once_the_day_before(self, uow_factory):
        account_id = seed(uow_factory)
        promise(uow_factory, account_id)
        with uow_factory() as uow:
            first = run_daily(uow=uow, as_of=day(4), at=at(4), policies=policies())
            again = run_daily(uow=uow, as_of=day(4), at=at(4), policies=policies())
            templates = [(r.template, r.channel) for r in uow.outbox.listing()]
        assert first.counts["reminders_queued"] == 1 and again.counts["reminders_queued"] == 0
        assert templates == [("promise_reminder_sms", "sms")]
