"""The US validation notice and the validation period.

- US-VAL-01 (15 U.S.C. 1692g(a); 12 CFR 1006.34(a)(1)): the validation
  information is given in the initial communication or within 5 days of it
  (DESIGN: calendar days, the stricter reading). Once an initial
  communication is on file and no notice was sent, every contact on that debt
  REQUIREs ``send_validation_notice``; a contact that would itself be the
  initial communication REQUIREs it too (in it, or within 5 days).
- US-VAL-03 (1006.34(b)(5)): the validation period ends 30 days after the
  consumer receives the notice or is assumed to, the assumed receipt being 5
  days after sending excluding Saturdays, Sundays and legal public holidays.
  :func:`with_validation_end` computes it per contact (the date the notice was
  sent is taken in the person's first candidate zone); the content checks use
  it against overshadowing (US-VAL-04).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from arrears.compliance.federal_holidays import holidays_between
from arrears.compliance.findings import finding, fmt, stack
from arrears.compliance.frames import CONSUMER, Frames
from arrears.compliance.model import Verdict
from arrears.compliance.rulebooks import Validation
from arrears.compliance.zones import local_label, to_local, zone_series


def with_validation_end(contacts: pl.DataFrame, book: Validation | None) -> pl.DataFrame:
    """Add ``validation_end`` (Date; null when no notice was sent or no US rulebook)."""
    sent = contacts.get_column("validation_sent_at").drop_nulls()
    if book is None or sent.is_empty():
        return contacts.with_columns(pl.lit(None, pl.Date()).alias("validation_end"))
    years = sent.dt.year().unique().to_list()
    holidays = holidays_between(range(min(years) - 1, max(years) + 2))

    def end(zone: str) -> pl.Expr:
        day = to_local(pl.col("validation_sent_at"), zone).dt.date()
        # "roll backward": a notice sent on a weekend or holiday counts from the day before,
        # so the first counted day is the next business day.
        receipt = day.dt.add_business_days(
            book.receipt_business_days, holidays=holidays, roll="backward"
        )
        return receipt + pl.duration(days=book.period_days)

    # Each contact's rows of its zone are computed and scattered back: no join of the
    # (wide) contacts frame.
    ends = zone_series(contacts, "first_zone", end, pl.Date())
    return contacts.with_columns(ends.alias("validation_end"))


def notice(frames: Frames, book: Validation) -> pl.DataFrame:
    """15 U.S.C. 1692g(a); 12 CFR 1006.34(a)(1) (US-VAL-01): send the validation notice."""
    rows = frames.contacts.filter(
        pl.col("jurisdictions").list.contains("US")
        & pl.col("counterparty").is_in(CONSUMER)
        & pl.col("purpose").is_in(["collection", "reply"])
        & pl.col("validation_sent_at").is_null()
    )
    had = pl.col("first_contact_at").is_not_null() & (pl.col("first_contact_at") < pl.col("now"))
    days = book.notice_within_days
    due = rows.filter(had).with_columns(
        (pl.col("first_contact_at") + timedelta(days=days)).alias("due")
    )
    due = local_label(due, "due", "first_zone", "label")
    values = {"debt": pl.col("debt"), "label": pl.col("label")}
    overdue = (
        fmt(f"No validation notice is on file for debt {{debt}}: it is due within {days} "
            "days of the initial communication, by {label}.", **values),
        fmt(f"债务 {{debt}} 尚无确认通知记录：须在首次沟通后 {days} 日内（{{label}} 前）"
            "发送。", **values),
    )  # fmt: skip
    initial = (
        f"This would be the initial communication: the validation information must be in it "
        f"or be sent within {days} days.",
        f"本次将是首次沟通：确认信息须包含在内或在 {days} 日内发送。",
    )
    action = ["send_validation_notice"]
    return stack(
        [
            finding(due, "US-VAL-01", Verdict.REQUIRE, *overdue, requires=action),
            finding(rows.filter(~had), "US-VAL-01", Verdict.REQUIRE, *initial, requires=action),
        ]
    )
