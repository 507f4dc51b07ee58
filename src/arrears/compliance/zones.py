"""Local time in IANA zones, vectorised one zone at a time.

Every time-based rule is stated in the consumer's local time (Reg F 12 CFR
1006.6(b)(1)(i): "before 8:00 a.m. and after 9:00 p.m. local time at the
consumer's location"; the CBA guideline's 22:00-08:00 ban in Beijing time).
Local time is computed with IANA zones at the instant in question, so daylight
saving changes are handled by the zone database, never by fixed offsets.

A Polars datetime column carries one zone, so frames that mix zones are
processed per distinct zone (:func:`per_zone`): there are few zones and each
group is vectorised. Results are then aggregated back per contact with the most
protective value: a contact is inside a window only if it is inside in *every*
candidate zone (cmt 6(b)(1)(i)-2), and the earliest common instant is found by
:func:`common_window_start`.

Frames of at most :data:`SMALL` rows (one account's numbers, judged for the
collector's 360 view) are not split by zone: each column picks its zone's
expression in one pass (:func:`zone_columns`), since for a few rows the fixed
cost of each Polars query, not the rows, is what counts. The expressions are the
same; a test judges accounts alone and in a batch and compares.

Instants are ``Datetime("us", "UTC")``; local wall-clock values are naive
``Datetime("us")``; times of day are nanoseconds since midnight (``Int64``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from arrears.compliance.model import UTC_TIME

NS_PER_DAY = 86_400 * 10**9
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FAST_SPAN = 400 * 86_400 * 10**6  # beyond ~a year of instants, convert row by row
# How far ahead a common window is searched: windows repeat daily, so two days show
# whether the candidate zones share any instant at all (DST weeks included).
HORIZON = timedelta(hours=50)
# The iteration t -> max over zones of next_open(t) is monotone and only lands on window
# openings; with seven zones it settles in a handful of steps when a common window exists.
MAX_STEPS = 16
# Frames of at most this many rows take the one-pass paths: the fixed cost of each Polars
# operation, not the rows, is what a single account's judgement (the 360 view) pays for.
SMALL = 64


def time_ns(value: time | str) -> int:
    """``"07:30"``/``time(7, 30)`` -> nanoseconds since midnight; ``"24:00"`` is the day's end."""
    if isinstance(value, str):
        hours, minutes = value.split(":")
        return (int(hours) * 3600 + int(minutes) * 60) * 10**9
    return (value.hour * 3600 + value.minute * 60 + value.second) * 10**9


def per_zone(
    frame: pl.DataFrame, zone_col: str, fn: Callable[[pl.DataFrame, str], pl.DataFrame]
) -> pl.DataFrame:
    """Apply ``fn(group, zone)`` to each group of rows sharing a zone and stack the results."""
    if frame.is_empty():
        return fn(frame, "UTC")  # the same columns, no rows
    zones = frame.get_column(zone_col)
    if len(_distinct(zones)) == 1:  # one account's rows: no partitioning, no concatenation
        return fn(frame, str(zones[0]))
    parts = frame.partition_by(zone_col, as_dict=True)
    return pl.concat([fn(part, str(key[0])) for key, part in parts.items()], how="vertical")


def _distinct(values: pl.Series) -> list[Any]:
    """The distinct values; a few are read in Python, which costs less than a Polars call."""
    if values.len() <= SMALL:
        return list(dict.fromkeys(values.to_list()))
    return values.unique().to_list()


def zone_columns(
    frame: pl.DataFrame, zone_col: str, build: Callable[[str], list[pl.Expr]]
) -> pl.DataFrame:
    """Add the columns ``build(zone)`` computes, each row in its own zone.

    Tall frames go zone by zone (:func:`per_zone`); a few rows (one account's) take
    one pass in which each column chooses its zone's expression, since there the
    fixed cost of each Polars operation is what counts.
    """
    names = _distinct(frame.get_column(zone_col))
    if frame.is_empty() or frame.height > SMALL or len(names) == 1:
        return per_zone(frame, zone_col, lambda part, zone: part.with_columns(build(zone)))
    names = [name for name in names if name is not None]
    built = [build(str(zone)) for zone in names]
    columns = []
    for i, first in enumerate(built[0]):
        expr: Any = pl.when(pl.col(zone_col) == names[0]).then(first)  # when/then chain
        for zone, exprs in zip(names[1:], built[1:], strict=True):
            expr = expr.when(pl.col(zone_col) == zone).then(exprs[i])
        columns.append(expr.alias(first.meta.output_name()))
    return frame.with_columns(columns)


