"""Payment plans: offers, schedules that add up, payments in order, misses and payoff."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.plans import (
    Frequency,
    InstalmentStatus,
    InterestMethod,
    PlanRules,
    PlanStatus,
    PlanTerms,
    add_periods,
    apply_payment,
    custom_offer,
    instalment_status,
    payoff_amount,
    plan_offers,
    plan_state,
    schedule,
    split_last_takes_rest,
    unapply_payment,
)
from arrears.errors import InvalidInput

TODAY = date(2026, 11, 20)
RULES = PlanRules(
    max_term_months=12,
    min_instalment_minor=20_000,
    frequencies=(Frequency.MONTHLY, Frequency.FORTNIGHTLY),
    down_payment_percent=Decimal("0.10"),
    grace_days=5,
    misses_to_break=2,
)


def terms(financed=100_000, count=3, down=0, method=InterestMethod.NONE, rate="0",
          frequency=Frequency.MONTHLY) -> PlanTerms:  # fmt: skip
    return PlanTerms("CNY", financed, down, count, frequency, TODAY, method, Decimal(rate))


class TestSchedules:
    def test_the_last_instalment_takes_the_remainder(self):
        amounts = [i.amount_minor for i in schedule(terms(100_000, 3))]
        assert amounts == [33_333, 33_333, 33_334]

    def test_a_down_payment_comes_first_and_the_plan_starts_a_period_later(self):
        rows = schedule(terms(90_000, 3, down=10_000))
        assert rows[0].amount_minor == 10_000 and rows[0].due_on == TODAY
        assert rows[1].due_on == date(2026, 12, 20)

    def test_monthly_dates_keep_the_day_clamped_to_the_months_end(self):
        start = date(2027, 1, 31)
        assert [add_periods(start, Frequency.MONTHLY, k) for k in range(3)] == [
            date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]  # fmt: skip
        assert add_periods(start, Frequency.FORTNIGHTLY, 1) == date(2027, 2, 14)

    def test_flat_interest_is_simple_interest_for_the_term(self):
        # 120,000 at 12 % a year for 12 months: 14,400
        rows = schedule(terms(120_000, 12, method=InterestMethod.FLAT, rate="0.12"))
        assert sum(i.interest_minor for i in rows) == 14_400
        assert {i.amount_minor for i in rows} == {11_200}

    def test_an_annuity_has_equal_instalments_and_declining_interest(self):
        rows = schedule(terms(1_000_000, 12, method=InterestMethod.ANNUITY, rate="0.12"))
        # the textbook payment of 10,000.00 at 1 % a month over 12 months is 888.49
        assert rows[0].amount_minor == 88_849
        assert rows[0].interest_minor == 10_000 and rows[1].interest_minor < 10_000
        assert sum(i.principal_minor for i in rows) == 1_000_000
        assert abs(rows[-1].amount_minor - 88_849) <= 12


METHODS = st.sampled_from(list(InterestMethod))
RATES = st.decimals(min_value=0, max_value=Decimal("0.36"), places=4)


@given(financed=st.integers(0, 10**10), count=st.integers(1, 60), down=st.integers(0, 10**8),
       method=METHODS, rate=RATES, frequency=st.sampled_from(list(Frequency)))  # fmt: skip
def test_property_a_schedule_adds_up_exactly(financed, count, down, method, rate, frequency):
    rows = schedule(PlanTerms("CNY", financed, down, count, frequency, TODAY, method, rate))
    assert sum(i.principal_minor for i in rows) == financed + down
    assert sum(i.amount_minor for i in rows) == sum(
        i.principal_minor + i.interest_minor for i in rows
    )
    assert all(i.amount_minor >= 0 and i.interest_minor >= 0 for i in rows)
    assert [i.number for i in rows] == list(range(1, len(rows) + 1))
    assert all(a.due_on < b.due_on for a, b in pairwise(rows))


@given(total=st.integers(0, 10**12), n=st.integers(1, 500))
def test_property_even_split_last_takes_the_rest(total, n):
    parts = split_last_takes_rest(total, n)
    assert sum(parts) == total and len(set(parts[:-1])) <= 1 and parts[-1] >= parts[0]


class TestOffers:
    def test_offers_respect_the_term_the_minimum_and_the_down_payment(self):
        offers = plan_offers(balance_minor=500_000, currency="CNY", rules=RULES, as_of=TODAY)
        assert offers, "a balance of 5,000.00 has plans"
        for offer in offers:
            assert offer.total_minor == 500_000
            assert offer.terms.down_payment_minor == 50_000
            assert offer.instalment_minor >= RULES.min_instalment_minor
            assert offer.instalments[0].due_on == TODAY + timedelta(7)
        monthly = [o.terms.count for o in offers if o.terms.frequency is Frequency.MONTHLY]
        assert monthly == [12, 6, 3]

    def test_a_balance_too_small_for_two_instalments_has_no_plan(self):
        assert plan_offers(balance_minor=30_000, currency="CNY", rules=RULES, as_of=TODAY) == []

    def test_custom_terms_outside_the_policy_name_the_rule(self):
        with pytest.raises(InvalidInput, match="max_term_months"):
            custom_offer(balance_minor=500_000, currency="CNY", rules=RULES, as_of=TODAY,
                         count=13, frequency=Frequency.MONTHLY)  # fmt: skip
        with pytest.raises(InvalidInput, match="frequencies"):
            custom_offer(balance_minor=500_000, currency="CNY", rules=RULES, as_of=TODAY,
                         count=4, frequency=Frequency.WEEKLY)  # fmt: skip
        with pytest.raises(InvalidInput, match="min_instalment"):
            custom_offer(balance_minor=100_000, currency="CNY", rules=RULES, as_of=TODAY,
                         count=12, frequency=Frequency.MONTHLY)  # fmt: skip
        with pytest.raises(InvalidInput, match="down_payment"):
            custom_offer(balance_minor=500_000, currency="CNY", rules=RULES, as_of=TODAY,
                         count=6, frequency=Frequency.MONTHLY, down_payment_minor=0)  # fmt: skip


class TestPaying:
    def test_payments_fill_the_oldest_instalment_first(self):
        rows = schedule(terms(90_000, 3))
        paid, left = apply_payment(rows, 40_000)
        assert [i.paid_minor for i in paid] == [30_000, 10_000, 0] and left == 0

    def test_a_reversal_takes_back_from_the_newest(self):
        paid, _ = apply_payment(schedule(terms(90_000, 3)), 40_000)
        back, rest = unapply_payment(paid, 15_000)
        assert [i.paid_minor for i in back] == [25_000, 0, 0] and rest == 0

    def test_missed_after_grace_and_broken_after_n_misses(self):
        rows = schedule(terms(90_000, 3))
        assert instalment_status(rows[0], TODAY + timedelta(5), 5) is InstalmentStatus.DUE
        assert instalment_status(rows[0], TODAY + timedelta(6), 5) is InstalmentStatus.MISSED
        one_missed = plan_state(rows, TODAY + timedelta(6), 5, 2)
        assert (one_missed.status, one_missed.missed) == (PlanStatus.MISSED, 1)
        two_missed = plan_state(rows, date(2026, 12, 26), 5, 2)
        assert two_missed.status is PlanStatus.BROKEN

    def test_catching_up_makes_the_plan_active_again(self):
        paid, _ = apply_payment(schedule(terms(90_000, 3)), 30_000)
        assert plan_state(paid, TODAY + timedelta(10), 5, 2).status is PlanStatus.ACTIVE

    def test_paying_off_early_forgives_the_interest_not_yet_due(self):
        rows = schedule(terms(120_000, 12, method=InterestMethod.FLAT, rate="0.12"))
        amount, forgiven = payoff_amount(rows, TODAY)
        assert amount == 120_000 - 10_000 + 11_200  # the first is due today, in full
        assert forgiven == 1_200 * 11


@given(amounts=st.lists(st.integers(1, 10**6), max_size=10), back=st.integers(0, 10**7))
def test_property_payments_are_conserved(amounts, back):
    rows = schedule(terms(1_000_000, 6))
    total_in = 0
    for amount in amounts:
        rows, left = apply_payment(rows, amount)
        total_in += amount - left
        assert all(0 <= i.paid_minor <= i.amount_minor for i in rows)
    assert sum(i.paid_minor for i in rows) == total_in
    rows, rest = unapply_payment(rows, back)
    assert sum(i.paid_minor for i in rows) == total_in - (back - rest)
    # paid instalments are a prefix: nobody pays the third before the second
    flags = [i.is_paid for i in rows]
    assert flags == sorted(flags, reverse=True)
