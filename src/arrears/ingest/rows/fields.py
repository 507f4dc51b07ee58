"""Reading the fields of one row, collecting every problem instead of stopping.

``_Fields`` holds a row's canonical values; ``_Fields.read`` parses one with a
field parser and records a :class:`.model.Rejection` for a bad or missing
required value, so a person sees every problem of a row at once. The parsers
here (``_text``, ``_dates``, ``_amounts``) wrap those of ``normalize`` with the
checks every kind of row applies: dates within :data:`EARLIEST`..:data:`LATEST`,
amounts never negative.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import TypeVar

from arrears.core import currency as currencies
from arrears.ingest.mapping import Formats
from arrears.ingest.normalize import FieldProblem, clean_text, parse_amount, parse_date
from arrears.ingest.rows.model import Rejection

T = TypeVar("T")
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)  # a sane range for every date


class _Fields:
    """The canonical values of one row, read with parsers that collect problems."""

    __slots__ = ("canonical", "number", "problems")

    def __init__(self, number: int, canonical: dict[str, str | None]) -> None:
        self.number = number
        self.canonical = canonical
        self.problems: list[Rejection] = []

    def raw(self, field: str) -> str | None:
        value = self.canonical.get(field)
        return value if value is not None and value.strip() else None

    def reject(self, field: str, value: str | None, reason: str) -> None:
        self.problems.append(Rejection(self.number, field, value, reason))

    def read(self, field: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The parsed value; None (and a rejection) when bad, None when absent."""
        value = self.raw(field)
        if value is None:
            if required:
                self.reject(field, None, "required value is missing")
            return None
        try:
            return parse(value)
        except FieldProblem as exc:
            self.reject(field, value, exc.reason)
            return None


def _present(value: T | None) -> T:
    # Only called once a row has no problems, when every required value was read.
    if value is None:
        raise AssertionError("a required value is missing from a row without problems")
    return value


def _text(value: str) -> str:
    cleaned = clean_text(value)
    if cleaned is None:
        raise FieldProblem("empty value")
    return cleaned


@lru_cache(maxsize=16)
def _plain_amount(decimal: str, places: int) -> re.Pattern[str]:
    """ASCII digits, and when the currency has decimals, the separator and up to that many."""
    fraction = f"(?:{re.escape(decimal)}(?P<fraction>[0-9]{{1,{places}}}))?" if places else ""
    return re.compile(f"(?P<whole>[0-9]{{1,15}}){fraction}")


def _dates(formats: Formats) -> Callable[[str], date]:
    def parse(text: str) -> date:
        found = _read_date(text, formats.day_first, formats.date_format)
        if isinstance(found, str):
            raise FieldProblem(found)
        return found

    return parse


@lru_cache(maxsize=1 << 14)
def _read_date(text: str, day_first: bool, date_format: str | None) -> date | str:
    """A date in range, or the reason it is not one; remembered per text, because a
    portfolio has a few thousand distinct dates in a million rows."""
    try:
        found = parse_date(text, day_first=day_first, date_format=date_format)
    except FieldProblem as exc:
        return exc.reason
    if not EARLIEST <= found <= LATEST:
        return f"{found.isoformat()} is outside {EARLIEST.year}..{LATEST.year}"
    return found


def _amounts(currency: str, formats: Formats, *, positive: bool = False) -> Callable[[str], int]:
    places = currencies.exponent(currency)
    plain = _plain_amount(formats.decimal, places)

    def parse(text: str) -> int:
        # Most amounts are plain digits with at most the currency's decimals; those read
        # the same as parse_amount reads them, without its notation checks.
        match = plain.fullmatch(text)
        if match is not None:
            fraction = (match["fraction"] or "") if places else ""
            minor = int(match["whole"] + fraction.ljust(places, "0"))
        else:
            minor = parse_amount(text, currency, decimal=formats.decimal)
        if positive and minor <= 0:
            raise FieldProblem("must be positive (a reversal is a row of kind 'reversal')")
        if minor < 0:
            raise FieldProblem("must not be negative")
        return minor

    return parse
