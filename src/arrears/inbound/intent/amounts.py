"""Amounts named in a reply, in minor units of a currency.

Forms understood (on the normalised reply, so full-width ``￥５００`` too):

* a currency sign or code before the number: ``¥1,200.50``, ``$250``, ``£40``,
  ``rmb 500``, ``$1.5k``;
* a currency word after it: ``500元``, ``300块``, ``250 dollars``, ``50 quid``,
  ``20 bucks``, ``12块5毛``;
* Chinese numerals with a currency word: ``五百块``, ``两千元``, ``一万二块``;
* English number words with a currency word: ``two hundred dollars``;
* a magnitude without a currency: ``1.5万``, ``2千``, ``3k``, ``两千``,
  ``五百`` (a numeral with 百/千/万), read in the account's currency;
* a bare number right after a payment word: ``pay 200``, ``paid 75.00``,
  ``先还500``, ``转了3000``, read in the account's currency.

A bare number anywhere else is not an amount (it is a date, a time, a count or
a phone number), and a number with more decimals than its currency has is
skipped rather than rounded. When a reply names several amounts, the first one
right after a payment word wins ("I owe $500 but can pay $100" is 100), else
the first one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from arrears.core.currency import exponent, normalize_code
from arrears.inbound.intent.numerals import (
    CN_NUMERAL,
    EN_NUMBER_WORDS,
    parse_chinese,
    parse_english,
)


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount of money: integer minor units of an ISO 4217 currency."""

    minor: int
    currency: str


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PREFIX = r"us\$|hk\$|nt\$|s\$|a\$|ca\$|c\$|\$|¥|£|€|rmb|cny|usd|gbp|eur|hkd|人民币"
_SUFFIX = (
    r"元|块钱|块|圆|人民币|rmb|cny|yuan|kuai|dollars?|bucks?|usd|quid|pounds?|gbp|euros?|eur|"
    r"美元|美金|刀|英镑|欧元|港币|港元|港纸|hkd"
)
_EN_SUFFIX = r"dollars?|bucks?|quid|pounds?|euros?"
# 1.5万, 2千, 3k, 2w (texting for 万), then a colloquial tail: 1万2 is 12,000, 3千5 is 3,500.
_MULT = r"(?P<mult>万|千|百|k(?![a-z])|w(?![a-z])|grand)(?P<tail>\d(?![\d.,]))?"
_JIAO = r"(?:(?P<jiao>\d|[一二两三四五六七八九])(?:毛|角))?"
# After a bare number or numeral: it must end there and not count days, times or pieces.
_NOT_A_QUANTITY = (
    r"(?![\d零〇一二两三四五六七八九十百千万]|[.,]\d)"
    r"(?!\s?(?:[/:\-.]\d|号|日|月|点|天|年|岁|个|期|次|遍|条|页|折|分钟|小时|周|星期|礼拜|%|"
    r"st\b|nd\b|rd\b|th\b|am\b|pm\b|days?\b|weeks?\b|months?\b|years?\b|hours?\b|hrs?\b|"
    r"mins?\b|minutes?\b|o'clock|times?\b|percent|payments?\b|instal|install))"
)
_CUE_EN = (
    r"(?:pay|paying|paid|send|sending|sent|transfer|transferring|transferred|deposit|"
    r"deposited|wire|wired|put down|payment of|payments of|give|do|manage|afford|offer|"
    r"offering)(?: you| u)?(?: another| an extra| the)?"
)
_CUE_ZH = (
    r"(?:先还|还了|还款|还|转了|转账|转|付了|付款|付|交了|交|打了|打款|打|汇了|汇款|汇|存了|存)"
)
# A payment word right before a mention ("pay $100", "还500元").
_CUE_BEFORE = re.compile(rf"(?:(?<![a-z]){_CUE_EN}|{_CUE_ZH})\s?:?\s?$")

# In order of precedence when two forms find the same number.
_FORMS = tuple(
    re.compile(p)
    for p in (
        rf"(?P<pre>{_PREFIX})\s?(?P<num>{_NUM})\s?(?:{_MULT})?\s?(?P<suf>{_SUFFIX})?",
        rf"(?<![\d.,])(?P<num>{_NUM})\s?(?:{_MULT})?\s?(?P<suf>{_SUFFIX}){_JIAO}",
        rf"(?P<cn>{CN_NUMERAL})\s?(?P<suf>{_SUFFIX}){_JIAO}",
        rf"(?<![a-z])(?P<words>{EN_NUMBER_WORDS})\s(?P<suf>{_EN_SUFFIX})(?![a-z])",
        rf"(?<![\d.,$¥£€])(?P<num>{_NUM})\s?{_MULT}",
        rf"(?P<cn>{CN_NUMERAL}){_NOT_A_QUANTITY}",
    )
)
# A bare number is an amount only right after a payment word.
_CUED_NUMBER = re.compile(
    rf"(?:(?<![a-z]){_CUE_EN}\s|{_CUE_ZH}\s?)(?P<num>(?!0\d)(?:{_NUM})){_NOT_A_QUANTITY}"
)
_MULTIPLIERS = {"万": 10_000, "w": 10_000, "千": 1000, "k": 1000, "grand": 1000, "百": 100}
_DOLLAR_FAMILY = {"USD", "HKD", "TWD", "SGD", "AUD", "CAD", "MXN"}
_YUAN_FAMILY = {"CNY", "HKD", "TWD"}
_EXPLICIT = {
    "us$": "USD",
    "usd": "USD",
    "美元": "USD",
    "美金": "USD",
    "刀": "USD",
    "hk$": "HKD",
    "hkd": "HKD",
    "港币": "HKD",
    "港元": "HKD",
    "港纸": "HKD",
    "nt$": "TWD",
    "s$": "SGD",
    "a$": "AUD",
    "ca$": "CAD",
    "c$": "CAD",
    "rmb": "CNY",
    "cny": "CNY",
    "人民币": "CNY",
    "£": "GBP",
    "gbp": "GBP",
    "quid": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "英镑": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "欧元": "EUR",
}


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    value: Decimal
    marker: str | None
    cued: bool


