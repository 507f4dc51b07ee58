"""Interest core: day counts, rounding, caps, stops and late fees (examples and properties)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core import interest as core
from arrears.core.interest import DayCount, RuleRef, StopReason
from arrears.core.money import Money, round_minor
from arrears.errors import InvalidInput

LPR = core.ReferenceRate("CN-LPR-1Y", (
    (date(2023, 8, 21), Decimal("0.0345")), (date(2024, 7, 22), Decimal("0.0335")),
    (date(2025, 5, 20), Decimal("0.03")),
))  # fmt: skip
CN_CAP = core.CapRule(RuleRef("CN-INT-CAP-01", "民间借贷规定 第二十五条"), None, "CN-LPR-1Y",
                      Decimal(4))  # fmt: skip
DISPUTE = RuleRef("X-STOP-DISPUTE", "test")

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
conventions = st.sampled_from(list(DayCount))
rates = st.integers(min_value=0, max_value=5 * core.RATE_SCALE).map(
    lambda u: Decimal(u) / core.RATE_SCALE
)
bases = st.integers(min_value=0, max_value=10**13)


class TestWorkedExamples:
    def test_cny_100000_at_24_percent_is_capped_at_4x_lpr_for_30_days(self):
        cap = CN_CAP.resolve(date(2024, 1, 5), date(2026, 1, 1), {"CN-LPR-1Y": LPR})
        assert cap == Decimal("0.1380")
        decision = core.effective_rate(Decimal("0.24"), [(cap, CN_CAP.ref)])
        assert decision.rate == Decimal("0.138") and decision.binding.rule == "CN-INT-CAP-01"
        # 100,000.00 x 0.138 x 30 / 365 = 1,134.2465... -> 1,134.25
        amount = core.interest(10_000_000, decision.rate, date(2026, 1, 10), date(2026, 2, 8),
                               DayCount.ACT_365F)  # fmt: skip
        assert amount == 113_425

    def test_a_rate_below_the_cap_binds_as_the_contract(self):
        decision = core.effective_rate(Decimal("0.08"), [(Decimal("0.16"), DISPUTE)])
        assert decision.rate == Decimal("0.08") and decision.binding is core.CONTRACT
        assert decision.cap_rate == Decimal("0.16")

    def test_without_a_contract_date_the_lowest_lpr_up_to_the_due_date_is_used(self):
        refs = {"CN-LPR-1Y": LPR}
        assert CN_CAP.resolve(None, date(2025, 6, 1), refs) == Decimal("0.12")
        assert CN_CAP.resolve(None, date(2024, 1, 1), refs) == Decimal("0.1380")
        assert CN_CAP.resolve(None, date(2020, 1, 1), refs) is None

    def test_day_counts_of_known_periods(self):
        # 30E/360: 31 Jan counts as 30; Feb 28 -> Mar 1 is 3 days.
        assert core.day_count(date(2026, 1, 1), date(2026, 1, 31), DayCount.THIRTY_360) == 30
        assert core.day_count(date(2026, 3, 1), date(2026, 3, 1), DayCount.THIRTY_360) == 3
        assert core.day_count(date(2026, 1, 1), date(2026, 12, 31), DayCount.ACT_360) == 365
        # ACT/ACT: a whole leap year and a whole common year are each one year.
        den = core.DENOMINATOR[DayCount.ACT_ACT]
        assert core.day_count(date(2024, 1, 1), date(2024, 12, 31), DayCount.ACT_ACT) == den
        assert core.day_count(date(2025, 1, 1), date(2025, 12, 31), DayCount.ACT_ACT) == den
        # 31 Dec 2024 (leap, 1/366) + 1 Jan 2025 (1/365)
        assert core.year_fraction(date(2024, 12, 31), date(2025, 1, 1), DayCount.ACT_ACT) == (
            Decimal(365 + 366) / Decimal(den)
        )

    def test_rates_with_more_than_eight_decimals_are_refused(self):
        with pytest.raises(InvalidInput):
            core.rate_units(Decimal("0.123456789"))


class TestProperties:
    @given(days, days, conventions)
    def test_a_period_counts_the_sum_of_its_days(self, a: date, b: date, conv: DayCount):
        first, last = min(a, b), max(a, b)
        last = min(last, first + timedelta(days=400))
        total = sum(
            core.day_count(first + timedelta(days=i), first + timedelta(days=i), conv)
            for i in range((last - first).days + 1)
        )
        assert core.day_count(first, last, conv) == total

    @given(bases, rates, days, st.integers(min_value=1, max_value=120), conventions)
    def test_a_period_posts_the_sum_of_its_daily_postings(
        self, base: int, annual: Decimal, first: date, n: int, conv: DayCount
    ):
        """The stated rule: daily runs carry the remainder, so they post the period's amount."""
        den = core.denominator_of(conv)
        carry, posted = 0, 0
        for i in range(n):
            day = first + timedelta(days=i)
            numerator = core.exact_numerator(base, annual, core.day_count(day, day, conv))
            amount, carry = core.post(carry, numerator, den)
            assert amount >= 0 and -den <= 2 * carry < den
            posted += amount
        last = first + timedelta(days=n - 1)
        assert posted == core.interest(base, annual, first, last, conv)

    @given(bases, rates, days, st.integers(min_value=1, max_value=400), conventions)
    def test_the_posted_amount_is_the_exact_amount_rounded_half_up(
        self, base: int, annual: Decimal, first: date, n: int, conv: DayCount
    ):
        last = first + timedelta(days=n - 1)
        exact = (
            Fraction(base)
            * Fraction(annual)
            * Fraction(core.day_count(first, last, conv), core.DENOMINATOR[conv])
        )
        amount = core.interest(base, annual, first, last, conv)
        assert amount - Fraction(1, 2) <= exact < amount + Fraction(1, 2)
        if exact.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100):  # exactly representable
            as_major = Decimal(exact.numerator) / Decimal(exact.denominator) / 100
            assert amount == round_minor(as_major, "CNY")

    @given(bases, rates, st.lists(rates, max_size=4), days, st.integers(1, 60), conventions)
    def test_never_above_the_cap(self, base, contract, caps, first, n, conv):
        refs = [(c, DISPUTE) for c in caps]
        decision = core.effective_rate(contract, refs)
        assert decision.rate == min([contract, *caps])
        last = first + timedelta(days=n - 1)
        for cap in caps:
            assert core.interest(base, decision.rate, first, last, conv) <= core.interest(
                base, cap, first, last, conv
            )

    @given(days, st.integers(0, 60), st.integers(0, 60), days)
    def test_a_day_inside_a_hold_is_stopped(self, since: date, length: int, offset: int,
                                            start: date):  # fmt: skip
        until = since + timedelta(days=length)
        intervals = core.stop_intervals(
            holds=[{"kind": "dispute", "since": since.isoformat(), "until": until.isoformat()}],
            status="active", charged_off_on=None, stop_after_charge_off=True,
            stops={StopReason.DISPUTE: DISPUTE}, from_day=start,
        )  # fmt: skip
        day = since + timedelta(days=offset)
        found = core.stopped_on(day, intervals)
        inside = since <= day <= until and day >= start
        assert (found is not None) == inside


