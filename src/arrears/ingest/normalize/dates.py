"""Dates: the date a cell names, in every notation portfolio files use.

ISO (``2026-03-05``, with ``/`` or ``.`` too, and ISO datetimes, which give
their written local date), Chinese (``2026年3月5日``), compact (``20260305``),
slashed day/month forms (month first unless the mapping says day first; only
with a 4-digit year, since a 2-digit year is ambiguous), month names
(``5 Mar 2026``, ``March 5, 2026``) and Excel serial numbers, with Excel's
1900 leap-year bug accounted for. A mapping's own strptime format is tried
first. A date that does not exist is an error, never a correction.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from arrears.ingest.normalize.base import FieldProblem, nfkc

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
