"""Contact points: phone numbers and e-mail addresses, and cells holding several.

Decisions worth knowing:

* Phone extensions are refused, not dropped: a number with an extension is a
  switchboard (often an employer's), and storing it as if it were a direct line
  would let the dialler reach a place the debtor did not give us.
* ``FIXED_LINE_OR_MOBILE`` numbers (all of North America, part of China) get the
  line type ``unknown``, never ``mobile`` or ``landline``: the TCPA restricts
  automated calls and texts to mobiles, so guessing "landline" would be unlawful
  and guessing "mobile" would hide that the type is unproven.
* Several phones or e-mails in one cell are separated by ``;``, ``|`` (or their
  full-width forms) or line breaks; never by commas, which addresses contain.

E-mail addresses are checked for syntax only; DNS is never asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult
from phonenumbers import timezone as phone_timezone

from arrears.ingest.normalize.base import FieldProblem, nfkc


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
    found = _phone(text, default_region)
    if isinstance(found, str):
        raise FieldProblem(found)
    return found


# A file repeats numbers (a debtor's several accounts, a switchboard): each distinct
# number is read once. Reading one is most of the cost of validating a row.
@lru_cache(maxsize=1 << 16)
def _phone(text: str, default_region: str | None) -> PhoneInfo | str:
    """The number, or the reason it is not one."""
    try:
        return _read_phone(text, default_region)
    except FieldProblem as exc:
        return exc.reason


def _read_phone(text: str, default_region: str | None) -> PhoneInfo:
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
    code = number.country_code or 0  # a parsed number always has one
    if phonenumbers.is_number_type_geographical(number_type, code):
        # time_zones_for_number would work out the number type a second time.
        zones = phone_timezone.time_zones_for_geographical_number(number)
    else:
        zones = phone_timezone.time_zones_for_number(number)
    return PhoneInfo(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        line_type=_LINE_TYPES.get(number_type, "unknown"),
        region=phonenumbers.region_code_for_number(number) or None,
        time_zones=tuple(z for z in zones if z != "Etc/Unknown"),
    )


def normalize_email(text: str) -> str:
    """The normalised address (domain lower-case); never asks DNS."""
    cleaned = nfkc(text)
    # Most addresses are plain ASCII: their local part is valid and normalised as it is
    # written, and only the domain needs email-validator's rules, asked once per domain.
    # Anything else (quotes, non-ASCII, special mailbox names, too long, a domain the
    # rules refuse) is read by email-validator whole, for its exact reason.
    simple = _SIMPLE_EMAIL.fullmatch(cleaned)
    if simple is not None and len(cleaned) <= _MAX_SIMPLE_EMAIL:
        local, domain = simple.group("local", "domain")
        normalized = _email_domain(domain)
        if normalized is not None and local.lower() not in CASE_INSENSITIVE_MAILBOX_NAMES:
            return f"{local}@{normalized}"
    return _full_email(cleaned)


def _full_email(cleaned: str) -> str:
    try:
        result = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldProblem(str(exc)) from None
    local, _, domain = result.normalized.rpartition("@")
    return f"{local}@{domain.lower()}"


# A dot-atom local part of the most common characters (a subset of what RFC 5322 and
# email-validator accept) and an ASCII domain of dotted labels.
_SIMPLE_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_MAX_SIMPLE_EMAIL = 254  # email-validator's limit on a whole ASCII address


@lru_cache(maxsize=1 << 12)
def _email_domain(domain: str) -> str | None:
    """The normalised domain (lower-case) when email-validator accepts it; None otherwise."""
    try:
        return _full_email(f"x@{domain}").rpartition("@")[2]
    except FieldProblem:
        return None


_MULTI = re.compile(r"[;|；｜\r\n]+")


def split_multi(text: str | None) -> list[str]:
    """The parts of a several-values cell, separated by ``;`` ``|`` ``；`` ``｜`` or line breaks."""
    if text is None:
        return []
    if _MULTI.search(text) is None:  # most cells hold one value: no split, one strip
        single = text.strip()
        return [single] if single else []
    return [part.strip() for part in _MULTI.split(text) if part.strip()]
