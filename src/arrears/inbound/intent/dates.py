"""Dates named in a reply, resolved against the day the reply is read (``as_of``).

Forms understood (on the normalised reply), and what they resolve to:

relative day
    今天 明天 后天 大后天 昨天 前天; today, tomorrow, tmrw, 2moro, the day after
    tomorrow, yesterday: ``as_of`` plus or minus days.
in n days
    3天后 两天内 过两天 一周后; in 3 days, in a week: ``as_of`` plus n days.
weekday
    周五 星期五 礼拜天 周5; friday, fri, this friday: the next such day, today
    included.
next / last weekday
    下周五 下下周一 上周三; next friday, nxt fri, friday next week, last monday:
    that day of next (last) week; weeks start on Monday.
weekend
    周末 下周末; this weekend, next weekend: Saturday.
month end, start, middle; year end
    月底 月末 下个月底 月初 月中 年底; end of the month, eom, end of next month,
    start of next month, end of the week: the month's last day, the next
    month's 1st, the 15th, 31 December; the end of the week is Friday.
day of month
    15号 十五号 30日 下个月5号; the 3rd, on the 15th, 15th, on the first, the 3rd
    of next month: the next such day, today included, clamped to the month's
    last day ("31号" in November is the 30th).
month and day
    3月5日 三月五号; March 5, 5 March, Dec 15th: the next such day.
numeric
    12/15 (month first in en-US and zh-CN; day first in en-GB), 12/15/2026,
    2026-12-15, 2026/12/15, 2026年12月15日: as written; without a year, the
    next such day.

"Next Friday" is read like 下周五, the Friday of next week; "Friday" and "this
Friday" are the coming one. A day-of-month or month-day form already past
rolls forward ("15号" on the 20th is the 15th of next month) unless the caller
asks for the past (``direction="past"``, used for replies that report a
payment: "I paid on the 3rd" is the 3rd just gone). A numeric date impossible
in the locale's order but valid the other way ("15/12" in en-US) is read the
other way. When a reply names several dates, the first one wins.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from arrears.inbound.intent.calendar_words import (
    EN_MONTHS,
    EN_WEEKDAYS,
    ORDINAL_WORDS,
    RELATIVE_DAYS,
    WORD_COUNTS,
    ZH_WEEKDAYS,
)
from arrears.inbound.intent.numerals import CN_NUMERAL, parse_day_number

Direction = Literal["future", "past"]


@dataclass(frozen=True, slots=True)
class _Context:
    as_of: dt.date
    day_first: bool
    direction: Direction


Resolver = Callable[[re.Match[str], _Context], dt.date | None]

_DAY = rf"(?P<d>\d{{1,2}}|{CN_NUMERAL})"


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first ("tmrw" before "tmr")."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# --------------------------------------------------------------------------- calendar helpers


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, _last_day(year, month)))


def _monday(day: dt.date, weeks: int = 0) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=weeks)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --------------------------------------------------------------------------- resolvers


def _relative(match: re.Match[str], ctx: _Context) -> dt.date:
    return ctx.as_of + dt.timedelta(days=RELATIVE_DAYS[match.group("w")])


def _in_days(match: re.Match[str], ctx: _Context) -> dt.date | None:
    raw = match.group("n")
    count = WORD_COUNTS.get(raw) or parse_day_number(raw)
    if not count:
        return None
    weeks = bool(match.group("unit")) and match.group("unit")[0] in "w周星礼"
    return ctx.as_of + dt.timedelta(days=count * (7 if weeks else 1))


def _weekday_offset(prefix: str | None) -> int | None:
    """Weeks from this one a prefix names; None for "the coming one"."""
    if not prefix:
        return None
    prefix = prefix.strip()
    if prefix.startswith("下下"):
        return 2
    if prefix.startswith(("下", "next", "nxt", "the following")) or prefix == "week":
        return 1
    if prefix.startswith(("上", "last")):
        return -1
    return None  # this, this coming, coming, 这, 本


def _on_weekday(weekday: int, prefix: str | None, ctx: _Context) -> dt.date:
    weeks = _weekday_offset(prefix)
    if weeks is not None:
        return _monday(ctx.as_of, weeks) + dt.timedelta(days=weekday)
    ahead = (weekday - ctx.as_of.weekday()) % 7
    if ctx.direction == "past":
        return ctx.as_of - dt.timedelta(days=(ctx.as_of.weekday() - weekday) % 7)
    return ctx.as_of + dt.timedelta(days=ahead)


def _zh_weekday(match: re.Match[str], ctx: _Context) -> dt.date:
    return _on_weekday(ZH_WEEKDAYS[match.group("wd")], match.group("pre"), ctx)


def _en_weekday(match: re.Match[str], ctx: _Context) -> dt.date:
    prefix = match.group("pre") or (match.group("post") or "").replace("next week", "next")
    return _on_weekday(EN_WEEKDAYS[match.group("wd")], prefix or None, ctx)


def _weekend(match: re.Match[str], ctx: _Context) -> dt.date:
    return _on_weekday(5, match.group("pre"), ctx)


def _week_end(match: re.Match[str], ctx: _Context) -> dt.date:
    """ "end of the week": Friday, the end of the working week."""
    return _on_weekday(4, match.group("pre"), ctx)


def _month_end(match: re.Match[str], ctx: _Context) -> dt.date:
    year, month = _add_months(ctx.as_of, 1 if _is_next(match.group("pre")) else 0)
    return dt.date(year, month, _last_day(year, month))


def _month_start(match: re.Match[str], ctx: _Context) -> dt.date:
    """月初 / start of the month: said in a month already begun, it is the next one's 1st."""
    year, month = _add_months(ctx.as_of, 1)
    return dt.date(year, month, 1)


