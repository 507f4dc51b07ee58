"""When a scheduled report is sent: slots at a local time in a time zone, DST-safe.

A :class:`Cadence` is daily, weekly on a weekday (0 Monday … 6 Sunday) or
monthly on a day of the month (a month shorter than that day uses its last
day), at a local time in an IANA zone. ``next_slot`` gives the first slot
strictly after an instant, in UTC, so the stored ``next_run_at`` of a schedule
can be compared with the clock. Local times are converted with ``zoneinfo``:
a time the clocks skip (a spring-forward gap) is sent at the same wall-clock
offset after the change (PEP 495 ``fold=0``), a time they repeat is sent once.

The period a run reports on ends the day before the slot's local date (the
last whole day, which the nightly refresh has written) and lasts ``days``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from arrears.errors import InvalidInput

CADENCES = ("daily", "weekly", "monthly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Cadence:
    kind: str
    at: time
    zone: str
    weekday: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in CADENCES:
            raise InvalidInput(f"cadence must be one of {', '.join(CADENCES)}, not '{self.kind}'")
        if (self.kind == "weekly") != (self.weekday is not None):
            raise InvalidInput("a weekly schedule needs --weekday (mon … sun), and only it")
        if (self.kind == "monthly") != (self.day is not None):
            raise InvalidInput("a monthly schedule needs --day (1-31), and only it")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise InvalidInput(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.day is not None and not 1 <= self.day <= 31:
            raise InvalidInput(f"day of the month must be 1 to 31, not {self.day}")
        self.tz()  # an unknown zone is refused here, not at the first run

    def tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"unknown time zone '{self.zone}'") from None

    def matches(self, day: date) -> bool:
        if self.kind == "weekly":
            return day.weekday() == self.weekday
        if self.kind == "monthly":
            assert self.day is not None
            last = calendar.monthrange(day.year, day.month)[1]
            return day.day == min(self.day, last)
        return True

    def describe(self) -> str:
        """E.g. ``weekly mon 07:30 Asia/Shanghai``."""
        when = {"weekly": f" {WEEKDAYS[self.weekday or 0]}", "monthly": f" day {self.day}"}
        return f"{self.kind}{when.get(self.kind, '')} {self.at:%H:%M} {self.zone}"


def parse_time(text: str) -> time:
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"time must be HH:MM like 07:30, not '{text}'") from None
    return parsed.replace(second=0, microsecond=0)


def parse_weekday(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    if text.isdigit():
        return int(text)
    name = text.strip().lower()[:3]
    if name not in WEEKDAYS:
        raise InvalidInput(f"weekday must be one of {', '.join(WEEKDAYS)}, not '{text}'")
    return WEEKDAYS.index(name)


def next_slot(cadence: Cadence, after: datetime) -> datetime:
    """The first slot strictly after ``after`` (an aware instant), in UTC."""
    tz = cadence.tz()
    first = after.astimezone(tz).date() - timedelta(days=1)
    for offset in range(64):  # a monthly slot is at most 62 days away
        day = first + timedelta(days=offset)
        if not cadence.matches(day):
            continue
        slot = datetime.combine(day, cadence.at, tzinfo=tz).astimezone(UTC)
        if slot > after:
            return slot
    raise AssertionError("no slot within 64 days")  # unreachable for a valid cadence


def period_end(cadence: Cadence, slot: datetime) -> date:
    """The last day a run at ``slot`` reports on: the day before the slot's local date."""
    return slot.astimezone(cadence.tz()).date() - timedelta(days=1)