class TestStops:
    def test_each_reason_with_its_rule_and_the_most_protective_first(self):
        stops = {StopReason.DISPUTE: DISPUTE, StopReason.BANKRUPTCY: RuleRef("X-BK", "11 USC 362")}
        holds = [{"kind": "dispute", "since": "2026-01-05"},
                 {"kind": "bankruptcy", "since": "2026-01-10T08:00:00+00:00"},
                 {"kind": "attorney", "since": "2026-01-01"}]  # fmt: skip
        intervals = core.stop_intervals(
            holds=holds, status="active", charged_off_on=date(2026, 1, 20),
            stop_after_charge_off=True, stops=stops, from_day=date(2026, 1, 1),
        )  # fmt: skip
        assert {i.reason for i in intervals} == {
            StopReason.DISPUTE,
            StopReason.BANKRUPTCY,
            StopReason.CHARGED_OFF,
        }
        assert core.stopped_on(date(2026, 1, 4), intervals) is None
        assert core.stopped_on(date(2026, 1, 6), intervals).reason is StopReason.DISPUTE
        found = core.stopped_on(date(2026, 1, 25), intervals)
        assert found.reason is StopReason.BANKRUPTCY and found.ref.citation == "11 USC 362"

    def test_charge_off_stops_only_when_the_client_says_so(self):
        kwargs = {"holds": [], "status": "written_off", "charged_off_on": None, "stops": {},
                  "from_day": date(2026, 3, 1)}  # fmt: skip
        (stop,) = core.stop_intervals(stop_after_charge_off=True, **kwargs)
        assert stop.reason is StopReason.CHARGED_OFF and stop.ref.rule == "INT-STOP-CHARGEOFF"
        assert core.stop_intervals(stop_after_charge_off=False, **kwargs) == []

    def test_a_disputed_status_stops_even_without_a_hold_entry(self):
        (stop,) = core.stop_intervals(
            holds=[], status="disputed", charged_off_on=None, stop_after_charge_off=False,
            stops={StopReason.DISPUTE: DISPUTE}, from_day=date(2026, 3, 1),
        )  # fmt: skip
        assert stop.reason is StopReason.DISPUTE and stop.last is None


