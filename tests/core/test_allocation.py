"""Scenarios for the payment waterfall."""

from __future__ import annotations

from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.allocation import (
    DEFAULT_WATERFALL,
    Allocation,
    Balance,
    Component,
    Waterfall,
    allocate,
    reverse,
)
from arrears.core.money import Money
from arrears.errors import CurrencyMismatch, InvalidInput

C = Component
AMOUNT = st.integers(min_value=0, max_value=10**12)
BALANCES = st.builds(
    Balance, st.just("CNY"), principal=AMOUNT, interest=AMOUNT, fees=AMOUNT, costs=AMOUNT
)
PAYMENTS = st.builds(Money, st.integers(min_value=1, max_value=5 * 10**12), st.just("CNY"))
WATERFALLS = st.permutations(list(Component)).map(lambda order: Waterfall(tuple(order)))

OWED = Balance("CNY", principal=10000, interest=500, fees=200, costs=100)


class TestBalance:
    def test_total_is_the_sum_of_the_components(self) -> None:
        assert OWED.total == 10800

    def test_components_default_to_zero(self) -> None:
        assert Balance("CNY").total == 0

    def test_the_currency_is_normalised(self) -> None:
        assert Balance("cny").currency == "CNY"

    def test_a_negative_component_is_refused_by_name(self) -> None:
        with pytest.raises(InvalidInput, match="fees"):
            Balance("CNY", fees=-1)

    def test_a_non_integer_component_is_refused(self) -> None:
        with pytest.raises(TypeError):
            Balance("CNY", principal=1.5)  # type: ignore[arg-type]

    def test_get_reads_one_component_by_enum_or_name(self) -> None:
        assert OWED.get(C.INTEREST) == 500
        assert OWED.get("fees") == 200

    def test_get_refuses_an_unknown_component(self) -> None:
        with pytest.raises(InvalidInput, match="penalty"):
            OWED.get("penalty")

    def test_replace_component_returns_a_changed_copy(self) -> None:
        changed = OWED.replace_component(C.COSTS, 0)
        assert changed.costs == 0
        assert OWED.costs == 100

    def test_replace_component_still_refuses_negatives(self) -> None:
        with pytest.raises(InvalidInput):
            OWED.replace_component(C.COSTS, -5)


class TestWaterfall:
    def test_the_default_pays_costs_then_fees_then_interest_then_principal(self) -> None:
        assert DEFAULT_WATERFALL.order == (C.COSTS, C.FEES, C.INTEREST, C.PRINCIPAL)

    def test_parse_reads_the_configuration_form(self) -> None:
        parsed = Waterfall.parse("principal, interest, FEES,costs")
        assert parsed.order == (C.PRINCIPAL, C.INTEREST, C.FEES, C.COSTS)

    def test_str_is_what_parse_reads(self) -> None:
        assert Waterfall.parse(str(DEFAULT_WATERFALL)) == DEFAULT_WATERFALL
        assert str(DEFAULT_WATERFALL) == "costs,fees,interest,principal"

    def test_a_missing_component_is_named(self) -> None:
        with pytest.raises(InvalidInput, match="missing principal"):
            Waterfall.parse("costs,fees,interest")

    def test_a_repeated_component_is_named(self) -> None:
        with pytest.raises(InvalidInput, match="fees more than once"):
            Waterfall.parse("costs,fees,fees,interest,principal")

    def test_an_unknown_component_is_named(self) -> None:
        with pytest.raises(InvalidInput, match="'penalty'"):
            Waterfall.parse("costs,fees,interest,principal,penalty")

    def test_an_empty_entry_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="empty"):
            Waterfall.parse("costs,,fees,interest,principal")


