"""Amounts and currencies: a written amount to exact integer minor units.

Amounts become integer minor units, exactly: a written value with more decimal
places than the currency has is an error, never a rounding. The decimal
separator is given ("." or ","); the other one, a space or an apostrophe may
group thousands, in groups of three. A currency marker written with the amount
(``¥``, ``US$``, ``元``, ``EUR``) must denote the row's currency: one that
contradicts it is an error, because the amount was probably exported from
another ledger. Currencies are ISO 4217 codes, or the names Chinese files use.
"""

from __future__ import annotations

import re

from arrears.core import currency as currencies
from arrears.errors import UnknownCurrency
from arrears.ingest.normalize.base import FieldProblem, nfkc

# A sign, a currency marker, the digits with their separators, a marker after, a sign after.
_AMOUNT = re.compile(
    r"""^(?P<sign1>[-+])?\s*
    (?P<prefix>(?:[A-Z]{1,3})?[$¥£€₩₹₱฿₫]|[A-Z]{3}|人民币)?\s*
    (?P<sign2>[-+])?\s*
    (?P<number>[\d.,][\d.,'\s]*?)
    \s*(?P<suffix>[A-Z]{3}|元|人民币|[$¥£€₩₹₱฿₫])?\s*
    (?P<sign3>-)?$""",
    re.VERBOSE,
)
_DOLLARS = frozenset({"USD", "HKD", "TWD", "SGD", "AUD", "CAD", "MXN", "CLP"})
# Which currencies a marker may stand for; a marker that contradicts the row's currency is
# an error, because the amount was probably exported from another ledger.
_MARKERS: dict[str, frozenset[str]] = {
    "$": _DOLLARS,
    "US$": frozenset({"USD"}),
    "HK$": frozenset({"HKD"}),
    "NT$": frozenset({"TWD"}),
    "S$": frozenset({"SGD"}),
    "A$": frozenset({"AUD"}),
    "AU$": frozenset({"AUD"}),
    "C$": frozenset({"CAD"}),
    "CA$": frozenset({"CAD"}),
    "MX$": frozenset({"MXN"}),
    "¥": frozenset({"CNY", "JPY"}),
    "元": frozenset({"CNY", "HKD", "TWD"}),
    "人民币": frozenset({"CNY"}),
    "RMB": frozenset({"CNY"}),
    "£": frozenset({"GBP"}),
    "€": frozenset({"EUR"}),
    "₩": frozenset({"KRW"}),
    "₹": frozenset({"INR"}),
    "₱": frozenset({"PHP"}),
    "฿": frozenset({"THB"}),
    "₫": frozenset({"VND"}),
}
_MAX_MINOR = 2**63 - 1  # stored as a signed 64-bit integer


def parse_amount(text: str, currency: str, *, decimal: str = ".") -> int:
    """Integer minor units of a written amount; negative when written with ``-`` or ``( )``.

    ``decimal`` is the decimal separator ("." or ","); the other one, a space or an
    apostrophe may group thousands. Whether a negative amount is allowed is the caller's
    decision.
    """
    code = _currency_code(currency)
    cleaned = nfkc(text).replace("\u2212", "-").upper()
    if not cleaned:
        raise FieldProblem("empty amount")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    if negative:
        cleaned = cleaned[1:-1].strip()
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise FieldProblem("not an amount: only digits, separators and a currency sign expected")
    signs = [s for s in match.group("sign1", "sign2", "sign3") if s]
    if len(signs) > 1 or (negative and signs):
        raise FieldProblem("more than one sign")
    for marker in match.group("prefix", "suffix"):
        _check_marker(marker, code)
    minor = _minor_units(match.group("number").strip(), code, decimal)
    if minor > _MAX_MINOR:
        raise FieldProblem("amount is too large")
    return -minor if negative or signs == ["-"] else minor


# Names Chinese files write in a currency (币种) column instead of the ISO code.
_CURRENCY_NAMES = {
    "RMB": "CNY",
    "人民币": "CNY",
    "元": "CNY",
    "美元": "USD",
    "港币": "HKD",
    "港元": "HKD",
    "英镑": "GBP",
    "欧元": "EUR",
    "日元": "JPY",
}


def normalize_currency(text: str) -> str:
    """The ISO 4217 code of a currency written as a code (any case) or a common name."""
    cleaned = nfkc(text).upper()
    return _currency_code(_CURRENCY_NAMES.get(cleaned, cleaned))


def _currency_code(currency: str) -> str:
    try:
        return currencies.normalize_code(currency)
    except UnknownCurrency as exc:
        raise FieldProblem(exc.message) from None


def _check_marker(marker: str | None, code: str) -> None:
    if marker is None or marker == code:
        return
    allowed = _MARKERS.get(marker)
    if allowed is None:
        if marker in currencies.CURRENCIES:
            raise FieldProblem(f"amount is marked {marker} but the currency is {code}")
        raise FieldProblem(f"not an amount: '{marker}' is not a currency")
    if code not in allowed:
        raise FieldProblem(f"'{marker}' does not denote {code}")


def _minor_units(number: str, code: str, decimal: str) -> int:
    if decimal not in (".", ","):
        raise ValueError(f"decimal separator must be '.' or ',', not {decimal!r}")
    if number.count(decimal) > 1:
        raise FieldProblem(f"more than one decimal separator '{decimal}'")
    whole, _, fraction = number.partition(decimal)
    if fraction and not fraction.isdigit():
        raise FieldProblem(f"misplaced separator after the decimal separator '{decimal}'")
    digits = _ungroup(whole, "," if decimal == "." else ".")
    places = currencies.exponent(code)
    if len(fraction) > places:
        unit = "place" if len(fraction) == 1 else "places"
        raise FieldProblem(f"{len(fraction)} decimal {unit}; {code} has {places}")
    return int((digits or "0") + fraction.ljust(places, "0"))


def _ungroup(whole: str, group: str) -> str:
    """Digits of the integer part; groups of three after the first, one separator kind."""
    separators = {c for c in whole if not c.isdigit()}
    if not separators:
        return whole
    if len(separators) > 1 or not separators <= {group, " ", "'"}:
        raise FieldProblem("misplaced or mixed group separators")
    (sep,) = separators
    first, *rest = whole.split(sep)
    if not (1 <= len(first) <= 3) or any(len(part) != 3 for part in rest):
        raise FieldProblem(f"misplaced group separator '{sep}'")
    return whole.replace(sep, "")
