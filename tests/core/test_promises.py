"""Promises to pay: when one is acceptable, and whether it was kept."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.promises import (
    PromiseLimits,
    PromiseStatus,
    check_promise,
    evaluate_promise,
    minimum_amount,
    reminder_due,
)
from arrears.errors import InvalidInput

TODAY = date(2026, 11, 20)
LIMITS = PromiseLimits(
    max_days_ahead=14, min_amount_minor=5_000, min_percent=Decimal("0.05"), grace_days=2
)


def judge(amount: int, payments: list[tuple[date, int]], as_of: date, due: date | None = None):
    return evaluate_promise(amount_minor=amount, made_on=TODAY, due_on=due or TODAY + timedelta(7),
                            payments=payments, as_of=as_of, grace_days=2)  # fmt: skip


class TestTakingAPromise:
    def test_a_promise_within_the_limits_is_accepted(self):
        check_promise(amount_minor=50_000, due_on=TODAY + timedelta(7), balance_minor=500_000,
                      as_of=TODAY, limits=LIMITS)  # fmt: skip

    def test_too_far_ahead_names_the_limit(self):
        with pytest.raises(InvalidInput, match="max_days_ahead"):
            check_promise(amount_minor=50_000, due_on=TODAY + timedelta(15),
                          balance_minor=500_000, as_of=TODAY, limits=LIMITS)  # fmt: skip

    def test_too_small_names_both_minimums(self):
        # 5 % of 500,000 is 25,000: the larger minimum applies
        with pytest.raises(InvalidInput, match=r"min_amount/min_percent.*25000"):
            check_promise(amount_minor=10_000, due_on=TODAY + timedelta(3),
                          balance_minor=500_000, as_of=TODAY, limits=LIMITS)  # fmt: skip

    def test_more_than_the_balance_or_in_the_past_is_refused(self):
        with pytest.raises(InvalidInput, match="more than the balance"):
            check_promise(amount_minor=600_000, due_on=TODAY, balance_minor=500_000,
                          as_of=TODAY, limits=LIMITS)  # fmt: skip
        with pytest.raises(InvalidInput, match="in the past"):
            check_promise(amount_minor=50_000, due_on=TODAY - timedelta(1),
                          balance_minor=500_000, as_of=TODAY, limits=LIMITS)  # fmt: skip

    def test_a_small_balance_can_be_promised_in_full(self):
        assert minimum_amount(3_000, LIMITS) == 3_000


class TestKeepingAPromise:
    def test_paid_in_full_before_the_date_is_kept_at_once(self):
        outcome = judge(50_000, [(TODAY + timedelta(2), 50_000)], as_of=TODAY + timedelta(2))
        assert outcome.status is PromiseStatus.KEPT
        assert outcome.resolved_on == TODAY + timedelta(2)

    def test_a_payment_in_the_grace_days_still_keeps_it(self):
        outcome = judge(50_000, [(TODAY + timedelta(9), 50_000)], as_of=TODAY + timedelta(12))
        assert outcome.status is PromiseStatus.KEPT

    def test_nothing_paid_after_grace_is_broken(self):
        outcome = judge(50_000, [], as_of=TODAY + timedelta(10))
        assert outcome.status is PromiseStatus.BROKEN
        assert outcome.resolved_on == TODAY + timedelta(9)

    def test_some_money_after_grace_is_partial(self):
        outcome = judge(50_000, [(TODAY + timedelta(5), 20_000)], as_of=TODAY + timedelta(10))
        assert (outcome.status, outcome.paid_minor, outcome.short_minor) == (
            PromiseStatus.PARTIAL, 20_000, 30_000)  # fmt: skip

    def test_until_the_grace_ends_it_is_pending(self):
        outcome = judge(50_000, [(TODAY + timedelta(1), 10_000)], as_of=TODAY + timedelta(9))
        assert outcome.status is PromiseStatus.PENDING

    def test_payments_before_the_promise_or_after_grace_do_not_count(self):
        late = [(TODAY - timedelta(1), 50_000), (TODAY + timedelta(10), 50_000)]
        assert judge(50_000, late, as_of=TODAY + timedelta(11)).status is PromiseStatus.BROKEN


@given(
    amount=st.integers(1, 10**9),
    payments=st.lists(st.tuples(st.integers(-5, 30), st.integers(1, 10**9)), max_size=8),
    day=st.integers(0, 40),
)
def test_property_status_follows_the_money_counted(amount, payments, day):
    dated = [(TODAY + timedelta(d), a) for d, a in payments]
    as_of = TODAY + timedelta(day)
    outcome = judge(amount, dated, as_of=as_of)
    counted = sum(a for d, a in dated if TODAY <= d <= min(as_of, TODAY + timedelta(9)))
    if counted >= amount:
        assert outcome.status is PromiseStatus.KEPT and outcome.short_minor == 0
    elif as_of <= TODAY + timedelta(9):
        assert outcome.status is PromiseStatus.PENDING
    else:
        assert outcome.status in (PromiseStatus.PARTIAL, PromiseStatus.BROKEN)
        assert outcome.paid_minor + outcome.short_minor == amount
        assert (outcome.status is PromiseStatus.BROKEN) == (counted == 0)


@given(balance=st.integers(0, 10**12), percent=st.decimals(0, 1, places=4))
def test_property_the_minimum_is_never_above_the_balance_nor_below_the_share(balance, percent):
    limits = PromiseLimits(14, 5_000, percent, 2)
    minimum = minimum_amount(balance, limits)
    assert minimum <= balance
    assert minimum >= min(balance, Decimal(balance) * percent)


def test_a_reminder_falls_exactly_n_days_before():
    due = TODAY + timedelta(3)
    assert reminder_due(due, TODAY + timedelta(2), 1)
    assert not reminder_due(due, TODAY, 1)
    assert not reminder_due(due, TODAY + timedelta(3), 0)