class TestAllocate:
    def test_a_partial_payment_fills_components_in_order(self) -> None:
        allocation, remaining = allocate(OWED, Money(450, "CNY"))
        assert allocation.applied == (
            (C.COSTS, 100),
            (C.FEES, 200),
            (C.INTEREST, 150),
            (C.PRINCIPAL, 0),
        )
        assert allocation.credit == 0
        assert remaining == Balance("CNY", principal=10000, interest=350)

    def test_an_exact_payment_clears_the_balance(self) -> None:
        allocation, remaining = allocate(OWED, Money(10800, "CNY"))
        assert remaining.total == 0
        assert allocation.credit == 0

    def test_an_overpayment_becomes_a_credit(self) -> None:
        allocation, remaining = allocate(OWED, Money(11000, "CNY"))
        assert allocation.credit == 200
        assert allocation.total == 11000
        assert remaining.total == 0

    def test_another_waterfall_pays_principal_first(self) -> None:
        principal_first = Waterfall.parse("principal,interest,fees,costs")
        allocation, remaining = allocate(OWED, Money(10100, "CNY"), principal_first)
        assert allocation.amount_for(C.PRINCIPAL) == 10000
        assert allocation.amount_for(C.INTEREST) == 100
        assert remaining == Balance("CNY", interest=400, fees=200, costs=100)

    def test_a_payment_on_a_cleared_balance_is_all_credit(self) -> None:
        allocation, remaining = allocate(Balance("CNY"), Money(5, "CNY"))
        assert allocation.credit == 5
        assert allocation.applied_total == 0
        assert remaining == Balance("CNY")

    @pytest.mark.parametrize("minor", [0, -100])
    def test_a_payment_must_be_positive(self, minor: int) -> None:
        with pytest.raises(InvalidInput, match="positive"):
            allocate(OWED, Money(minor, "CNY"))

    def test_a_payment_in_another_currency_raises(self) -> None:
        with pytest.raises(CurrencyMismatch):
            allocate(OWED, Money(100, "USD"))

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_the_allocation_accounts_for_the_whole_payment(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        allocation, _ = allocate(balance, payment, waterfall)
        assert allocation.total == payment.minor
        assert [c for c, _ in allocation.applied] == list(waterfall.order)

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_no_component_is_overpaid_or_goes_negative(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        allocation, remaining = allocate(balance, payment, waterfall)
        for component in Component:
            assert 0 <= allocation.amount_for(component) <= balance.get(component)
            assert remaining.get(component) == balance.get(component) - allocation.amount_for(
                component
            )

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_what_remains_is_the_balance_less_the_payment_never_below_zero(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        allocation, remaining = allocate(balance, payment, waterfall)
        assert remaining.total == max(0, balance.total - payment.minor)
        assert allocation.credit == max(0, payment.minor - balance.total)

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_a_later_component_gets_nothing_until_earlier_ones_are_cleared(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        _, remaining = allocate(balance, payment, waterfall)
        owing = [remaining.get(c) > 0 for c in waterfall.order]
        first_owing = owing.index(True) if True in owing else len(owing)
        for later in waterfall.order[first_owing + 1 :]:
            assert remaining.get(later) == balance.get(later)


class TestReverse:
    def test_reversing_owes_again_what_the_payment_paid(self) -> None:
        allocation, remaining = allocate(OWED, Money(450, "CNY"))
        assert reverse(remaining, allocation) == OWED

    def test_reversing_ignores_the_credit(self) -> None:
        allocation, remaining = allocate(OWED, Money(20000, "CNY"))
        assert reverse(remaining, allocation) == OWED

    def test_a_reversal_in_another_currency_raises(self) -> None:
        allocation, _ = allocate(OWED, Money(450, "CNY"))
        with pytest.raises(CurrencyMismatch):
            reverse(Balance("USD"), allocation)

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_reverse_undoes_allocate(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        allocation, remaining = allocate(balance, payment, waterfall)
        assert reverse(remaining, allocation) == balance

    def test_every_waterfall_order_round_trips(self) -> None:
        for order in permutations(Component):
            allocation, remaining = allocate(OWED, Money(700, "CNY"), Waterfall(order))
            assert reverse(remaining, allocation) == OWED


class TestAllocation:
    def test_every_component_must_appear_once(self) -> None:
        with pytest.raises(InvalidInput, match="missing"):
            Allocation("CNY", ((C.COSTS, 1),))

    def test_amounts_cannot_be_negative(self) -> None:
        applied = ((C.COSTS, -1), (C.FEES, 0), (C.INTEREST, 0), (C.PRINCIPAL, 0))
        with pytest.raises(InvalidInput, match="costs"):
            Allocation("CNY", applied)

    def test_the_credit_cannot_be_negative(self) -> None:
        applied = tuple((c, 0) for c in Component)
        with pytest.raises(InvalidInput, match="credit"):
            Allocation("CNY", applied, credit=-1)

    def test_to_dict_lists_components_in_waterfall_order_then_the_credit(self) -> None:
        allocation, _ = allocate(OWED, Money(11000, "CNY"))
        assert list(allocation.to_dict().items()) == [
            ("costs", 100),
            ("fees", 200),
            ("interest", 500),
            ("principal", 10000),
            ("credit", 200),
        ]

    def test_from_dict_reads_what_to_dict_wrote(self) -> None:
        principal_first = Waterfall.parse("principal,interest,fees,costs")
        allocation, _ = allocate(OWED, Money(10300, "CNY"), principal_first)
        assert Allocation.from_dict("CNY", allocation.to_dict()) == allocation

    def test_from_dict_counts_missing_components_as_zero(self) -> None:
        allocation = Allocation.from_dict("CNY", {"interest": 5})
        assert allocation.amount_for(C.INTEREST) == 5
        assert allocation.amount_for(C.PRINCIPAL) == 0
        assert allocation.credit == 0

    def test_from_dict_refuses_an_unknown_key(self) -> None:
        with pytest.raises(InvalidInput, match="'penalty'"):
            Allocation.from_dict("CNY", {"interest": 5, "penalty": 1})

    @given(BALANCES, PAYMENTS, WATERFALLS)
    def test_storage_round_trips(
        self, balance: Balance, payment: Money, waterfall: Waterfall
    ) -> None:
        allocation, _ = allocate(balance, payment, waterfall)
        assert Allocation.from_dict(allocation.currency, allocation.to_dict()) == allocation
