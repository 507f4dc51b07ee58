"""Scenarios for ISO 4217 currency codes and exponents."""

from __future__ import annotations

import pytest

from arrears.core.currency import CURRENCIES, exponent, normalize_code, symbol
from arrears.errors import InvalidInput, UnknownCurrency


class TestNormalizeCode:
    def test_upper_cases_and_trims(self) -> None:
        assert normalize_code(" cny ") == "CNY"

    def test_a_known_code_is_returned_as_is(self) -> None:
        assert normalize_code("USD") == "USD"

    @pytest.mark.parametrize("code", ["XYZ", "", "RMB", "yuan"])
    def test_an_unknown_code_raises_unknown_currency(self, code: str) -> None:
        with pytest.raises(UnknownCurrency) as caught:
            normalize_code(code)
        assert caught.value.currency == code

    def test_unknown_currency_is_invalid_input_with_a_readable_message(self) -> None:
        with pytest.raises(InvalidInput, match="'RMB' is not a known ISO 4217 currency code"):
            normalize_code("RMB")


class TestExponent:
    @pytest.mark.parametrize(
        ("code", "places"),
        [("CNY", 2), ("USD", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3)],
    )
    def test_the_minor_unit_exponent_follows_iso_4217(self, code: str, places: int) -> None:
        assert exponent(code) == places

    def test_accepts_a_lower_case_code(self) -> None:
        assert exponent("jpy") == 0

    def test_an_unknown_code_raises(self) -> None:
        with pytest.raises(UnknownCurrency):
            exponent("XXX")

    def test_every_listed_currency_has_a_sane_exponent(self) -> None:
        assert all(places in (0, 2, 3) for places, _ in CURRENCIES.values())


class TestSymbol:
    def test_yuan_and_dollar(self) -> None:
        assert symbol("CNY") == "¥"
        assert symbol("usd") == "$"

    def test_an_unknown_code_raises(self) -> None:
        with pytest.raises(UnknownCurrency):
            symbol("ZZZ")


class TestHomeLocale:
    def test_each_currency_has_the_locale_it_is_usually_shown_in(self) -> None:
        from arrears.core.currency import home_locale

        assert home_locale("CNY") == "zh_CN"
        assert home_locale("gbp") == "en_GB"
        assert home_locale("XXX") == "en_US"
