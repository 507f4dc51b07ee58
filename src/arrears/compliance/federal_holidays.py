"""US legal public holidays (5 U.S.C. 6103(a)), for business-day counts.

Reg F counts the assumed receipt of a validation notice as 5 days after it is
sent "excluding legal public holidays identified in 5 U.S.C. 6103(a),
Saturdays, and Sundays" (12 CFR 1006.34(b)(5)). Both the holiday itself and
the day it is observed on (Friday for a Saturday holiday, Monday for a Sunday
one) are excluded: a later receipt date gives the consumer a longer validation
period, which is the protective reading (DESIGN). Inauguration Day (DC only)
is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (0 = Monday) of a month; ``n = -1`` for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@cache
def holidays(year: int) -> tuple[date, ...]:
    """The legal public holidays of ``year`` and the days they are observed on."""
    fixed = [
        date(year, 1, 1),
        date(year, 6, 19),
        date(year, 7, 4),
        date(year, 11, 11),
        date(year, 12, 25),
    ]
    moving = [
        _nth_weekday(year, 1, 0, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    ]
    observed = []
    for day in fixed:
        if day.weekday() == 5:
            observed.append(day - timedelta(days=1))
        elif day.weekday() == 6:
            observed.append(day + timedelta(days=1))
    return tuple(sorted(set(fixed + moving + observed)))


def holidays_between(years: Iterable[int]) -> list[date]:
    return sorted({day for year in years for day in holidays(year)})
