"""Field parsers: one cell of a portfolio file to one clean value.

Each parser takes the text of one cell and returns the normalised value, or
raises :class:`FieldProblem` with a reason a person understands ("3 decimal
places; CNY has 2"). The row validator (``rows.py``) turns problems into
rejections; these functions know nothing about rows, files or databases.

Every parser first applies Unicode NFKC, so full-width digits and punctuation
typed with a Chinese input method (``１２３４．５６``, ``＋８６``, ``２０２６／３／５``) read
the same as their ASCII forms.

Decisions worth knowing:

* Amounts become integer minor units, exactly: a written value with more
  decimal places than the currency has is an error, never a rounding.
* Phone extensions are refused, not dropped: a number with an extension is a
  switchboard (often an employer's), and storing it as if it were a direct line
  would let the dialler reach a place the debtor did not give us.
* ``FIXED_LINE_OR_MOBILE`` numbers (all of North America, part of China) get the
  line type ``unknown``, never ``mobile`` or ``landline``: the TCPA restricts
  automated calls and texts to mobiles, so guessing "landline" would be unlawful
  and guessing "mobile" would hide that the type is unproven.
* Several phones or e-mails in one cell are separated by ``;``, ``|`` (or their
  full-width forms) or line breaks; never by commas, which addresses contain.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from phonenumbers import timezone as phone_timezone

from arrears.core import currency as currencies
from arrears.core.identity import cn_id_check_digit, cn_id_problem
from arrears.errors import UnknownCurrency


class FieldProblem(ValueError):
    """A cell that cannot be read as the value its column holds."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def nfkc(text: str) -> str:
    """NFKC form, stripped: full-width forms become ASCII, NBSP becomes a space."""
    return unicodedata.normalize("NFKC", text).strip()


def clean_text(text: str | None) -> str | None:
    """Free text (address, product, reference): NFKC, one space between words; None if empty."""
    if text is None:
        return None
    cleaned = " ".join(nfkc(text).split())
    return cleaned or None


# --------------------------------------------------------------------------- amounts

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


# --------------------------------------------------------------------------- dates

_TIME = r"(?:[T ]\s*(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(r"^(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _TIME + "$")
_CJK = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?" + _TIME + "$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SLASHED = re.compile(r"^(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d+)" + _TIME + "$")
_DAY_MONTH = re.compile(r"^(?P<d>\d{1,2})[ -](?P<mon>[A-Za-z]{3,9})\.?[ ,-]\s*(?P<y>\d{4})$")
_MONTH_DAY = re.compile(
    r"^(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})$"
)
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_NOTATIONS = "2026-03-05, 2026/3/5, 2026年3月5日, 03/05/2026, 5 Mar 2026, or an Excel serial number"


def parse_date(text: str, *, day_first: bool = False, date_format: str | None = None) -> date:
    """The date a cell names. ISO datetimes give their written (local) date.

    ``date_format`` (a strptime format) is tried first. Slashed day/month forms need
    a 4-digit year and are read month-first unless ``day_first``.
    """
    cleaned = nfkc(text)
    if not cleaned:
        raise FieldProblem("empty date")
    if date_format:
        try:
            return datetime.strptime(cleaned, date_format).date()
        except ValueError:
            pass  # fall through to the common notations
    for pattern in (_YMD, _CJK, _COMPACT):
        match = pattern.match(cleaned)
        if match:
            _check_time(match)
            return _make_date(match["y"], match["m"], match["d"])
    if _SERIAL.match(cleaned):
        return _excel_serial(cleaned)
    match = _SLASHED.match(cleaned)
    if match:
        return _slashed(match, day_first)
    return _with_month_name(cleaned)


def _make_date(year: str | int, month: str | int, day: str | int) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FieldProblem(
            f"{int(year):04d}-{int(month):02d}-{int(day):02d} does not exist"
        ) from None


def _check_time(match: re.Match[str]) -> None:
    time = match.groupdict().get("time")
    if time:
        hour, minute, *rest = time.split(":")
        if int(hour) > 23 or int(minute) > 59 or (rest and float(rest[0]) >= 60):
            raise FieldProblem(f"impossible time of day {time}")


def _excel_serial(text: str) -> date:
    serial = int(text.split(".", maxsplit=1)[0])  # the fraction is the time of day
    if "." not in text and 1900 <= serial <= 2100:
        raise FieldProblem(f"{serial} looks like a year, not a date")
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise FieldProblem(f"Excel serial {serial} is outside 1..{_EXCEL_MAX_SERIAL}")
    # Excel counts 1900 as a leap year (a Lotus 1-2-3 bug): serial 60 is the non-existent
    # 29 Feb 1900, and serials before it are one day later than the 1899-12-30 epoch gives.
    if serial == 60:
        raise FieldProblem("Excel serial 60 is 29 Feb 1900, which does not exist")
    epoch = date(1899, 12, 31) if serial < 60 else date(1899, 12, 30)
    return epoch + timedelta(days=serial)


def _slashed(match: re.Match[str], day_first: bool) -> date:
    if len(match["y"]) != 4:
        raise FieldProblem("the year must have 4 digits: a 2-digit year is ambiguous")
    _check_time(match)
    day, month = (match["a"], match["b"]) if day_first else (match["b"], match["a"])
    if int(month) > 12:
        order = "day first" if day_first else "month first"
        raise FieldProblem(f"month {int(month)} does not exist (dates are read {order})")
    return _make_date(match["y"], month, day)