def _mid_month(match: re.Match[str], ctx: _Context) -> dt.date:
    return _roll(ctx, lambda months: _clamped(*_add_months(ctx.as_of, months), 15))


def _year_end(match: re.Match[str], ctx: _Context) -> dt.date:
    return dt.date(ctx.as_of.year, 12, 31)


def _is_next(prefix: str | None) -> bool:
    return prefix is not None and prefix.strip().startswith(("下", "next", "the next", "following"))


def _day_of_month(match: re.Match[str], ctx: _Context) -> dt.date | None:
    day = _day_value(match)
    if day is None or not 1 <= day <= 31:
        return None
    groups = match.re.groupindex
    if "next" in groups and match.group("next"):
        return _clamped(*_add_months(ctx.as_of, 1), day)
    if "this" in groups and match.group("this"):
        return _clamped(ctx.as_of.year, ctx.as_of.month, day)
    return _roll(ctx, lambda months: _clamped(*_add_months(ctx.as_of, months), day))


def _day_value(match: re.Match[str]) -> int | None:
    if "ow" in match.re.groupindex and match.group("ow"):
        return ORDINAL_WORDS[match.group("ow")]
    return parse_day_number(match.group("d"))


def _roll(ctx: _Context, candidate: Callable[[int], dt.date]) -> dt.date:
    """This month's candidate, or next (last) month's when it is past (future).

    ``candidate(n)`` is the day in the month ``n`` months from ``as_of``'s.
    """
    this = candidate(0)
    if ctx.direction == "future" and this < ctx.as_of:
        return candidate(1)
    if ctx.direction == "past" and this > ctx.as_of:
        return candidate(-1)
    return this


def _month_day(
    month: int | None, day: int | None, year: int | None, ctx: _Context
) -> dt.date | None:
    if month is None or day is None or not 1 <= month <= 12:
        return None
    if year is not None:
        return _safe_date(year + 2000 if year < 100 else year, month, day)
    if _safe_date(2000, month, day) is None:  # 2000 is a leap year: 2月29日 stays possible
        return None
    for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4):  # the nearest year where the day exists
        this = _safe_date(ctx.as_of.year + offset, month, day)
        if this is None:
            continue
        if ctx.direction == "future" and this >= ctx.as_of:
            return this
        if ctx.direction == "past" and this <= ctx.as_of:
            return this
    return None


def _zh_month_day(match: re.Match[str], ctx: _Context) -> dt.date | None:
    year = int(match.group("y")) if match.group("y") else None
    return _month_day(
        parse_day_number(match.group("m")), parse_day_number(match.group("d")), year, ctx
    )


def _en_month_day(match: re.Match[str], ctx: _Context) -> dt.date | None:
    year = int(match.group("y")) if match.group("y") else None
    day = _day_value(match)
    return _month_day(EN_MONTHS[match.group("mon")], day, year, ctx)


def _iso(match: re.Match[str], ctx: _Context) -> dt.date | None:
    return _safe_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))


def _numeric(match: re.Match[str], ctx: _Context) -> dt.date | None:
    first, second = int(match.group("a")), int(match.group("b"))
    year = int(match.group("y")) if match.group("y") else None
    month, day = (second, first) if ctx.day_first else (first, second)
    found = _month_day(month, day, year, ctx)
    if found is None and 1 <= day <= 12 < month:
        found = _month_day(day, month, year, ctx)  # "15/12" in a month-first locale
    return found


def _in_days_zh(match: re.Match[str], ctx: _Context) -> dt.date | None:
    raw = match.group("n") or match.group("n2")
    unit = match.group("unit") or match.group("unit2")
    count = parse_day_number(raw) if raw else None
    if not count:
        return None
    return ctx.as_of + dt.timedelta(days=count * (1 if unit == "天" else 7))


# --------------------------------------------------------------------------- the forms

