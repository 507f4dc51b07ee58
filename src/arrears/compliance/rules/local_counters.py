"""State and Chinese counters: MA-01, WA-01, CN-FREQ-01 and CN-FREQ-02.

They reuse the rolling counter of :mod:`.frequency` (local calendar days, every
candidate zone, the strictest winning) with their own events and caps:

- MA-01 (209 CMR 18.16(1)(d)): collector-initiated calls *and texts* per debt,
  2 in 7 days to the residence or a cell phone, 2 in 30 days anywhere else.
  A contact to a line of unknown kind is checked against both counters.
- WA-01 (RCW 19.16.250(13), per the WA DFI summary): more than 3
  communications with the debtor or spouse in a week, or more than one a week at
  the workplace. DESIGN: rolling 7 days, every outbound attempt except letters
  counts (the statute text was not read; attempts are counted to stay safe).
- CN-FREQ-01 (CBA 2026): more than 6 unanswered attempts to the same number in
  a day; CN-FREQ-02 (NIFA 2024): 3 connected calls per debtor per day. Both
  delay to the next day's opening (08:00 Beijing time): a further dial that day
  would break the cap if it connected, so "block for the rest of the day" and
  "delay to tomorrow 08:00" are the same decision for a proposed contact.
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import stack
from arrears.compliance.frames import CONSUMER, Frames
from arrears.compliance.rulebooks import Cap, CNBook, MABook, WABook
from arrears.compliance.rules.frequency import (
    CALLS,
    OUT,
    TALK,
    Counter,
    connected,
    counter_findings,
    misdirected,
)

# The contact's own number: a cell phone or the home (209 CMR 18.16(1)(d)).
_HOME_OR_CELL = ((pl.col("to_line_type") == "mobile") | (pl.col("to_place") == "home")).fill_null(
    False
)
_EVENT_HOME_OR_CELL = pl.col("f_home_cell")
_TARGET = ["contact_id", "debt", "first_zone"]


def _ma_counter(cap: Cap, events: pl.Expr, where: str, where_zh: str) -> Counter:
    return Counter(
        "MA-01",
        cap.max,
        cap.window_days,
        events,
        f"{{n}} calls or texts about debt {{debt}} to {where} in the last {cap.window_days} "
        f"days (Massachusetts allows {cap.max}); the next may be made from {{until}}.",
        f"{cap.window_days} 日内已就债务 {{debt}} 向{where_zh}致电或发短信 {{n}} 次"
        f"（马萨诸塞州上限 {cap.max} 次）；最早可于 {{until}} 联系。",
    )


def massachusetts(frames: Frames, book: MABook, open_ns: int) -> pl.DataFrame:
    """MA-01: 209 CMR 18.16(1)(d), calls and texts per debt, per 7 or 30 days."""
    channels = pl.col("channel").is_in(["call", "voicemail", "sms"])
    phone = frames.contacts.filter(channels & pl.col("counterparty").is_in(CONSUMER))
    unknown = (pl.col("to_line_type") == "unknown").fill_null(True) & pl.col("to_place").is_null()
    home = phone.filter(_HOME_OR_CELL | unknown).select(_TARGET)
    other = phone.filter(~_HOME_OR_CELL | unknown).select(_TARGET)
    events = (CALLS | pl.col("f_sms")) & OUT & connected() & ~misdirected() & pl.col("same_debt")
    near = _ma_counter(
        book.calls_home_or_cell,
        events & _EVENT_HOME_OR_CELL,
        "the residence or cell phone",
        "住宅或手机",
    )
    far = _ma_counter(
        book.calls_elsewhere, events & ~_EVENT_HOME_OR_CELL, "other numbers", "其他号码"
    )
    return stack(
        [
            counter_findings(frames, home, near, open_ns),
            counter_findings(frames, other, far, open_ns),
        ]
    )


def _wa_counter(cap: Cap, events: pl.Expr, where: str, where_zh: str) -> Counter:
    return Counter(
        "WA-01",
        cap.max,
        cap.window_days,
        events,
        f"{{n}} contacts {where} in the last {cap.window_days} days (Washington allows "
        f"{cap.max} a week); the next may be made from {{until}}.",
        f"{cap.window_days} 日内已{where_zh}联系 {{n}} 次（华盛顿州每周上限 {cap.max} 次）；"
        "最早可于 {until} 联系。",
    )


def washington(frames: Frames, book: WABook, open_ns: int) -> pl.DataFrame:
    """WA-01: RCW 19.16.250(13), 3 communications a week, workplace once a week."""
    consumer = frames.contacts.filter(pl.col("counterparty").is_in(CONSUMER))
    weekly = consumer.filter(pl.col("channel") != "letter").select(_TARGET)
    work = consumer.filter(pl.col("to_place") == "work").select(_TARGET)
    attempts = OUT & ~pl.col("f_letter") & ~misdirected() & connected() & ~pl.col("f_bounced")
    at_work = OUT & pl.col("f_work")
    week = _wa_counter(book.contacts_per_week, attempts, "with the person", "与本人")
    job = _wa_counter(book.workplace_per_week, at_work, "at the workplace", "在工作单位")
    return stack(
        [
            counter_findings(frames, weekly, week, open_ns),
            counter_findings(frames, work, job, open_ns),
        ]
    )


def china(frames: Frames, book: CNBook, open_ns: int) -> pl.DataFrame:
    """CN-FREQ-01 (CBA 2026) and CN-FREQ-02 (NIFA 2024): daily call caps.

    A window of one local day counts today's events only.
    """
    calls = frames.contacts.filter(pl.col("medium") == "phone").select(_TARGET)
    tries, talks = book.unanswered_per_number_per_day, book.connected_per_debtor_per_day
    unanswered = Counter(
        "CN-FREQ-01",
        tries,
        1,
        CALLS & OUT & pl.col("same_to") & ~TALK,
        f"{{n}} unanswered attempts to this number today (the CBA guideline allows {tries}); "
        "the next may be made from {until}.",
        f"今日已拨打该号码 {{n}} 次未接通（上限 {tries} 次）；最早可于 {{until}} 再次拨打。",
    )
    connected_calls = Counter(
        "CN-FREQ-02",
        talks,
        1,
        CALLS & OUT & TALK,
        f"{{n}} connected collection calls with the debtor today, all agencies combined (at "
        f"most {talks}); no further dials until {{until}}.",
        f"今日已与债务人接通催收电话 {{n}} 次（含合作机构，上限 {talks} 次）；"
        "{until} 前不得再拨打。",
    )
    return stack(
        [
            counter_findings(frames, calls, unanswered, open_ns),
            counter_findings(frames, calls, connected_calls, open_ns),
        ]
    )
