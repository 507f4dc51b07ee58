"""Field parsers: each notation a portfolio file may use, and each way a cell can be wrong."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.ingest.normalize import (
    FieldProblem,
    clean_text,
    name_key,
    nfkc,
    normalize_currency,
    normalize_email,
    normalize_name,
    normalize_national_id,
    normalize_phone,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    split_multi,
)
from arrears.ingest.normalize.contacts import _full_email


def email_validator_reading(text: str) -> str:
    """What email-validator alone makes of an address (the slow path of normalize_email)."""
    return _full_email(nfkc(text))


def problem(call: object, *args: object, **kwargs: object) -> str:
    """The reason a parser gives for a bad value."""
    assert callable(call)
    with pytest.raises(FieldProblem) as caught:
        call(*args, **kwargs)
    return caught.value.reason


class TestParseAmount:
    @pytest.mark.parametrize(
        ("text", "currency", "decimal", "minor"),
        [
            ("1234.56", "CNY", ".", 123456),
            ("1,234.56", "CNY", ".", 123456),
            ("¥1,234.56", "CNY", ".", 123456),
            ("$1,234.56", "USD", ".", 123456),
            ("£1,234.56", "GBP", ".", 123456),
            ("€1.234,56", "EUR", ",", 123456),
            ("1 234,56", "EUR", ",", 123456),
            ("1.234,56", "EUR", ",", 123456),
            ("１，２３４．５６", "CNY", ".", 123456),
            ("￥１２３４．５６", "CNY", ".", 123456),
            ("RMB 1,234.56", "CNY", ".", 123456),
            ("1234.56 CNY", "CNY", ".", 123456),
            ("1234.56元", "CNY", ".", 123456),
            ("HK$12", "HKD", ".", 1200),
            ("12", "CNY", ".", 1200),
            ("12.5", "CNY", ".", 1250),
            ("0.05", "CNY", ".", 5),
            ("1,234", "JPY", ".", 1234),
            ("1.234", "KWD", ".", 1234),
        ],
    )
    def test_common_notations_give_minor_units(
        self, text: str, currency: str, decimal: str, minor: int
    ) -> None:
        assert parse_amount(text, currency, decimal=decimal) == minor

    @pytest.mark.parametrize(
        "text", ["-12.50", "(12.50)", "¥-12.50", "-¥12.50", "12.50-", "−12.50"]
    )
    def test_a_minus_or_parentheses_give_a_negative_amount(self, text: str) -> None:
        assert parse_amount(text, "CNY") == -1250

    def test_more_decimals_than_the_currency_has_is_an_error_not_a_rounding(self) -> None:
        assert problem(parse_amount, "12.345", "CNY") == "3 decimal places; CNY has 2"

    def test_a_currency_without_minor_units_refuses_any_decimal(self) -> None:
        assert problem(parse_amount, "1234.5", "JPY") == "1 decimal place; JPY has 0"

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("", "empty amount"),
            ("abc", "not an amount"),
            ("12a", "not an amount"),
            ("1.2.3", "more than one decimal separator"),
            ("12,34.56", "misplaced group separator"),
            ("1,2345.00", "misplaced group separator"),
            ("1,234 567.00", "mixed group separators"),
            ("--5", "more than one sign"),
            ("(-5)", "more than one sign"),
            ("£5", "'£' does not denote CNY"),
            ("USD 5", "amount is marked USD but the currency is CNY"),
        ],
    )
    def test_malformed_amounts_are_refused_with_a_reason(self, text: str, reason: str) -> None:
        assert reason in problem(parse_amount, text, "CNY")

    def test_with_a_decimal_comma_a_point_groups_thousands(self) -> None:
        assert parse_amount("1.234", "EUR", decimal=",") == 123400
        assert "misplaced separator" in problem(parse_amount, "1,234.56", "EUR", decimal=",")

    def test_an_unknown_currency_is_a_problem_of_the_value(self) -> None:
        assert "not a known ISO 4217" in problem(parse_amount, "1", "XYZ")

    @given(
        minor=st.integers(min_value=0, max_value=10**13),
        currency=st.sampled_from(["JPY", "CNY", "KWD"]),
        decimal=st.sampled_from([".", ","]),
        grouping=st.sampled_from(["", "mark", " ", "'"]),
        negative=st.booleans(),
    )
    def test_formatted_minor_amounts_read_back_exactly(
        self, minor: int, currency: str, decimal: str, grouping: str, negative: bool
    ) -> None:
        places = {"JPY": 0, "CNY": 2, "KWD": 3}[currency]
        group = ("," if decimal == "." else ".") if grouping == "mark" else grouping
        whole, fraction = divmod(minor, 10**places)
        text = f"{whole:,}".replace(",", group) if group else str(whole)
        if places:
            text += decimal + str(fraction).zfill(places)
        if negative:
            text = "-" + text
        expected = -minor if negative else minor
        assert parse_amount(text, currency, decimal=decimal) == expected


class TestParseDate:
    @pytest.mark.parametrize(
        "text",
        [
            "2026-03-05",
            "2026-03-05T14:30:00",
            "2026-03-05 14:30:00+08:00",
            "2026/3/5",
            "2026.3.5",
            "2026年3月5日",
            "２０２６年３月５日",
            "20260305",
            "03/05/2026",
            "3/5/2026",
            "5 Mar 2026",
            "5-Mar-2026",
            "Mar 5, 2026",
            "March 5th, 2026",
            "46086",
        ],
    )
    def test_common_notations_read_month_first_by_default(self, text: str) -> None:
        assert parse_date(text) == date(2026, 3, 5)

    def test_day_first_reads_slashed_dates_the_european_way(self) -> None:
        assert parse_date("05/03/2026", day_first=True) == date(2026, 3, 5)
        assert parse_date("05.03.2026", day_first=True) == date(2026, 3, 5)
        assert parse_date("2026-03-05", day_first=True) == date(2026, 3, 5)

    def test_a_slashed_date_impossible_in_the_chosen_order_is_refused(self) -> None:
        reason = problem(parse_date, "25/03/2026")
        assert reason == "month 25 does not exist (dates are read month first)"

    def test_excel_serial_numbers_count_from_1899_12_30(self) -> None:
        assert parse_date("45000") == date(2023, 3, 15)
        assert parse_date("45000.75") == date(2023, 3, 15)

    def test_excel_serials_before_march_1900_follow_excels_leap_year_bug(self) -> None:
        assert parse_date("1") == date(1900, 1, 1)
        assert parse_date("59") == date(1900, 2, 28)
        assert parse_date("61") == date(1900, 3, 1)
        assert "does not exist" in problem(parse_date, "60")

    def test_an_explicit_format_is_tried_first(self) -> None:
        assert parse_date("05|03|2026", date_format="%d|%m|%Y") == date(2026, 3, 5)
        assert parse_date("2026-03-05", date_format="%d|%m|%Y") == date(2026, 3, 5)

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("2026-02-30", "2026-02-30 does not exist"),
            ("2026年13月1日", "2026-13-01 does not exist"),
            ("3/5/26", "the year must have 4 digits"),
            ("1985", "looks like a year"),
            ("2958466", "Excel serial 2958466 is outside"),
            ("2026-03-05T25:00", "impossible time of day"),
            ("5 Foo 2026", "unknown month name 'Foo'"),
            ("yesterday", "not a date"),
            ("", "empty date"),
        ],
    )
    def test_impossible_or_unknown_dates_are_refused(self, text: str, reason: str) -> None:
        assert reason in problem(parse_date, text)


class TestNormalizePhone:
    @pytest.mark.parametrize(
        ("text", "region"),
        [
            ("13800138000", "CN"),
            ("138 0013 8000", "CN"),
            ("138-0013-8000", "CN"),
            ("+86 138 0013 8000", None),
            ("0086 138 0013 8000", None),
            ("0086-138-0013-8000", "US"),
            ("＋８６ １３８ ００１３ ８０００", None),
            ("(+86) 13800138000", "GB"),
        ],
    )
    def test_chinese_mobiles_in_any_notation_give_one_e164(
        self, text: str, region: str | None
    ) -> None:
        info = normalize_phone(text, region)
        assert info.e164 == "+8613800138000"
        assert info.line_type == "mobile"
        assert info.region == "CN"
        assert info.time_zones == ("Asia/Shanghai",)

    def test_a_chinese_landline_is_a_landline(self) -> None:
        info = normalize_phone("010-6552 9988", "CN")
        assert (info.e164, info.line_type) == ("+861065529988", "landline")

    def test_a_uk_number_with_the_trunk_zero_in_parentheses_reads(self) -> None:
        info = normalize_phone("+44 (0)20 7946 0018", None)
        assert info.e164 == "+442079460018"
        assert info.line_type == "landline"
        assert info.time_zones == ("Europe/London",)

    def test_us_numbers_have_an_unknown_line_type_because_nanp_does_not_tell(self) -> None:
        info = normalize_phone("(212) 555-0100", "US")
        assert info.e164 == "+12125550100"
        assert info.line_type == "unknown"
        assert info.time_zones == ("America/New_York",)

    def test_a_toll_free_number_says_so(self) -> None:
        assert normalize_phone("+1 800 555 0100", None).line_type == "toll_free"

    @pytest.mark.parametrize(
        ("text", "region", "reason"),
        [
            ("138 0013 8000", None, "no country code"),
            ("123", "CN", "too short"),
            ("1380013800012345", "CN", "too long"),
            ("12345", "CN", "a local number without its area code"),
            ("hello", "CN", "not a phone number"),
            ("+86 100 0000 0000", None, "not a number in use"),
            ("212-555-0100 ext. 12", "US", "extensions are not accepted"),
            ("", "CN", "empty phone number"),
        ],
    )
    def test_invalid_numbers_are_refused_with_a_reason(
        self, text: str, region: str | None, reason: str
    ) -> None:
        assert reason in problem(normalize_phone, text, region)


class TestNormalizeEmail:
    def test_the_domain_is_lower_cased_and_the_local_part_kept(self) -> None:
        assert normalize_email(" Jo.Smith@Example.COM ") == "Jo.Smith@example.com"

    def test_full_width_input_is_read(self) -> None:
        assert normalize_email("ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ") == "jo@example.com"

    @pytest.mark.parametrize("text", ["jo@example", "jo@@example.com", "jo", "jo@.com", ""])
    def test_invalid_addresses_are_refused(self, text: str) -> None:
        assert problem(normalize_email, text)

    @pytest.mark.parametrize(
        "text",
        [
            "Jo.Smith@Example.COM",
            "user+tag@sub.example.co.uk",
            "Postmaster@Example.com",  # a mailbox name email-validator lower-cases
            "a..b@example.com",
            "a@-bad.com",
            "a@bad-.com",
            "a@ex_ample.com",
            "a@example.test",  # special-use domain
            "a@123.456",
            "a@XN--BCHER-KVA.com",  # punycode: email-validator shows the Unicode form
            "a@" + "x" * 64 + ".com",  # a label too long
            "a" * 70 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".com",  # > 254
        ],
    )
    def test_the_quick_path_for_plain_addresses_agrees_with_email_validator(
        self, text: str
    ) -> None:
        # Plain ASCII addresses skip email-validator (their domain is checked once per
        # domain): the outcome must be exactly email-validator's.
        try:
            expected: str = email_validator_reading(text)
        except FieldProblem as exc:
            assert problem(normalize_email, text) == exc.reason
        else:
            assert normalize_email(text) == expected

    @given(st.text(alphabet="aZ09._+-@", min_size=1, max_size=24))
    def test_the_quick_path_agrees_on_any_plain_text(self, text: str) -> None:
        try:
            expected = email_validator_reading(text)
        except FieldProblem as exc:
            assert problem(normalize_email, text) == exc.reason
        else:
            assert normalize_email(text) == expected


class TestNames:
    def test_a_name_is_nfkc_with_single_spaces(self) -> None:
        assert normalize_name("  Ｊｏ   Smith\t") == "Jo Smith"

    def test_an_empty_name_is_refused(self) -> None:
        assert problem(normalize_name, "   ") == "empty name"

    def test_the_name_key_ignores_case_and_spaces(self) -> None:
        assert name_key("Jo  SMITH") == name_key("jo smith") == "josmith"
        assert name_key("张 三") == "张三"

    def test_free_text_collapses_whitespace_and_empty_is_none(self) -> None:
        assert clean_text(" 1  Main\nStreet ") == "1 Main Street"
        assert clean_text("  ") is None


class TestNormalizeNationalId:
    def test_a_valid_china_id_is_upper_cased(self) -> None:
        assert normalize_national_id("11010519491231002x", "CN") == "11010519491231002X"

    def test_a_china_id_is_recognised_without_a_country(self) -> None:
        assert normalize_national_id("110105 19491231 002X", None) == "11010519491231002X"

    def test_a_first_generation_15_digit_id_is_upgraded_to_18(self) -> None:
        assert normalize_national_id("110105491231002", "CN") == "11010519491231002X"

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("110105194912310021", "check digit does not match"),
            ("110105194902300028", "impossible birth date"),
            ("1101051949", "must have 18 characters"),
            ("110105491331002", "impossible birth date"),
        ],
    )
    def test_bad_china_ids_are_refused(self, text: str, reason: str) -> None:
        assert reason in problem(normalize_national_id, text, "CN")

    def test_a_us_ssn_keeps_its_nine_digits(self) -> None:
        assert normalize_national_id("123-45-6789", "US") == "123456789"

    @pytest.mark.parametrize("text", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567"])
    def test_ssns_the_ssa_never_issues_are_refused(self, text: str) -> None:
        assert "not an SSN" in problem(normalize_national_id, text, "US")

    def test_other_countries_keep_the_value_without_separators(self) -> None:
        assert normalize_national_id("qq 12 34 56 c", "GB") == "QQ123456C"


class TestNormalizeCurrency:
    @pytest.mark.parametrize("text", ["CNY", "cny", "ＣＮＹ", "RMB", "人民币"])
    def test_codes_and_common_names_give_the_iso_code(self, text: str) -> None:
        assert normalize_currency(text) == "CNY"

    def test_an_unknown_currency_is_refused(self) -> None:
        assert "not a known ISO 4217" in problem(normalize_currency, "ABC")


class TestSmallParsers:
    def test_several_values_split_on_semicolons_bars_and_line_breaks(self) -> None:
        assert split_multi("a; b|c；d｜e\nf;;") == ["a", "b", "c", "d", "e", "f"]
        assert split_multi(None) == []

    def test_commas_do_not_split_values(self) -> None:
        assert split_multi("1 Main St, Springfield") == ["1 Main St, Springfield"]

    def test_booleans_read_english_and_chinese(self) -> None:
        assert parse_bool("Yes") is True
        assert parse_bool("否") is False
        assert problem(parse_bool, "maybe") == "not a yes/no value"

    def test_integers_read_full_width_digits(self) -> None:
        assert parse_int("１２") == 12
        assert problem(parse_int, "1.5") == "not a whole number"
