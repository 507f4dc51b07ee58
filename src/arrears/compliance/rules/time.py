"""Time rules: permitted hours in every candidate zone, and the person's own designations.

Hours (US-TIME-01/02/02a, CN-TIME-01, UK-06, WA-01): a contact is permitted
only if its instant is inside the daily window in *every* candidate zone of the
person (cmt 6(b)(1)(i)-2). When it is not, the finding is a DELAY to the
earliest common instant; when the zones share no window at all, a BLOCK asking
for the location to be clarified (a DESIGN choice of the catalogue).

Designations (US-TIME-03, UK-06, HOUSE-TIME-01): times the person said are
inconvenient, as weekly local intervals with an optional end date. The contact
is delayed to the end of the interval; adjacent or overlapping intervals are
followed until a free instant is found.

Both apply to every channel: calls and voicemail, texts, e-mails and letters at
the time they are sent or dispatched (cmt 6(b)(1)(i)-1), visits and messages.
A consent to be called on a date (US-FREQ-03) lifts frequency counting only;
it does not make an inconvenient time convenient (cmt 14(b)(3)(i)-1).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from arrears.compliance.findings import by_jurisdiction, finding, stack
from arrears.compliance.frames import Frames, per_distinct
from arrears.compliance.model import Verdict
from arrears.compliance.zones import (
    NS_PER_DAY,
    Window,
    common_window_start,
    from_local,
    local_label,
    to_local,
    zone_columns,
)

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY_NAME = {i + 1: name for i, name in enumerate(WEEKDAYS)}
MAX_DESIGNATION_STEPS = 10
_ASSUMED = " No location is known, so every zone of the jurisdiction was assumed."
# What each rule reads of a contact: its findings are computed once per distinct combination
# (frames.per_distinct), since a plan proposes a few instants to a few sets of zones.
HOURS_INPUTS = ("now", "zones", "first_zone", "zones_known")
DESIGNATION_INPUTS = ("now", "zones", "first_zone", "jurisdictions", "inconvenient_times")


@dataclass(frozen=True, slots=True)
class HoursRule:
    """Which rule id reports an hours finding, by how much is known of the location."""

    single: str  # one known zone
    multi: str  # several known zones (or no common window: BLOCK)
    unknown: str  # no zone known: the conservative set was assumed
    label: str  # the window, for messages: "08:00-21:00"


def zones_with(frames: Frames, also_zones: tuple[str, ...]) -> pl.DataFrame:
    """(contact_id, zone, now) over the contact's zones plus the rulebook's own."""
    rows = frames.zoned.select("contact_id", "zone", "now")
    if not also_zones:
        return rows
    zones = pl.DataFrame({"zone": list(also_zones)}, schema={"zone": pl.Categorical()})
    extra = frames.contacts.select("contact_id", "now").join(zones, how="cross")
    return pl.concat([rows, extra.select(rows.columns)]).unique(["contact_id", "zone"])


def hours(
    frames: Frames, window: Window, also_zones: tuple[str, ...], ids: HoursRule
) -> pl.DataFrame:
    """Permitted hours in every candidate zone.

    FDCPA 15 U.S.C. 1692c(a)(1); 12 CFR 1006.6(b)(1)(i) and cmt 6(b)(1)(i)-2 (US);
    CBA 催收工作指引 (2026) / NIFA 贷后催收业务指引 (2024) (CN); CONC 7.9.4 R with
    MCOB 13.5.4 G (GB, DESIGN); RCW 19.16.250(13) (WA).
    """
    return per_distinct(frames, HOURS_INPUTS, lambda f: _hours(f, window, also_zones, ids))


def _hours(
    frames: Frames, window: Window, also_zones: tuple[str, ...], ids: HoursRule
) -> pl.DataFrame:
    start = common_window_start(zones_with(frames, also_zones), window)
    facts = frames.contacts.select(
        "contact_id", "now", "first_zone", "zones_known", pl.col("zones").list.len().alias("n")
    )
    found = start.join(facts, on="contact_id")
    later = found.filter(pl.col("start") > pl.col("now"))
    return stack([_no_window(found.filter(pl.col("start").is_null()), ids), _later(later, ids)])


def _no_window(rows: pl.DataFrame, ids: HoursRule) -> pl.DataFrame:
    """The candidate zones share no permitted instant: BLOCK (catalogue DESIGN)."""
    return finding(
        rows,
        ids.multi,
        Verdict.BLOCK,
        f"No instant is inside {ids.label} local time in every candidate zone of the "
        "person: the location needs clarification before any contact.",
        f"在该人所有可能时区内均无 {ids.label} 的共同时段：须先核实其所在地。",
    )


def _later(rows: pl.DataFrame, ids: HoursRule) -> pl.DataFrame:
    """DELAY to the earliest common instant, naming how much is known of the location."""
    rows = local_label(rows, "start", "first_zone", "label")
    known = pl.col("zones_known")
    rule_id = (
        pl.when(~known)
        .then(pl.lit(ids.unknown))
        .when(pl.col("n") > 1)
        .then(pl.lit(ids.multi))
        .otherwise(pl.lit(ids.single))
    )
    assumed = pl.when(known).then(pl.lit("")).otherwise(pl.lit(_ASSUMED))
    where = (
        pl.when(pl.col("n") > 1)
        .then(pl.lit(" in at least one of the person's candidate zones"))
        .otherwise(pl.lit(""))
    )
    message = (
        f"The proposed time is outside {ids.label} local time{{}}; the contact may be made "
        "from {}.{}"
    )
    message_zh = f"当前时间不在当地允许时段（{ids.label}）内；最早可于 {{}} 联系。"
    return finding(
        rows,
        rule_id,
        Verdict.DELAY,
        pl.format(message, where, pl.col("label"), assumed),
        pl.format(message_zh, pl.col("label")),
        until=pl.col("start"),
    )


def _designation_rows(frames: Frames, applicable: pl.DataFrame) -> pl.DataFrame:
    """One row per (contact, designation) with the interval in nanoseconds of the day."""
    rows = applicable.select("contact_id", "inconvenient_times").explode("inconvenient_times")
    rows = rows.filter(pl.col("inconvenient_times").is_not_null()).unnest("inconvenient_times")

    def ns(col: str) -> pl.Expr:
        parts = pl.col(col).str.split(":")
        hours = parts.list.get(0).cast(pl.Int64)
        minutes = parts.list.get(1).cast(pl.Int64)
        return (hours * 3600 + minutes * 60) * 10**9

    return rows.select(
        "contact_id",
        pl.col("days").fill_null([]).alias("d_days"),
        ns("from").alias("d_from"),
        ns("to").clip(upper_bound=NS_PER_DAY).alias("d_to"),
        pl.col("until").alias("d_until"),
    )


def _covered(zone: str) -> list[pl.Expr]:
    """Whether ``t`` falls in the designation (in ``zone``) and when that interval ends."""
    local = to_local(pl.col("t"), zone)
    tod = local.dt.time().cast(pl.Int64)
    day = local.dt.date()
    wd = local.dt.weekday()
    name = wd.replace_strict(_DAY_NAME, return_dtype=pl.String())
    prev_name = ((wd + 5) % 7 + 1).replace_strict(_DAY_NAME, return_dtype=pl.String())
    days = pl.col("d_days")

    def day_ok(weekday: pl.Expr, on: pl.Expr) -> pl.Expr:
        listed = (days.list.len() == 0) | days.list.contains(weekday)
        return listed & (pl.col("d_until").is_null() | (on <= pl.col("d_until")))

    plain = pl.col("d_from") < pl.col("d_to")
    today = day_ok(name, day) & (tod >= pl.col("d_from")) & (plain.not_() | (tod < pl.col("d_to")))
    tail = ~plain & day_ok(prev_name, day - pl.duration(days=1)) & (tod < pl.col("d_to"))
    end_day = pl.when(today & ~plain).then(day + pl.duration(days=1)).otherwise(day)
    end_wall = end_day.cast(pl.Datetime("us")) + pl.duration(microseconds=pl.col("d_to") // 1000)
    return [(today | tail).alias("covered"), from_local(end_wall, zone).alias("end")]


def designations(frames: Frames) -> pl.DataFrame:
    """The person's own inconvenient times (local, weekly, until a date).

    12 CFR 1006.6(b)(1)(i) and cmt 6(b)(1)-1 (US-TIME-03); CONC 7.9.4 R (UK-06);
    elsewhere an arrears house rule. A reply the person asked for is exempt once
    (cmt 6(b)(1)-2, US-TIME-05): purpose ``reply`` with ``reply_ok``.
    """
    pending = (pl.col("inconvenient_times").list.len() > 0) & ~pl.col("reply_ok")
    return per_distinct(frames, DESIGNATION_INPUTS, _designations, where=pending)


def _designations(frames: Frames) -> pl.DataFrame:
    c = frames.contacts
    pairs = frames.zoned.select("contact_id", "zone").join(
        _designation_rows(frames, c), on="contact_id"
    )
    moved, stuck = _follow(pairs, c.select("contact_id", "now", pl.col("now").alias("t")))
    facts = c.select("contact_id", "jurisdictions", "first_zone")
    moved = local_label(moved.join(facts, on="contact_id"), "t", "first_zone", "label")
    rule_id = by_jurisdiction([("US", "US-TIME-03"), ("GB", "UK-06")], "HOUSE-TIME-01")
    delay = finding(
        moved,
        rule_id,
        Verdict.DELAY,
        pl.format(_DESIGNATED, pl.col("label")),
        pl.format(_DESIGNATED_ZH, pl.col("label")),
        until=pl.col("t"),
    )
    block = finding(stuck.join(facts, on="contact_id"), rule_id, Verdict.BLOCK, *_ALWAYS)
    return stack([delay, block])


_DESIGNATED = "The person said this time is inconvenient for them; the contact may be made from {}."
_DESIGNATED_ZH = "本人表示此时间不便联系；最早可于 {} 联系。"
_ALWAYS = (
    "The person's inconvenient times leave no free time to contact them: ask them (when they "
    "next get in touch) when contact is convenient.",
    "本人声明的不便时间覆盖了所有时段：无法安排联系，须待其说明方便时间。",
)


def _follow(pairs: pl.DataFrame, state: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Move each ``t`` to the end of the designations covering it until none does."""
    moved: list[pl.DataFrame] = []
    for _ in range(MAX_DESIGNATION_STEPS):
        rows = pairs.join(state.select("contact_id", "t"), on="contact_id")
        hit = zone_columns(rows, "zone", _covered).filter("covered")
        if hit.is_empty():  # no designation covers any ``t``: every row is free now
            moved.append(state.filter(pl.col("t") > pl.col("now")).select("contact_id", "t"))
            state = state.clear()
            break
        ends = hit.group_by("contact_id").agg(pl.col("end").max())
        state = state.join(ends, on="contact_id", how="left")
        free = state.filter(pl.col("end").is_null() & (pl.col("t") > pl.col("now")))
        moved.append(free.select("contact_id", "t"))
        state = state.filter(pl.col("end").is_not_null()).with_columns(t=pl.col("end"))
        state = state.drop("end")
        if state.is_empty():
            break
    found = pl.concat(moved) if moved else state.select("contact_id", "t").clear()
    return found, state.select("contact_id")
