"""Amounts and dates in replies: table-driven, with the edge cases that bite."""

from __future__ import annotations

import datetime as dt

import pytest

from arrears.errors import InvalidInput, UnknownCurrency
from arrears.inbound.intent import extract_amount, extract_date, locale_defaults
from arrears.inbound.intent.numerals import parse_chinese, parse_english

FRIDAY = dt.date(2026, 11, 20)  # a Friday; the 20th of a 30-day month


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("500元", "CNY", (50000, "CNY")),
        ("¥1,200.50", None, (120050, "CNY")),
        ("￥５００", None, (50000, "CNY")),  # full-width
        ("五百块", "CNY", (50000, "CNY")),
        ("两千", "CNY", (200000, "CNY")),
        ("一万二", "CNY", (1200000, "CNY")),  # colloquial: 12,000
        ("三千五块", "CNY", (350000, "CNY")),
        ("两百五十块钱", "CNY", (25000, "CNY")),
        ("12块5毛", "CNY", (1250, "CNY")),
        ("1.5万", "CNY", (1500000, "CNY")),
        ("1万2", "CNY", (1200000, "CNY")),
        ("3k", "USD", (300000, "USD")),
        ("$250", "USD", (25000, "USD")),
        ("$1.5k", "USD", (150000, "USD")),
        ("250 dollars", None, (25000, "USD")),
        ("two hundred dollars", "USD", (20000, "USD")),
        ("fifty bucks", "USD", (5000, "USD")),
        ("£40", "USD", (4000, "GBP")),  # the text's currency beats the account's
        ("a hundred quid", None, (10000, "GBP")),
        ("100刀", None, (10000, "USD")),
        ("还500美元", "CNY", (50000, "USD")),
        ("$80", "HKD", (8000, "HKD")),  # "$" is the account's dollar
        ("300块", "HKD", (30000, "HKD")),
        ("¥5000", "JPY", (5000, "JPY")),  # yen have no minor unit
        ("先还500，剩下的月底还", "CNY", (50000, "CNY")),  # a bare number after 还
        ("I can pay 200 on Friday", "USD", (20000, "USD")),
        ("I made a payment of 75.00", "USD", (7500, "USD")),
        ("I owe $500 but can pay $100 on Friday", "USD", (10000, "USD")),  # the one paid
        ("我在3月5日还了一千", "CNY", (100000, "CNY")),
    ],
)
def test_amounts_are_read_in_minor_units(
    text: str, currency: str | None, expected: tuple[int, str]
) -> None:
    amount = extract_amount(text, currency=currency)
    assert amount is not None
    assert (amount.minor, amount.currency) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("15号还", "CNY"),  # a day, not 15 yuan
        ("I'll pay on the 15th", "USD"),
        ("call me after 5pm", "USD"),
        ("打13800138000", "CNY"),  # a phone number after 打
        ("千万别再打了", "CNY"),  # 千万: by all means
        ("还一下", "CNY"),
        ("还500天", "CNY"),
        ("打5折", "CNY"),
        ("I can do 2 payments", "USD"),
        ("$12.345", "USD"),  # more decimals than dollars have: skipped, never rounded
        ("I'll pay 200 on Friday", None),  # a bare amount needs a currency
        ("this is the 3rd time", "USD"),
        ("no amount here", "USD"),
    ],
)
def test_these_are_not_amounts(text: str, currency: str | None) -> None:
    assert extract_amount(text, currency=currency) is None


