"""The dialler list: today's compliant calls, each with the window it may be made in.

Calls are not sent by the outbox: a dialler or a collector makes them. The
export lists the planned calls of a day (already judged by the compliance
engine and cut to capacity by the plan), best first, with the allowed window
in UTC and in the debtor's local time. The window is the jurisdiction's
calling hours intersected over every candidate time zone of the debtor (a
number whose zone is uncertain gets the narrower window, never a wider one),
starting no earlier than the plan's ``not_before``.

A click-to-call hook is a URL template configured per deployment, such as
``tel:{number}`` or a CTI endpoint ``http://cti.local/dial?to={number}``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from arrears.compliance.rulebooks import Rulebooks
from arrears.planner.contacts import DEFAULT_ZONE

COLUMNS = (
    "rank", "client", "account_ref", "debtor_name", "number", "language", "window_start_utc",
    "window_end_utc", "window_local", "priority", "script", "strategy", "step", "dial_url",
)  # fmt: skip
FALLBACK_HOURS = ("08:00", "21:00")  # when no rulebook names calling hours (US 1006.6(b)(1))


@dataclass(frozen=True)
class Window:
    start: datetime  # UTC
    end: datetime  # UTC
    zone: str

    def local(self) -> str:
        zone = ZoneInfo(self.zone)
        return f"{self.start.astimezone(zone):%H:%M}-{self.end.astimezone(zone):%H:%M} {self.zone}"


def hours_for(jurisdiction: str | None, rulebooks: Rulebooks) -> tuple[str, str]:
    """Open and close of calling hours: the state overlay's at-home hours, else the country's."""
    codes = [c for c in (jurisdiction or "", (jurisdiction or "").split("-")[0]) if c]
    for code in codes:
        book = rulebooks.get(code)
        params = getattr(book, "params", None) if book is not None else None
        hours = getattr(params, "hours_at_home", None) or getattr(params, "hours", None)
        if hours is not None:
            return str(hours.open), str(hours.close)
    return FALLBACK_HOURS


def call_window(
    day: date, zones: Iterable[str], hours: tuple[str, str], not_before: datetime | None
) -> Window | None:
    """The UTC window open in every zone on ``day``; None when the zones leave none."""
    zones = list(zones)
    start = end = None
    for zone in zones:
        tz = ZoneInfo(zone)
        open_at = datetime.combine(day, time.fromisoformat(hours[0]), tz)
        close_at = datetime.combine(day, time.fromisoformat(hours[1]), tz)
        start = open_at if start is None else max(start, open_at)
        end = close_at if end is None else min(end, close_at)
    if start is None or end is None:
        return None
    if not_before is not None:
        start = max(start, not_before)
    if start >= end:
        return None
    return Window(start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC")), zones[0])


def dial_url(template: str | None, number: str) -> str:
    return template.replace("{number}", quote(number, safe="+")) if template else ""


def dialler_rows(
    calls: Iterable[Mapping[str, Any]], day: date, rulebooks: Rulebooks, hook: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Export rows, best first, and how many calls had no window left today."""
    rows: list[dict[str, Any]] = []
    closed = 0
    for call in calls:
        country = (call.get("jurisdiction") or "").split("-")[0]
        zones = list(call.get("time_zones") or []) or [DEFAULT_ZONE.get(country, "UTC")]
        window = call_window(day, zones, hours_for(call.get("jurisdiction"), rulebooks),
                             call.get("not_before"))  # fmt: skip
        if window is None:
            closed += 1
            continue
        rows.append({
            "rank": len(rows) + 1, "client": call["client_code"],
            "account_ref": call["account_ref"], "debtor_name": call["debtor_name"],
            "number": call["contact_to"], "language": call.get("language") or "",
            "window_start_utc": window.start.isoformat(), "window_end_utc": window.end.isoformat(),
            "window_local": window.local(), "priority": round(float(call["priority"] or 0), 4),
            "script": call.get("template") or "", "strategy": call.get("strategy") or "",
            "step": call.get("step") or "", "dial_url": dial_url(hook, str(call["contact_to"])),
        })  # fmt: skip
    return rows, closed


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