def zone_series(
    frame: pl.DataFrame, zone_col: str, build: Callable[[str], pl.Expr], dtype: pl.DataType
) -> pl.Series:
    """Evaluate ``build(zone)`` on each zone's rows and scatter the results into one column.

    The cheap way for tall frames: only the columns the expression reads are
    gathered per zone, and nothing else of the frame is copied.
    """
    zones = frame.get_column(zone_col)
    out = pl.repeat(None, frame.height, dtype=dtype, eager=True)
    for zone in zones.unique().drop_nulls().to_list():
        rows = (zones == zone).arg_true()
        expr = build(str(zone))
        part = frame.select(expr.meta.root_names()).gather(rows).select(expr.alias("value"))
        out = out.scatter(rows, part.to_series().cast(dtype))
    return out


def transitions(zone: str, low: int, high: int) -> tuple[int, list[tuple[int, int]]]:
    """The UTC offset of ``zone`` at ``low`` and its changes up to ``high`` (microseconds).

    Found with the IANA database (``zoneinfo``) by hourly sampling and bisection to
    the microsecond, so each change is at its exact instant.
    """
    info = ZoneInfo(zone)

    def offset(micros: int) -> int:
        moment = EPOCH + timedelta(microseconds=micros)
        delta = moment.astimezone(info).utcoffset() or timedelta(0)
        return delta // timedelta(microseconds=1)

    base = previous = offset(low)
    changes: list[tuple[int, int]] = []
    step, t = 3_600_000_000, low
    while t < high:
        following = min(t + step, high)
        current = offset(following)
        if current != previous:
            a, b = t, following
            while b - a > 1:
                middle = (a + b) // 2
                a, b = (middle, b) if offset(middle) == previous else (a, middle)
            changes.append((b, current))
            previous = current
        t = following
    return base, changes


# Transitions are looked up over whole blocks of four weeks and kept: the plan, the
# dispatcher and the 360 view ask about the same zones over the same weeks again and again.
_BLOCK = 28 * 86_400 * 10**6