class TestLateFees:
    law = core.LateFeeLaw(True, RuleRef("GB-FEE-01", "CONC 7.7.5 R"), {"GBP": 1200})

    def test_only_with_contract_terms(self):
        decision = core.late_fee(None, self.law, Money(10_000, "GBP"))
        assert decision.amount_minor == 0 and decision.ref.rule == "FEE-NO-TERMS"

    def test_only_where_the_law_allows(self):
        law = core.LateFeeLaw(False, RuleRef("US-WA-FEE", "RCW 19.16.250(21)"))
        terms = core.LateFeeTerms(grace_days=15, amount_minor=3_000)
        decision = core.late_fee(terms, law, Money(10_000, "USD"))
        assert decision.amount_minor == 0 and decision.ref.rule == "US-WA-FEE"

    def test_capped_by_the_law_and_the_contract(self):
        terms = core.LateFeeTerms(grace_days=28, amount_minor=1_500)
        decision = core.late_fee(terms, self.law, Money(20_000, "GBP"))
        assert (decision.amount_minor, decision.capped) == (1_200, True)
        pct = core.LateFeeTerms(grace_days=0, percent=Decimal("0.05"), max_minor=400)
        assert core.late_fee(pct, self.law, Money(10_000, "GBP")).amount_minor == 400
        assert core.late_fee(pct, self.law, Money(5_001, "GBP")).amount_minor == 250
        law = core.LateFeeLaw(True, RuleRef("US-TX-FEE", "x"), max_percent=Decimal("0.05"))
        fixed = core.LateFeeTerms(grace_days=0, amount_minor=3_000)
        assert core.late_fee(fixed, law, Money(10_000, "USD")).amount_minor == 500

    def test_assessed_after_the_grace_period(self):
        terms = core.LateFeeTerms(grace_days=15, amount_minor=1)
        assert core.fee_due_on(date(2026, 1, 31), terms) == date(2026, 2, 15)


class TestJurisdictions:
    def test_a_state_merges_with_its_country_and_unknown_states_fall_back(self):
        us = core.JurisdictionRules(
            "US", "US", (core.CapRule(RuleRef("US-FALLBACK", "x"), Decimal("0.06")),),
            core.LateFeeLaw(True, RuleRef("US-FEE", "1692f(1)")),
            {StopReason.DISPUTE: DISPUTE}, RuleRef("US-AUTH", "1692f(1)"),
        )  # fmt: skip
        ny = core.JurisdictionRules(
            "US-NY", "NY", (core.CapRule(RuleRef("NY-CAP", "GOL 5-501"), Decimal("0.16")),),
            core.LateFeeLaw(True, RuleRef("NY-FEE", "x")), {},
        )  # fmt: skip
        books = {"US": us, "US-NY": ny}
        merged = core.rules_for("us-ny", books)
        assert merged is not None
        assert [c.ref.rule for c in merged.caps] == ["NY-CAP"]
        assert merged.stops == {StopReason.DISPUTE: DISPUTE}
        assert merged.authorization is not None and merged.authorization.rule == "US-AUTH"
        fallback = core.rules_for("US-OH", books)
        assert fallback is us
        assert core.rules_for("DE", books) is None and core.rules_for(None, books) is None

    def test_terms_for_a_product_before_the_clients_general_terms(self):
        general = core.ContractTerms("c", "*", Decimal("0.1"), DayCount.ACT_360, "x")
        card = core.ContractTerms("c", "card", Decimal("0.2"), DayCount.ACT_360, "x")
        assert core.terms_for("c", "card", [general, card]) is card
        assert core.terms_for("c", "loan", [general, card]) is general
        assert core.terms_for("other", "card", [general, card]) is None