def _with_month_name(text: str) -> date:
    match = _DAY_MONTH.match(text) or _MONTH_DAY.match(text)
    if match is None:
        raise FieldProblem(f"not a date; write it as {_NOTATIONS}")
    month = _MONTHS.get(match["mon"].lower())
    if month is None:
        raise FieldProblem(f"unknown month name '{match['mon']}'")
    return _make_date(match["y"], month, match["d"])


# --------------------------------------------------------------------------- phones


@dataclass(frozen=True)
class PhoneInfo:
    """A valid phone number in E.164 with what the numbering plan tells about it."""

    e164: str
    line_type: str  # mobile | landline | voip | toll_free | unknown
    region: str | None  # ISO 3166-1 alpha-2 of the numbering plan
    time_zones: tuple[str, ...]  # IANA zones; empty when unknown


_LINE_TYPES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.TOLL_FREE: "toll_free",
    # FIXED_LINE_OR_MOBILE stays "unknown": see the module docstring (TCPA).
}
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: (
        "no country code: write it as +CC… or give the row a country"
    ),
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country calling code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "wrong number of digits",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number without its area code",
}
_IDD_00 = re.compile(r"^00[\s.-]*(?=[1-9])")


def normalize_phone(text: str, default_region: str | None) -> PhoneInfo:
    """Read a phone number written in any common notation.

    National numbers are read in ``default_region`` (ISO alpha-2). ``0086…`` is read as
    ``+86…``: 00 is the international prefix of most of the world, and no national
    number begins with it.
    """
    cleaned = _IDD_00.sub("+", nfkc(text))
    if not cleaned:
        raise FieldProblem("empty phone number")
    region = default_region.upper() if default_region else None
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException as exc:
        raise FieldProblem(_PARSE_REASONS.get(exc.error_type, "not a phone number")) from None
    if number.extension:
        raise FieldProblem("extensions are not accepted: give a direct number")
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible != ValidationResult.IS_POSSIBLE:
        raise FieldProblem(_POSSIBLE_REASONS.get(possible, "not a possible number"))
    # number_type is UNKNOWN exactly when is_valid_number is False; one call does both.
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        raise FieldProblem("not a number in use in its numbering plan")
    zones = phone_timezone.time_zones_for_number(number)
    return PhoneInfo(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        line_type=_LINE_TYPES.get(number_type, "unknown"),
        region=phonenumbers.region_code_for_number(number) or None,
        time_zones=tuple(z for z in zones if z != "Etc/Unknown"),
    )


# --------------------------------------------------------------------------- e-mail, names


def normalize_email(text: str) -> str:
    """The normalised address (domain lower-case); never asks DNS."""
    try:
        result = validate_email(nfkc(text), check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldProblem(str(exc)) from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_name(text: str) -> str:
    """A person's or company's name: NFKC, one space between words."""
    name = clean_text(text)
    if name is None:
        raise FieldProblem("empty name")
    return name


def name_key(text: str) -> str:
    """The form names are matched on: case-folded, without any whitespace."""
    return "".join(nfkc(text).casefold().split())


# --------------------------------------------------------------------------- identifiers

_CN_ID = re.compile(r"^\d{17}[\dX]$")
_SEPARATORS = re.compile(r"[\s\-]")


def clean_identifier(text: str) -> str:
    """An identifier without spaces or dashes, upper-case."""
    cleaned = _SEPARATORS.sub("", nfkc(text)).upper()
    if not cleaned:
        raise FieldProblem("empty identifier")
    return cleaned


def normalize_national_id(text: str, country: str | None) -> str:
    """A national identity number, validated where a rule exists.

    China (or an 18-character value of the Chinese shape when the country is unknown):
    the GB 11643-1999 check character; 15-digit first-generation numbers are upgraded to
    18. United States: a 9-digit SSN whose area is not 000, 666 or 900-999, group not 00
    and serial not 0000 (numbers the SSA never issues). Other countries: kept as written
    without spaces and dashes.
    """
    cleaned = clean_identifier(text)
    if country == "CN" or (country is None and _CN_ID.match(cleaned)):
        return _cn_resident_id(cleaned)
    if country == "US":
        return _us_ssn(cleaned)
    return cleaned


def _cn_resident_id(number: str) -> str:
    if len(number) == 15 and number.isdigit():
        # First-generation ids (before 1999) have a 2-digit year of the 1900s, no check digit.
        body = number[:6] + "19" + number[6:]
        try:
            date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
        except ValueError:
            raise FieldProblem("contains an impossible birth date") from None
        number = body + cn_id_check_digit(body)
    problem = cn_id_problem(number)
    if problem is not None:
        raise FieldProblem(f"not a valid China resident id: {problem}")
    return number


def _us_ssn(number: str) -> str:
    if len(number) != 9 or not number.isdigit():
        raise FieldProblem("a US SSN has 9 digits")
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        raise FieldProblem("not an SSN the SSA issues (area 000/666/9xx, group 00 or serial 0000)")
    return number


# --------------------------------------------------------------------------- small things

_MULTI = re.compile(r"[;|；｜\r\n]+")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "真"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "假"})


def split_multi(text: str | None) -> list[str]:
    """The parts of a several-values cell, separated by ``;`` ``|`` ``；`` ``｜`` or line breaks."""
    if text is None:
        return []
    return [part.strip() for part in _MULTI.split(text) if part.strip()]


def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0, 是/否."""
    cleaned = nfkc(text).casefold()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise FieldProblem("not a yes/no value")


def parse_int(text: str) -> int:
    """A whole number, optionally signed."""
    try:
        return int(nfkc(text))
    except ValueError:
        raise FieldProblem("not a whole number") from None