@lru_cache(maxsize=1024)
def _block_transitions(zone: str, first: int, last: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """:func:`transitions` from block ``first`` to block ``last`` (exact for every instant
    between them)."""
    base, changes = transitions(zone, first * _BLOCK, last * _BLOCK)
    return base, tuple(changes)


def local_dates(frame: pl.DataFrame, instant: str, zone_col: str) -> pl.Series:
    """The local calendar date of ``instant`` in each row's zone, exact and fast.

    For tall frames (history x zones) converting every instant is the costliest
    step; within a bounded span a zone's UTC offset changes only at a few known
    instants, so the date is ``floor((utc + offset) / day)`` with the offset from
    :func:`transitions`. Long spans fall back to the converting path.
    """
    micros = pl.col(instant).cast(pl.Int64)
    bounds = frame.select(micros.min().alias("lo"), micros.max().alias("hi")).row(0)
    if frame.is_empty() or bounds[0] is None or bounds[1] - bounds[0] > _FAST_SPAN:
        build = lambda zone: pl.col(instant).dt.convert_time_zone(zone).dt.date()  # noqa: E731
        return zone_series(frame, zone_col, build, pl.Date())
    offset: pl.Expr = pl.lit(None, pl.Int64())
    for zone in frame.get_column(zone_col).unique().drop_nulls().to_list():
        blocks = (bounds[0] // _BLOCK, -(-bounds[1] // _BLOCK))
        base, changes = _block_transitions(str(zone), *blocks)
        mine: pl.Expr = pl.lit(base, pl.Int64())
        for at, value in changes:
            mine = pl.when(micros >= at).then(pl.lit(value, pl.Int64())).otherwise(mine)
        offset = pl.when(pl.col(zone_col) == zone).then(mine).otherwise(offset)
    days = (micros + offset) // (NS_PER_DAY // 1000)
    return frame.select(days.cast(pl.Int32).cast(pl.Date()).alias("date")).to_series()


def to_local(instant: pl.Expr, zone: str) -> pl.Expr:
    """A UTC instant as the naive wall-clock time in ``zone``."""
    return instant.dt.convert_time_zone(zone).dt.replace_time_zone(None)


def from_local(wall: pl.Expr, zone: str) -> pl.Expr:
    """A naive wall-clock time in ``zone`` as a UTC instant, resolved protectively.

    An ambiguous time (the repeated hour when clocks go back) takes the *later*
    instant; a time that does not exist (the skipped hour when clocks go forward)
    takes the same wall time one hour later. Both err towards a later opening.
    """
    direct = wall.dt.replace_time_zone(zone, ambiguous="latest", non_existent="null")
    shifted = (wall + pl.duration(hours=1)).dt.replace_time_zone(
        zone, ambiguous="latest", non_existent="null"
    )
    return pl.coalesce(direct, shifted).dt.convert_time_zone("UTC").cast(UTC_TIME)


def at_time_of_day(day: pl.Expr, nanos: int) -> pl.Expr:
    """The naive wall-clock datetime of ``day`` at ``nanos`` after midnight."""
    return day.cast(pl.Datetime("us")) + pl.duration(microseconds=nanos // 1000)


def local_parts(frame: pl.DataFrame, instant: str, prefix: str, zone_col: str) -> pl.DataFrame:
    """Add ``{prefix}_local`` (naive), ``_date``, ``_tod`` (ns) and ``_wd`` (1=Mon) columns,
    each row in its zone."""
    local = f"{prefix}_local"

    def parts(wall: pl.Expr) -> list[pl.Expr]:
        return [
            wall.dt.date().alias(f"{prefix}_date"),
            wall.dt.time().cast(pl.Int64).alias(f"{prefix}_tod"),
            wall.dt.weekday().cast(pl.Int8).alias(f"{prefix}_wd"),
        ]

    if frame.height <= SMALL:
        return zone_columns(
            frame, zone_col, lambda zone: [to_local(pl.col(instant), zone).alias(local)]
        ).with_columns(parts(pl.col(local)))
    # Tall: the local time once per zone, then its parts.
    return per_zone(
        frame,
        zone_col,
        lambda part, zone: part.with_columns(to_local(pl.col(instant), zone).alias(local)),
    ).with_columns(parts(pl.col(local)))


@dataclass(frozen=True, slots=True)
class Window:
    """A daily window of permitted local times, ``open`` to ``close``."""

    open_ns: int
    close_ns: int
    close_inclusive: bool = True  # Reg F: 21:00:00 itself is still convenient

    def contains(self, tod: pl.Expr) -> pl.Expr:
        upper = tod <= self.close_ns if self.close_inclusive else tod < self.close_ns
        return (tod >= self.open_ns) & upper


def _opening(zone: str, window: Window) -> tuple[pl.Expr, pl.Expr]:
    """``t``'s local time of day in ``zone``, and the window's next opening after ``t``."""
    local = pl.col("t").dt.convert_time_zone(zone)
    tod = local.dt.time().cast(pl.Int64)
    day = local.dt.date()
    opening_day = pl.when(tod < window.open_ns).then(day).otherwise(day + pl.duration(days=1))
    return tod, from_local(at_time_of_day(opening_day, window.open_ns), zone)


def next_opens(frame: pl.DataFrame, zone_col: str, window: Window) -> pl.DataFrame:
    """Column ``t_next`` (see :func:`next_open`), each row in its own zone."""
    if frame.height > SMALL:
        return per_zone(frame, zone_col, lambda part, zone: next_open(part, zone, window))

    def build(zone: str) -> list[pl.Expr]:
        tod, opening = _opening(zone, window)
        return [pl.when(window.contains(tod)).then(pl.col("t")).otherwise(opening).alias("t_next")]

    return zone_columns(frame, zone_col, build)


def next_open(frame: pl.DataFrame, zone: str, window: Window) -> pl.DataFrame:
    """Column ``t_next``: ``t`` if inside the window in ``zone``, else the next opening."""
    tod, opening = _opening(zone, window)
    marked = frame.with_columns(tod.alias("_tod"))
    inside = marked.filter(window.contains(pl.col("_tod")))
    outside = marked.filter(~window.contains(pl.col("_tod")))
    # Only the rows outside the window need the (costlier) local opening instant.
    return pl.concat(
        [
            inside.with_columns(pl.col("t").alias("t_next")),
            outside.with_columns(opening.alias("t_next")),
        ]
    ).drop("_tod")


def common_window_start(zoned: pl.DataFrame, window: Window) -> pl.DataFrame:
    """The earliest instant at or after ``now`` inside ``window`` in every zone of a contact.

    ``zoned`` has one row per (``contact_id``, ``zone``) with the contact's ``now``.
    Returns ``contact_id``, ``start`` (null: no common instant within :data:`HORIZON`,
    i.e. the candidate zones share no window and the location needs clarifying).
    """
    counts = zoned.group_by("contact_id").len("n_zones")
    if counts.height == zoned.height:  # every contact has one zone: no iteration at all
        one = next_opens(
            zoned.select("contact_id", "zone", pl.col("now").alias("t")), "zone", window
        )
        return one.select("contact_id", pl.col("t_next").cast(UTC_TIME).alias("start"))
    single = zoned.join(counts.filter(pl.col("n_zones") == 1), on="contact_id", how="semi")
    # One zone: its next opening is the answer, no iteration needed.
    one = next_opens(single.select("contact_id", "zone", pl.col("now").alias("t")), "zone", window)
    several = zoned.join(counts.filter(pl.col("n_zones") > 1), on="contact_id", how="semi")
    settled = [
        one.select("contact_id", pl.col("t_next").alias("start")),
        _shared_starts(several, window),
    ]
    every = counts.select("contact_id")
    found = pl.concat([part.with_columns(pl.col("start").cast(UTC_TIME)) for part in settled])
    return every.join(found, on="contact_id", how="left")


def _shared_starts(several: pl.DataFrame, window: Window) -> pl.DataFrame:
    """:func:`_iterate` once per distinct (``now``, zones) and shared by the contacts.

    The answer depends only on ``now`` and the set of zones, and a plan proposes the
    same few instants to many people with the same candidate zones (every zone of the
    jurisdiction when none is known): one contact of each kind stands for the others.
    """
    if several.is_empty():
        return _iterate(several, window)
    keyed, zone_set = _zone_sets(several)
    sets = keyed.group_by("contact_id").agg(pl.col("now").first(), zone_set)
    chosen = sets.unique(["now", "_zones"], keep="any")
    if chosen.height == sets.height:
        return _iterate(several, window)
    shown = several.join(chosen.select("contact_id"), on="contact_id", how="semi")
    starts = chosen.join(_iterate(shown, window), on="contact_id", how="left")
    shared = sets.join(starts.drop("contact_id"), on=["now", "_zones"], nulls_equal=True)
    return shared.select("contact_id", "start")


def _zone_sets(several: pl.DataFrame) -> tuple[pl.DataFrame, pl.Expr]:
    """``several`` ready for keying, and the aggregation that keys a contact's set of zones.

    One bit per distinct zone of the frame, OR-ed together (a repeated zone changes
    nothing); past 62 distinct zones, the sorted names joined as text.
    """
    zone = several.get_column("zone")
    if zone.n_unique() > 62:
        return several, pl.col("zone").cast(pl.String()).sort().str.join("\n").alias("_zones")
    code = (
        pl.col("zone").to_physical() if isinstance(zone.dtype, pl.Categorical) else pl.col("zone")
    )
    bit = pl.lit(2, pl.Int64()).pow(code.rank("dense").cast(pl.Int64()) - 1)
    return several.with_columns(bit.alias("_bit")), pl.col("_bit").bitwise_or().alias("_zones")


def _iterate(several: pl.DataFrame, window: Window) -> pl.DataFrame:
    """``contact_id``, ``start`` of the contacts with several zones whose start was found.

    The iteration t -> max over zones of next_open(t) from ``now``, until it settles
    or passes the horizon (those contacts are left out: no common window).
    """
    settled = [pl.DataFrame(schema={"contact_id": several.schema["contact_id"], "start": UTC_TIME})]
    if several.is_empty():
        return settled[0]
    pairs = several.select("contact_id", "zone")
    state = several.group_by("contact_id").agg(
        pl.col("now").first(), pl.col("now").first().alias("t")
    )
    for _ in range(MAX_STEPS):
        if state.is_empty():
            break
        moved = next_opens(
            pairs.join(state.select("contact_id", "t"), on="contact_id"), "zone", window
        )
        best = moved.group_by("contact_id").agg(pl.col("t_next").max())
        state = state.join(best, on="contact_id").with_columns(
            stable=pl.col("t_next") == pl.col("t"), t=pl.col("t_next")
        )
        settled.append(state.filter("stable").select("contact_id", pl.col("t").alias("start")))
        # Past the horizon the zones share no window: leave those rows without a start.
        state = state.filter(~pl.col("stable") & (pl.col("t") - pl.col("now") <= HORIZON))
        state = state.drop("t_next", "stable")
    return pl.concat([part.with_columns(pl.col("start").cast(UTC_TIME)) for part in settled])


def local_label(frame: pl.DataFrame, instant: str, zone_col: str, out: str) -> pl.DataFrame:
    """A human label of an instant in a zone: ``Thu 9 Apr 08:00 America/New_York``.

    A plan's findings name the same few releases (08:00 on a day, in a zone) hundreds
    of thousands of times: tall frames format each distinct (instant, zone) once.
    """

    def label(zone: str) -> list[pl.Expr]:
        text = pl.col(instant).dt.convert_time_zone(zone).dt.strftime("%a %-d %b %H:%M")
        where = pl.col(zone_col).cast(pl.String())
        return [pl.concat_str(text, pl.lit(" "), where).alias(out)]

    if frame.height <= SMALL:
        return zone_columns(frame, zone_col, label)
    keys = frame.select(instant, zone_col).unique()
    labels = zone_columns(keys, zone_col, label)
    return frame.join(
        labels, on=[instant, zone_col], how="left", nulls_equal=True, maintain_order="left"
    )