def find_amount(text: str, default_currency: str | None) -> Amount | None:
    """The amount a normalised reply names (see the module docstring), or None."""
    default = normalize_code(default_currency) if default_currency else None
    mentions = _mentions(text)
    ordered = [m for m in mentions if m.cued] + [m for m in mentions if not m.cued]
    for mention in ordered:
        amount = _to_amount(mention, default)
        if amount is not None:
            return amount
    return None


def _mentions(text: str) -> list[_Mention]:
    """Every amount-like mention, overlaps resolved: earliest first, then longest."""
    found: list[_Mention] = []
    for form in (*_FORMS, _CUED_NUMBER):
        for match in form.finditer(text):
            value = _value(match)
            if value is None or value <= 0:
                continue
            # A mention starts at its number: "还500元" is 500元, not 还500.
            start = match.start("num") if _group(match, "num") else match.start()
            cued = form is _CUED_NUMBER or bool(_CUE_BEFORE.search(text[: match.start()]))
            found.append(_Mention(start, match.end(), value, _marker(match), cued))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Mention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _group(match: re.Match[str], name: str) -> str | None:
    return match.group(name) if name in match.re.groupindex else None


def _value(match: re.Match[str]) -> Decimal | None:
    """The number a mention stands for, in major units; None when it is not a sum."""
    if (words := _group(match, "words")) is not None:
        number = parse_english(words)
        return Decimal(number) if number is not None else None
    if (numeral := _group(match, "cn")) is not None:
        # A bare numeral is money only with a magnitude: "三天" or "一下" are not sums.
        if _group(match, "suf") is None and not re.search("[百千万]", numeral):
            return None
        number = parse_chinese(numeral)
        value = Decimal(number) if number is not None else None
    else:
        try:
            value = Decimal((_group(match, "num") or "").replace(",", ""))
        except InvalidOperation:
            return None
        value = _scaled(value, _group(match, "mult"), _group(match, "tail"))
    if value is None:
        return None
    if len(str(int(value))) > 9 and _marker(match) is None:
        return None  # a phone or account number after "打"/"transfer", not a sum
    return value + _jiao(_group(match, "jiao"))


def _scaled(value: Decimal, mult: str | None, tail: str | None) -> Decimal:
    if mult is None:
        return value
    factor = _MULTIPLIERS[mult]
    return value * factor + (Decimal(tail) * factor / 10 if tail else 0)


def _jiao(text: str | None) -> Decimal:
    """毛/角, a tenth of a yuan ("12块5毛" is 12.50)."""
    if not text:
        return Decimal(0)
    digit = int(text) if text.isdigit() else parse_chinese(text) or 0
    return Decimal(digit) / 10


def _marker(match: re.Match[str]) -> str | None:
    return _group(match, "pre") or _group(match, "suf")


def _to_amount(mention: _Mention, default: str | None) -> Amount | None:
    currency = _currency(mention.marker, default)
    if currency is None:
        return None
    minor = mention.value * (10 ** exponent(currency))
    if minor != minor.to_integral_value():
        return None  # more decimals than the currency has: never rounded
    return Amount(int(minor), currency)


def _currency(marker: str | None, default: str | None) -> str | None:
    """The currency a marker names, read in the light of the account's currency.

    "$" and "dollars" are the account's dollars when it has some (HKD, SGD ...),
    else USD; "元" and "块" are yuan of the account's kind (CNY, HKD, TWD), else
    CNY; "¥" is JPY for a yen account, else CNY. No marker: the account's currency.
    """
    if marker is None:
        return default
    marker = marker.strip()
    if marker in _EXPLICIT:
        return _EXPLICIT[marker]
    if marker in {"$", "dollar", "dollars", "buck", "bucks"}:
        return default if default in _DOLLAR_FAMILY else "USD"
    if marker == "¥":
        return "JPY" if default == "JPY" else "CNY"
    return default if default in _YUAN_FAMILY else "CNY"
