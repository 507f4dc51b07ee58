"""Settlements: the discount, the authority matrix and who must approve."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.settlements import (
    STAFF_ORDER,
    Authority,
    Role,
    SettlementForm,
    check_proposal,
    decide,
    discount,
    lowest_approver,
    may_approve,
)
from arrears.errors import InvalidInput

AUTHORITY = Authority(
    {Role.DEBTOR: Decimal("0.10"), Role.COLLECTOR: Decimal("0.15"),
     Role.SUPERVISOR: Decimal("0.30"), Role.MANAGER: Decimal("0.50")},
    min_lump_sum_minor=10_000, max_instalments=3,
)  # fmt: skip


class TestAuthority:
    def test_a_collector_settles_15_percent_off_at_once(self):
        assert decide(Role.COLLECTOR, 100_000, 85_000, AUTHORITY).accepted

    def test_20_percent_off_waits_for_a_supervisor(self):
        decision = decide(Role.COLLECTOR, 100_000, 80_000, AUTHORITY)
        assert not decision.accepted and decision.approver is Role.SUPERVISOR

    def test_40_percent_off_needs_a_manager(self):
        assert lowest_approver(100_000, 60_000, AUTHORITY) is Role.MANAGER

    def test_the_debtor_self_serves_only_up_to_the_portal_limit(self):
        assert decide(Role.DEBTOR, 100_000, 90_000, AUTHORITY).accepted
        assert decide(Role.DEBTOR, 100_000, 89_999, AUTHORITY).approver is Role.COLLECTOR

    def test_the_boundary_is_exact_not_a_rounded_percentage(self):
        # 1/3 waived is 33.33...% - above a 33.33 % limit, however it is rounded for display
        limit = Authority({Role.MANAGER: Decimal("0.3333")})
        assert not may_approve(Role.MANAGER, 300, 200, limit)
        assert discount(300, 200) == Decimal("0.3333")


class TestProposals:
    def test_above_every_authority_is_refused_naming_the_ceiling(self):
        with pytest.raises(InvalidInput, match=r"authority.manager"):
            check_proposal(
                balance_minor=100_000,
                amount_minor=40_000,
                form=SettlementForm.LUMP_SUM,
                instalments=0,
                authority=AUTHORITY,
            )

    def test_below_the_minimum_lump_sum_is_refused(self):
        with pytest.raises(InvalidInput, match="min_lump_sum"):
            check_proposal(
                balance_minor=12_000,
                amount_minor=9_000,
                form=SettlementForm.LUMP_SUM,
                instalments=0,
                authority=AUTHORITY,
            )

    def test_a_short_plan_has_two_to_max_instalments(self):
        with pytest.raises(InvalidInput, match="max_instalments"):
            check_proposal(
                balance_minor=100_000,
                amount_minor=90_000,
                form=SettlementForm.SHORT_PLAN,
                instalments=4,
                authority=AUTHORITY,
            )

    def test_not_below_the_balance_is_not_a_settlement(self):
        with pytest.raises(InvalidInput, match="below the balance"):
            check_proposal(
                balance_minor=100_000,
                amount_minor=100_000,
                form=SettlementForm.LUMP_SUM,
                instalments=0,
                authority=AUTHORITY,
            )


@given(balance=st.integers(1, 10**10), share=st.integers(0, 10_000))
def test_property_authority_is_monotonic(balance, share):
    amount = balance - balance * share // 10_000
    allowed = [may_approve(r, balance, amount, AUTHORITY) for r in STAFF_ORDER]
    # once a role may approve, every higher role may too
    assert allowed == sorted(allowed)
    approver = lowest_approver(balance, amount, AUTHORITY)
    assert (approver is None) == (not any(allowed))
    if approver is not None:
        assert decide(approver, balance, amount, AUTHORITY).accepted


@given(balance=st.integers(1, 10**10), amount=st.integers(0, 10**10))
def test_property_discount_matches_the_exact_comparison(balance, amount):
    amount = min(amount, balance)
    exact = Decimal(balance - amount) / Decimal(balance)
    assert abs(discount(balance, amount) - exact) <= Decimal("0.00005")