_EN_WD = _alternation(EN_WEEKDAYS)
_EN_MON = _alternation(EN_MONTHS)
_ORD = _alternation(ORDINAL_WORDS)
_NOT_WORD = r"(?![a-z'])"
# "the 3rd time you've called" counts, it is not a date.
_NOT_A_COUNT = (
    r"(?!\s(?:time|call|text|message|letter|reminder|payment|instal\w*|attempt|week|month|year)s?"
    r"(?![a-z]))"
)
_OF_MONTH = r"(?:\sof\s(?:(?P<next>next|the next|the following)|the|this)\smonth)?"
_FORMS: tuple[tuple[re.Pattern[str], Resolver], ...] = tuple(
    (re.compile(pattern), resolver)
    for pattern, resolver in (
        (r"(?<!\d)(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})(?:日|号)?(?!\d)", _iso),
        (
            rf"(?:(?P<y>\d{{4}})年)?(?P<m>\d{{1,2}}|{CN_NUMERAL})月份?{_DAY}(?:日|号)?(?!\d)",
            _zh_month_day,
        ),
        (r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<y>\d{2}|\d{4}))?(?![\d/])", _numeric),
        (
            rf"(?<![a-z])(?P<mon>{_EN_MON})\.?\s(?:the\s)?(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"|(?P<ow>{_ORD})){_NOT_WORD}(?:,?\s(?P<y>\d{{4}}))?(?![\d:])",
            _en_month_day,
        ),
        (
            rf"(?<![a-z\d])(?:the\s)?(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th)?|(?P<ow>{_ORD}))\s"
            rf"(?:of\s)?(?P<mon>{_EN_MON}){_NOT_WORD}(?:,?\s(?P<y>\d{{4}}))?",
            _en_month_day,
        ),
        (
            rf"(?:(?P<this>这个?月|本月|this month\s)|(?P<next>下个?月的?|next month\s)"
            rf"|(?<![\d月])){_DAY}(?:号|日)(?!线|楼|码|元)",
            _day_of_month,
        ),
        (
            rf"(?<![a-z\d])(?:(?:on|by|before|until|till|from|for)\s)?(?:the\s)?"
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)(?![a-z]){_NOT_A_COUNT}{_OF_MONTH}",
            _day_of_month,
        ),
        (
            rf"(?<![a-z])(?:on|by|before|until|till|from)\s(?:the\s)?(?P<ow>{_ORD})(?![a-z-])"
            rf"{_NOT_A_COUNT}{_OF_MONTH}",
            _day_of_month,
        ),
        (
            rf"(?<![a-z])the\s(?P<ow>{_ORD})\sof\s"
            r"(?:(?P<next>next|the next|the following)|the|this)\smonth",
            _day_of_month,
        ),
        (r"(?<![a-z])(?:on|by|before|until|till)\sthe\s(?P<d>\d{1,2})(?![\d:a-z%])", _day_of_month),
        (rf"(?<![a-z\d'以之])(?P<w>{_alternation(RELATIVE_DAYS)})(?![a-z])", _relative),
        (
            rf"(?:(?P<n>\d{{1,2}}|{CN_NUMERAL})(?P<unit>个?(?:星期|礼拜|周)|天)(?:后|以后|之后|内|之内)"
            rf"|过(?P<n2>\d{{1,2}}|[两一二三四五])(?P<unit2>天))",
            _in_days_zh,
        ),
        (
            r"(?<![a-z])in\s(?P<n>\d{1,2}|a couple of|a|one|two|three|four|five)\s"
            r"(?P<unit>days?|weeks?)(?![a-z])",
            _in_days,
        ),
        (
            r"(?P<pre>下下|下个?|这个?|本|上个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])",
            _zh_weekday,
        ),
        (
            rf"(?<![a-z'])(?:(?P<pre>next|nxt|this coming|this|coming|last|the following)\s)?"
            rf"(?P<wd>{_EN_WD}){_NOT_WORD}(?P<post>\snext week|\sthis week)?",
            _en_weekday,
        ),
        (r"(?P<pre>下下|下个?|这个?|本)?周末", _weekend),
        (r"(?<![a-z])(?:(?P<pre>next|this|the)\s)?weekend(?![a-z])", _weekend),
        (r"(?<![a-z])end\sof\s(?:(?P<pre>the\snext|next|the|this)\s)?week(?![a-z])", _week_end),
        (r"(?P<pre>下个?|这个?|本)?月(?:底|末)", _month_end),
        (
            r"(?<![a-z])(?:(?:the\s)?end\sof\s(?:(?P<pre>the\snext|next|the|this)\s)?month"
            r"|eom|month[-\s]end)(?![a-z])",
            _month_end,
        ),
        (r"(?:下个?|这个?|本)?月初", _month_start),
        (
            r"(?<![a-z])(?:beginning|start)\sof\s(?:the\s)?(?:next\s)?month(?![a-z])",
            _month_start,
        ),
        (r"(?:这个?|本)?月中", _mid_month),
        (r"年底|年末|(?<![a-z])end\sof\s(?:the|this)\syear(?![a-z])", _year_end),
    )
)


def find_date(
    text: str, as_of: dt.date, *, day_first: bool = False, direction: Direction = "future"
) -> dt.date | None:
    """The first date a normalised reply names, resolved against ``as_of``, or None."""
    ctx = _Context(as_of, day_first, direction)
    found: list[tuple[int, int, int, dt.date]] = []
    for order, (pattern, resolver) in enumerate(_FORMS):
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            resolved = resolver(match, ctx)
            if resolved is not None:
                found.append((match.start(), -(match.end() - match.start()), order, resolved))
    return min(found)[3] if found else None
