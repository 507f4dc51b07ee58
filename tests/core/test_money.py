"""Scenarios for money: integer minor units, one rounding, one rate constructor."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.money import ROUNDING, Money, rate, round_minor, sum_money
from arrears.errors import CurrencyMismatch, InvalidInput, UnknownCurrency

CURRENCIES = st.sampled_from(["CNY", "USD", "JPY", "KWD"])
MINOR = st.integers(min_value=-(10**15), max_value=10**15)


def money(currency: str = "CNY") -> st.SearchStrategy[Money]:
    return st.builds(Money, MINOR, st.just(currency))


class TestRoundMinor:
    def test_rounding_is_half_up(self) -> None:
        assert ROUNDING == decimal.ROUND_HALF_UP

    def test_an_exact_amount_becomes_its_minor_units(self) -> None:
        assert round_minor(Decimal("1234.56"), "CNY") == 123456

    def test_half_a_fen_rounds_away_from_zero(self) -> None:
        assert round_minor(Decimal("12.345"), "CNY") == 1235
        assert round_minor(Decimal("-12.345"), "CNY") == -1235

    def test_less_than_half_rounds_down(self) -> None:
        assert round_minor(Decimal("12.3449999"), "CNY") == 1234

    def test_the_currency_exponent_decides_the_places(self) -> None:
        assert round_minor(Decimal("1234.5"), "JPY") == 1235
        assert round_minor(Decimal("1.2345"), "KWD") == 1235

    def test_very_precise_values_are_rounded_once_not_twice(self) -> None:
        # Rounding to 28 digits first would make this 0.005 and then 1 fen.
        assert round_minor(Decimal("0.00499999999999999999999999999999999"), "CNY") == 0

    def test_very_large_values_stay_exact(self) -> None:
        assert round_minor(Decimal("1E+40"), "CNY") == 10**42

    def test_a_float_is_refused(self) -> None:
        with pytest.raises(TypeError):
            round_minor(1.5, "CNY")  # type: ignore[arg-type]

    def test_not_a_number_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            round_minor(Decimal("NaN"), "CNY")

    @given(MINOR, CURRENCIES)
    def test_whole_minor_units_come_back_unchanged(self, minor: int, currency: str) -> None:
        assert round_minor(Money(minor, currency).to_major(), currency) == minor


class TestRate:
    def test_a_string_is_read_exactly(self) -> None:
        assert rate("0.0365") == Decimal("0.0365")

    def test_ints_and_decimals_are_accepted(self) -> None:
        assert rate(3) == Decimal(3)
        assert rate(Decimal("0.1")) == Decimal("0.1")

    def test_surrounding_spaces_are_ignored(self) -> None:
        assert rate(" 0.5 ") == Decimal("0.5")

    def test_a_float_is_refused(self) -> None:
        with pytest.raises(TypeError):
            rate(0.1)  # type: ignore[arg-type]

    def test_a_bool_is_refused(self) -> None:
        with pytest.raises(TypeError):
            rate(True)

    @pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf"])
    def test_non_finite_values_are_refused(self, text: str) -> None:
        with pytest.raises(InvalidInput):
            rate(text)

    def test_text_that_is_not_a_number_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="not a number"):
            rate("five percent")


class TestMoneyConstruction:
    def test_the_currency_code_is_normalised(self) -> None:
        assert Money(1, " cny ").currency == "CNY"

    def test_an_unknown_currency_is_refused(self) -> None:
        with pytest.raises(UnknownCurrency):
            Money(1, "XYZ")

    @pytest.mark.parametrize("minor", [1.5, Decimal(1), "1", True])
    def test_minor_units_must_be_an_int(self, minor: object) -> None:
        with pytest.raises(TypeError):
            Money(minor, "CNY")  # type: ignore[arg-type]

    def test_zero_has_no_minor_units(self) -> None:
        assert Money.zero("USD") == Money(0, "USD")

    def test_of_major_reads_major_units(self) -> None:
        assert Money.of_major("1234.56", "CNY") == Money(123456, "CNY")
        assert Money.of_major(Decimal("1234"), "JPY") == Money(1234, "JPY")
        assert Money.of_major(5, "KWD") == Money(5000, "KWD")

    def test_of_major_rounds_extra_decimals(self) -> None:
        assert Money.of_major("0.005", "CNY") == Money(1, "CNY")

    def test_of_major_refuses_a_float(self) -> None:
        with pytest.raises(TypeError):
            Money.of_major(12.5, "CNY")  # type: ignore[arg-type]

    def test_money_is_immutable(self) -> None:
        amount = Money(1, "CNY")
        with pytest.raises(AttributeError):
            amount.minor = 2  # type: ignore[misc]


class TestArithmetic:
    def test_amounts_in_one_currency_add_and_subtract(self) -> None:
        assert Money(150, "CNY") + Money(50, "CNY") == Money(200, "CNY")
        assert Money(150, "CNY") - Money(200, "CNY") == Money(-50, "CNY")

    def test_negation_and_absolute_value(self) -> None:
        assert -Money(150, "CNY") == Money(-150, "CNY")
        assert abs(Money(-150, "CNY")) == Money(150, "CNY")

    def test_adding_different_currencies_raises(self) -> None:
        with pytest.raises(CurrencyMismatch, match="CNY and USD"):
            _ = Money(1, "CNY") + Money(1, "USD")

    def test_subtracting_different_currencies_raises(self) -> None:
        with pytest.raises(CurrencyMismatch):
            _ = Money(1, "CNY") - Money(1, "USD")

    def test_adding_a_plain_number_is_a_type_error(self) -> None:
        with pytest.raises(TypeError):
            _ = Money(1, "CNY") + 1  # type: ignore[operator]

    @given(money(), money())
    def test_addition_is_exact(self, a: Money, b: Money) -> None:
        assert (a + b).minor == a.minor + b.minor
        assert a + b - b == a


class TestComparison:
    def test_amounts_in_one_currency_order_by_value(self) -> None:
        small, large = Money(1, "CNY"), Money(2, "CNY")
        assert small < large
        assert small <= large
        assert large > small
        assert large >= small
        assert small <= Money(1, "CNY")

    @pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__"])
    def test_ordering_different_currencies_raises(self, op: str) -> None:
        with pytest.raises(CurrencyMismatch):
            getattr(Money(1, "CNY"), op)(Money(1, "USD"))

    def test_equality_across_currencies_is_simply_false(self) -> None:
        assert Money(100, "CNY") != Money(100, "USD")

    def test_equal_amounts_hash_alike(self) -> None:
        assert len({Money(1, "cny"), Money(1, "CNY")}) == 1

    def test_zero_and_negative_are_recognised(self) -> None:
        assert Money(0, "CNY").is_zero()
        assert not Money(1, "CNY").is_zero()
        assert Money(-1, "CNY").is_negative()
        assert not Money(0, "CNY").is_negative()


class TestToMajor:
    def test_major_units_are_exact(self) -> None:
        assert Money(123456, "CNY").to_major() == Decimal("1234.56")
        assert str(Money(5, "KWD").to_major()) == "0.005"
        assert Money(1234, "JPY").to_major() == Decimal(1234)

    def test_huge_amounts_keep_every_digit(self) -> None:
        expected = Decimal("1" + "0" * 37 + "0.01")
        assert Money(10**40 + 1, "CNY").to_major() == expected


class TestTimes:
    def test_a_rate_is_applied_and_rounded_half_up(self) -> None:
        # 1000.05 * 0.5 = 500.025 -> 500.03
        assert Money(100005, "CNY").times(rate("0.5")) == Money(50003, "CNY")

    def test_an_integer_factor_is_accepted(self) -> None:
        assert Money(250, "USD").times(3) == Money(750, "USD")

    def test_a_float_factor_is_refused(self) -> None:
        with pytest.raises(TypeError):
            Money(100, "CNY").times(0.5)  # type: ignore[arg-type]

    def test_large_amounts_do_not_lose_precision(self) -> None:
        assert Money(10**40 + 5, "CNY").times(rate("0.5")) == Money(5 * 10**39 + 3, "CNY")

    @given(money("KWD"), st.integers(min_value=-1000, max_value=1000))
    def test_an_integer_factor_is_exact_multiplication(self, amount: Money, k: int) -> None:
        assert amount.times(k) == Money(amount.minor * k, "KWD")


class TestSplit:
    def test_the_remainder_goes_to_the_first_parts(self) -> None:
        parts = Money(10000, "CNY").split(3)
        assert parts == [Money(3334, "CNY"), Money(3333, "CNY"), Money(3333, "CNY")]

    def test_a_negative_amount_splits_by_magnitude(self) -> None:
        assert Money(-7, "CNY").split(3) == [Money(-3, "CNY"), Money(-2, "CNY"), Money(-2, "CNY")]

    @pytest.mark.parametrize("n", [0, -1])
    def test_a_non_positive_number_of_parts_is_refused(self, n: int) -> None:
        with pytest.raises(InvalidInput):
            Money(100, "CNY").split(n)

    @given(money(), st.integers(min_value=1, max_value=50))
    def test_parts_sum_to_the_whole_and_differ_by_at_most_one(self, amount: Money, n: int) -> None:
        parts = amount.split(n)
        assert len(parts) == n
        assert sum_money(parts, "CNY") == amount
        sizes = [abs(p.minor) for p in parts]
        assert max(sizes) - min(sizes) <= 1
        assert sizes == sorted(sizes, reverse=True)


class TestFormat:
    def test_yuan_in_chinese(self) -> None:
        assert Money(123456, "CNY").format("zh_CN") == "¥1,234.56"

    def test_dollars_in_american_english(self) -> None:
        assert Money(123456, "USD").format("en_US") == "$1,234.56"

    def test_hyphenated_locale_names_are_accepted(self) -> None:
        assert Money(123456, "CNY").format("zh-CN") == "¥1,234.56"
        assert Money(123456, "USD").format("en-US") == "$1,234.56"

    def test_en_us_is_the_default(self) -> None:
        assert Money(123456, "USD").format() == "$1,234.56"

    def test_yen_show_no_decimals(self) -> None:
        assert Money(123456, "JPY").format("en_US") == "¥123,456"

    def test_dinars_show_three_decimals(self) -> None:
        assert Money(1234567, "KWD").format("en_US").endswith("1,234.567")

    def test_negative_amounts_keep_their_sign(self) -> None:
        assert Money(-5, "CNY").format("zh_CN") == "-¥0.05"

    def test_an_unknown_locale_is_invalid_input(self) -> None:
        with pytest.raises(InvalidInput):
            Money(1, "CNY").format("xx_YY")


class TestStr:
    def test_shows_major_units_and_the_code(self) -> None:
        assert str(Money(123456, "CNY")) == "1234.56 CNY"

    def test_zero_and_negative_amounts(self) -> None:
        assert str(Money(0, "KWD")) == "0.000 KWD"
        assert str(Money(-1, "USD")) == "-0.01 USD"
        assert str(Money(7, "JPY")) == "7 JPY"


class TestSumMoney:
    def test_nothing_sums_to_zero_in_the_given_currency(self) -> None:
        assert sum_money([], "cny") == Money(0, "CNY")

    def test_amounts_are_added(self) -> None:
        assert sum_money([Money(1, "CNY"), Money(2, "CNY")], "CNY") == Money(3, "CNY")

    def test_an_amount_in_another_currency_raises(self) -> None:
        with pytest.raises(CurrencyMismatch):
            sum_money([Money(1, "CNY"), Money(2, "USD")], "CNY")

    def test_the_currency_must_match_even_for_one_item(self) -> None:
        with pytest.raises(CurrencyMismatch):
            sum_money([Money(1, "USD")], "CNY")

    @given(st.lists(money()))
    def test_the_sum_is_the_sum_of_minor_units(self, items: list[Money]) -> None:
        assert sum_money(items, "CNY").minor == sum(m.minor for m in items)