def test_an_unknown_account_currency_is_an_error() -> None:
    with pytest.raises(UnknownCurrency):
        extract_amount("500", currency="XYZ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", "2026-11-20"),
        ("明天还", "2026-11-21"),
        ("后天", "2026-11-22"),
        ("大后天", "2026-11-23"),
        ("下周五", "2026-11-27"),
        ("下下周一", "2026-11-30"),
        ("周五", "2026-11-20"),  # today is Friday: the coming Friday is today
        ("星期天", "2026-11-22"),
        ("礼拜三", "2026-11-25"),
        ("15号", "2026-12-15"),  # the 15th is past: next month's
        ("20号", "2026-11-20"),
        ("十五号", "2026-12-15"),
        ("31号", "2026-11-30"),  # no 31st in November: the month's last day
        ("下个月5号", "2026-12-05"),
        ("3月5日", "2027-03-05"),
        ("三月五号", "2027-03-05"),
        ("2026年12月15日", "2026-12-15"),
        ("月底", "2026-11-30"),
        ("下个月底", "2026-12-31"),
        ("月初", "2026-12-01"),
        ("年底", "2026-12-31"),
        ("周末", "2026-11-21"),
        ("3天后", "2026-11-23"),
        ("过两天", "2026-11-22"),
        ("tomorrow", "2026-11-21"),
        ("will pay tmrw", "2026-11-21"),
        ("2moro", "2026-11-21"),
        ("the day after tomorrow", "2026-11-22"),
        ("next Friday", "2026-11-27"),
        ("nxt fri", "2026-11-27"),
        ("Friday", "2026-11-20"),
        ("this weekend", "2026-11-21"),
        ("on the 3rd", "2026-12-03"),
        ("by the 31st", "2026-11-30"),
        ("on the first", "2026-12-01"),
        ("the 1st of next month", "2026-12-01"),
        ("end of the month", "2026-11-30"),
        ("end of next month", "2026-12-31"),
        ("March 5th", "2027-03-05"),
        ("5 March", "2027-03-05"),
        ("Dec 15, 2026", "2026-12-15"),
        ("12/15", "2026-12-15"),
        ("12/15/2026", "2026-12-15"),
        ("2026-12-15", "2026-12-15"),
        ("in 3 days", "2026-11-23"),
        ("yesterday", "2026-11-19"),
        ("上周五", "2026-11-13"),
        ("15/12", "2026-12-15"),  # impossible month first: read day first
        ("first thing Monday morning", "2026-11-23"),  # "first" is not the 1st
        ("I get paid on the 1st, I'll pay on Friday", "2026-12-01"),  # the first date named
    ],
)
def test_dates_are_resolved_against_the_as_of_date(text: str, expected: str) -> None:
    assert extract_date(text, as_of=FRIDAY) == dt.date.fromisoformat(expected)


@pytest.mark.parametrize(
    "text",
    [
        "this is the 3rd time you've called",
        "以前天天打电话",  # 前天 inside 以前天天 is not the day before yesterday
        "3号线",  # metro line 3
        "c'mon",
        "next week",  # a week is not a day
        "4/31",  # no such day
        "call me after 5:30",
        "",
    ],
)
def test_these_are_not_dates(text: str) -> None:
    assert extract_date(text, as_of=FRIDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I paid on the 3rd", "2026-11-03"),
        ("我15号已经还过了", "2026-11-15"),
        ("paid on Monday", "2026-11-16"),
        ("3月5日还的", "2026-03-05"),
        ("paid yesterday", "2026-11-19"),
    ],
)
def test_a_reported_payment_reads_dates_in_the_past(text: str, expected: str) -> None:
    found = extract_date(text, as_of=FRIDAY, direction="past")
    assert found == dt.date.fromisoformat(expected)


def test_the_locale_decides_the_order_of_numeric_dates() -> None:
    assert extract_date("12/1", as_of=FRIDAY) == dt.date(2026, 12, 1)
    assert extract_date("12/1", as_of=FRIDAY, day_first=True) == dt.date(2027, 1, 12)
    assert locale_defaults("en-GB").day_first and not locale_defaults("en_US").day_first
    assert locale_defaults("zh-CN").currency == "CNY"
    with pytest.raises(InvalidInput, match="unknown locale"):
        locale_defaults("fr-FR")


def test_a_day_of_month_already_past_at_the_end_of_the_year_rolls_into_january() -> None:
    assert extract_date("15号", as_of=dt.date(2026, 12, 20)) == dt.date(2027, 1, 15)
    assert extract_date("月底", as_of=dt.date(2026, 12, 31)) == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十五", 15),
        ("二十", 20),
        ("三十一", 31),
        ("两百五", 250),
        ("三千五", 3500),
        ("一千零五", 1005),
        ("一万二", 12000),
        ("一万零五百", 10500),
        ("十万", 100000),
        ("壹仟贰佰", 1200),
        ("五五", None),
        ("abc", None),
    ],
)
def test_chinese_numerals(numeral: str, value: int | None) -> None:
    assert parse_chinese(numeral) == value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("two hundred and fifty", 250),
        ("a hundred", 100),
        ("fifty-five", 55),
        ("two thousand five hundred", 2500),
        ("hundred", None),
    ],
)
def test_english_number_words(words: str, value: int | None) -> None:
    assert parse_english(words) == value
