"""Amounts and dates as a reader of each locale writes them.

The minimal ``money`` and ``date`` of letter templates, until the template
engine of :mod:`arrears.templates` provides its own (the letter channel calls
them only through :func:`~.templating.render_body` and the layout).

    >>> format_date(date(2026, 4, 8), "zh-CN"), format_date(date(2026, 4, 8), "en-GB")
    ('2026年4月8日', '8 April 2026')
"""

from __future__ import annotations

import decimal
from datetime import date, datetime
from decimal import Decimal

from arrears.core.money import Money
from arrears.errors import InvalidInput

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def as_date(value: object) -> date:
    """A date from a date, a datetime or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise InvalidInput(f"{value!r} is not a date")


def format_date(value: object, locale: str) -> str:
    """``2026年4月8日`` (zh), ``April 8, 2026`` (en-US), ``8 April 2026`` (en-GB)."""
    day = as_date(value)
    if locale.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    month = _MONTHS[day.month - 1]
    if locale.replace("_", "-") == "en-US":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def format_money(value: object, locale: str, currency: str | None = None) -> str:
    """An amount in ``locale``: a :class:`Money`, or a number in major units of ``currency``.

    A string that is not a number is taken as already formatted and returned
    as it is. Floats are refused (money is never a float).
    """
    if isinstance(value, Money):
        return value.format(locale)
    if isinstance(value, bool | float):
        raise InvalidInput(f"an amount must not be a {type(value).__name__}: {value!r}")
    if isinstance(value, int | Decimal | str):
        if isinstance(value, str):
            try:
                Decimal(value.strip().replace(",", ""))
            except decimal.InvalidOperation:
                return value
            value = value.strip().replace(",", "")
        if not currency:
            raise InvalidInput(f"the amount {value} has no currency")
        return Money.of_major(value, currency).format(locale)
    raise InvalidInput(f"{value!r} is not an amount")
