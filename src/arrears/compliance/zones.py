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

Instants are ``Datetime("us", "UTC")``; local wall-clock values are naive
``Datetime("us")``; times of day are nanoseconds since midnight (``Int64``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
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
    parts = frame.partition_by(zone_col, as_dict=True)
    return pl.concat([fn(part, str(key[0])) for key, part in parts.items()], how="vertical")


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
        base, changes = transitions(str(zone), bounds[0], bounds[1])
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


def local_parts(frame: pl.DataFrame, instant: str, zone: str, prefix: str) -> pl.DataFrame:
    """Add ``{prefix}_local`` (naive), ``_date``, ``_tod`` (ns) and ``_wd`` (1=Mon) columns."""
    local = f"{prefix}_local"
    return frame.with_columns(to_local(pl.col(instant), zone).alias(local)).with_columns(
        pl.col(local).dt.date().alias(f"{prefix}_date"),
        pl.col(local).dt.time().cast(pl.Int64).alias(f"{prefix}_tod"),
        pl.col(local).dt.weekday().cast(pl.Int8).alias(f"{prefix}_wd"),
    )


@dataclass(frozen=True, slots=True)
class Window:
    """A daily window of permitted local times, ``open`` to ``close``."""

    open_ns: int
    close_ns: int
    close_inclusive: bool = True  # Reg F: 21:00:00 itself is still convenient

    def contains(self, tod: pl.Expr) -> pl.Expr:
        upper = tod <= self.close_ns if self.close_inclusive else tod < self.close_ns
        return (tod >= self.open_ns) & upper


def next_open(frame: pl.DataFrame, zone: str, window: Window) -> pl.DataFrame:
    """Column ``t_next``: ``t`` if inside the window in ``zone``, else the next opening."""
    local = pl.col("t").dt.convert_time_zone(zone)
    marked = frame.with_columns(local.dt.time().cast(pl.Int64).alias("_tod"))
    inside = marked.filter(window.contains(pl.col("_tod")))
    outside = marked.filter(~window.contains(pl.col("_tod")))
    # Only the rows outside the window need the (costlier) local opening instant.
    day = local.dt.date()
    opening_day = (
        pl.when(pl.col("_tod") < window.open_ns).then(day).otherwise(day + pl.duration(days=1))
    )
    opening = from_local(at_time_of_day(opening_day, window.open_ns), zone)
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
    single = zoned.join(counts.filter(pl.col("n_zones") == 1), on="contact_id", how="semi")
    # One zone: its next opening is the answer, no iteration needed.
    one = per_zone(
        single.select("contact_id", "zone", pl.col("now").alias("t")),
        "zone",
        lambda part, zone: next_open(part, zone, window),
    )
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
    sets = several.group_by("contact_id").agg(
        pl.col("now").first(),
        pl.col("zone").cast(pl.String()).sort().str.join("\n").alias("_zones"),
    )
    chosen = sets.unique(["now", "_zones"], keep="any")
    if chosen.height == sets.height:
        return _iterate(several, window)
    shown = several.join(chosen.select("contact_id"), on="contact_id", how="semi")
    starts = chosen.join(_iterate(shown, window), on="contact_id", how="left")
    shared = sets.join(starts.drop("contact_id"), on=["now", "_zones"], nulls_equal=True)
    return shared.select("contact_id", "start")


def _iterate(several: pl.DataFrame, window: Window) -> pl.DataFrame:
    """``contact_id``, ``start`` of the contacts with several zones whose start was found.

    The iteration t -> max over zones of next_open(t) from ``now``, until it settles
    or passes the horizon (those contacts are left out: no common window).
    """
    settled = [pl.DataFrame(schema={"contact_id": several.schema["contact_id"], "start": UTC_TIME})]
    pairs = several.select("contact_id", "zone")
    state = several.group_by("contact_id").agg(
        pl.col("now").first(), pl.col("now").first().alias("t")
    )
    for _ in range(MAX_STEPS):
        if state.is_empty():
            break
        moved = per_zone(
            pairs.join(state.select("contact_id", "t"), on="contact_id"),
            "zone",
            lambda part, zone: next_open(part, zone, window),
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
    """A human label of an instant in a zone: ``Thu 9 Apr 08:00 America/New_York``."""

    def label(part: pl.DataFrame, zone: str) -> pl.DataFrame:
        text = pl.col(instant).dt.convert_time_zone(zone).dt.strftime("%a %-d %b %H:%M")
        where = pl.col(zone_col).cast(pl.String())
        return part.with_columns(pl.concat_str(text, pl.lit(" "), where).alias(out))

    return per_zone(frame, zone_col, label)
