"""One implementation of each rule, as functions of frames.

Every rule takes :class:`~arrears.compliance.frames.Frames` (all the proposed
contacts at once, one row each) and returns findings rows; none loops over
contacts and none raises. :func:`run_rules` is the program: which rules run for
which rulebook, in the resolution order of the catalogue (§0.3): holds, media
and opt-outs, third parties and places, time, frequency, content. Every
applicable rule runs and every finding is kept; the engine decides.
"""

from __future__ import annotations

import polars as pl

from arrears.compliance.findings import finding, stack
from arrears.compliance.frames import Frames
from arrears.compliance.model import Verdict
from arrears.compliance.rulebooks import CNBook, GBBook, MABook, Rulebooks, USBook, WABook
from arrears.compliance.rules import (
    content_rules,
    disclosures,
    frequency,
    holds,
    local_counters,
    media,
    third_parties,
    time,
    validation,
)
from arrears.compliance.zones import time_ns

US_HOURS = time.HoursRule("US-TIME-01", "US-TIME-02", "US-TIME-02a", "08:00-21:00")


def _subset(frames: Frames, code: str) -> Frames | None:
    sub = frames.only(pl.col("jurisdictions").list.contains(code))
    return None if sub.contacts.is_empty() else sub


def jurisdictions(frames: Frames, books: Rulebooks) -> pl.DataFrame:
    """No contact goes unchecked: a jurisdiction without a rulebook (HOUSE-JUR-01).

    A state without an overlay still has the federal floor: REVIEW. Anything else
    unknown, or no jurisdiction at all: BLOCK.
    """
    codes = frames.contacts.select("contact_id", "jurisdictions").explode("jurisdictions")
    unknown = codes.filter(~pl.col("jurisdictions").is_in(list(books)))
    state = pl.col("jurisdictions").str.starts_with("US-") & pl.lit("US" in books)
    none = codes.filter(pl.col("jurisdictions").is_null())
    return stack(
        [
            finding(
                unknown.filter(state),
                "HOUSE-JUR-01",
                Verdict.REVIEW,
                pl.format(
                    "No rulebook for {}: only the federal rules were applied.",
                    pl.col("jurisdictions"),
                ),
                pl.format("缺少 {} 的州规则手册：仅适用了联邦规则。", pl.col("jurisdictions")),
            ),
            finding(
                unknown.filter(~state & pl.col("jurisdictions").is_not_null()),
                "HOUSE-JUR-01",
                Verdict.BLOCK,
                pl.format(
                    "No rulebook for {}: the contact cannot be checked.", pl.col("jurisdictions")
                ),
                pl.format("缺少 {} 的规则手册：无法审查该联系。", pl.col("jurisdictions")),
            ),
            finding(
                none,
                "HOUSE-JUR-01",
                Verdict.BLOCK,
                "The contact names no jurisdiction: it cannot be checked.",
                "该联系未指明适用法域：无法审查。",
            ),
        ]
    )


def _common(frames: Frames, books: Rulebooks, timed: bool) -> list[pl.DataFrame]:
    """Rules of every jurisdiction (their rule id depends on which applies)."""
    parts = [holds.holds(frames), media.opt_outs(frames), time.designations(frames)]
    if timed:
        return parts
    return [
        jurisdictions(frames, books),
        *parts,
        media.public_social(frames),
        media.places(frames),
        third_parties.third_parties(frames),
    ]


def _united_states(frames: Frames, book: USBook, timed: bool) -> list[pl.DataFrame]:
    open_ns = time_ns(book.hours.open)
    cap = book.reg_f.calls
    label = f"{book.hours.open}-{book.hours.close}"
    ids = time.HoursRule(US_HOURS.single, US_HOURS.multi, US_HOURS.unknown, label)
    parts = [
        time.hours(frames, book.hours.window, book.hours.also_zones, ids),
        frequency.reg_f_calls(
            frames, cap.max, cap.window_days, book.reg_f.after_conversation_days, open_ns
        ),
        frequency.bunching(frames, book.reg_f.bunching_minutes),
    ]
    if timed:
        return parts
    return [
        *parts,
        media.tcpa_consent(frames),
        media.employer_email(frames),
        disclosures.debt_collector(frames),
        disclosures.electronic(frames),
        disclosures.voicemail(frames),
        disclosures.time_barred(frames),
        validation.notice(frames, book.validation),
    ]


def _overlays(frames: Frames, books: Rulebooks, open_ns: int) -> list[pl.DataFrame]:
    parts = []
    ma = books.params("US-MA", MABook)
    sub = _subset(frames, "US-MA") if ma else None
    if ma and sub:
        parts.append(local_counters.massachusetts(sub, ma, open_ns))
    wa = books.params("US-WA", WABook)
    sub = _subset(frames, "US-WA") if wa else None
    if wa and sub:
        hours = wa.hours_at_home
        label = f"{hours.open}-{hours.close} (at home)"
        ids = time.HoursRule("WA-01", "WA-01", "WA-01", label)
        parts.append(time.hours(sub, hours.window, hours.also_zones, ids))
        parts.append(local_counters.washington(sub, wa, max(open_ns, time_ns(hours.open))))
    return parts


def _china_britain(frames: Frames, books: Rulebooks, timed: bool) -> list[pl.DataFrame]:
    parts = []
    cn = books.params("CN", CNBook)
    sub = _subset(frames, "CN") if cn else None
    if cn and sub:
        label = f"{cn.hours.open}-{cn.hours.close}"
        ids = time.HoursRule("CN-TIME-01", "CN-TIME-01", "CN-TIME-01", label)
        parts.append(time.hours(sub, cn.hours.window, cn.hours.also_zones, ids))
        parts.append(local_counters.china(sub, cn, time_ns(cn.hours.open)))
        if not timed:
            parts.append(disclosures.china_process(sub))
    gb = books.params("GB", GBBook)
    sub = _subset(frames, "GB") if gb else None
    if gb and sub:
        label = f"{gb.hours.open}-{gb.hours.close}"
        ids = time.HoursRule("UK-06", "UK-06", "UK-06", label)
        parts.append(time.hours(sub, gb.hours.window, gb.hours.also_zones, ids))
    return parts


def run_rules(frames: Frames, books: Rulebooks, *, timed: bool = False) -> pl.DataFrame:
    """Every applicable rule over ``frames``; all findings, unsorted.

    ``timed``: only the rules whose answer depends on the instant (hours, the
    person's designations, counters, holds and opt-outs that start at a time) —
    what the engine re-checks at a DELAY's release.
    """
    parts = _common(frames, books, timed)
    us = books.params("US", USBook)
    sub = _subset(frames, "US") if us else None
    if us and sub:
        parts += _united_states(sub, us, timed)
        parts += _overlays(sub, books, time_ns(us.hours.open))
    parts += _china_britain(frames, books, timed)
    found = stack(parts)
    if timed:
        return found
    text = content_rules.content(frames)
    # The content checker reports a missing disclosure itself, quoting the text: keep
    # its finding rather than a second one of the same rule.
    mine = found.filter(pl.col("verdict") == "BLOCK").join(
        text.select("contact_id", "rule").unique(), on=["contact_id", "rule"], how="anti"
    )
    return stack([text, found.filter(pl.col("verdict") != "BLOCK"), mine])
