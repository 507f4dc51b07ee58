"""From today's steps to proposed contacts the compliance engine can judge.

For each step on a contact channel the best contact point is chosen (the
debtor's preferred one first, then verified, then by the source's confidence)
and the facts the rules need are laid out in the engine's contacts schema
(``compliance.model.CONTACTS``); the debtor's past contacts become the
engine's history frame. The proposed instant is 08:00 on the plan date in the
debtor's first candidate zone: the engine answers DELAY with the instant the
contact may happen from when that is too early for any other candidate zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import TypeVar

import polars as pl

from arrears.compliance.model import CONTACTS, HISTORY

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)
# Which contact point kinds serve which channel, best first.
KINDS = {
    "sms": ["mobile", "phone"],
    "call": ["mobile", "phone", "landline"],
    "email": ["email"],
    "letter": ["address"],
    "visit": ["address"],
}
CONTACT_CHANNELS = tuple(KINDS)
# Used when nothing on file gives a zone (the engine widens this conservatively).
DEFAULT_ZONE = {"CN": "Asia/Shanghai", "GB": "Europe/London", "US": "America/New_York"}
START = time(8, 0)
# What :func:`contacts_frame` reads of a step besides the step itself and its point.
STEP_FACTS = (
    "account_id", "debtor_id", "jurisdiction", "time_zones", "holds",
    "validation_sent_at", "first_contact_at",
)  # fmt: skip


def _kind_rank() -> dict[str, int]:
    """One rank per kind that orders the kinds of every channel as :data:`KINDS` lists them.

    It lets one sort of the points serve every channel (below). Adding a channel
    whose kinds come in another order than an existing channel's is an error here,
    not a silent change of which point is chosen.
    """
    rank: dict[str, int] = {}
    for kinds in KINDS.values():
        for kind in kinds:
            rank.setdefault(kind, kinds.index(kind))
    for channel, kinds in KINDS.items():
        ranks = [rank[k] for k in kinds]
        if ranks != sorted(set(ranks)):
            raise ValueError(f"KINDS[{channel!r}] orders its kinds unlike another channel")
    return rank


KIND_RANK = _kind_rank()
# Best first: the debtor's preferred point, then verified, then by kind, then most trusted.
_ORDER = ["debtor_id", "preferred", "verified", "_rank", "confidence"]
_DESCENDING = [False, True, True, False, True]


_POINT_COLUMNS = (
    pl.col("value").alias("to"), "kind", "line_type", pl.col("time_zones").alias("point_zones"),
    "consents", "opt_outs", "inconvenient_times",
)  # fmt: skip


def _best_rows(
    points: pl.DataFrame, channels: tuple[str, ...] = CONTACT_CHANNELS
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The points, and per channel the row of each debtor's best usable one (``_row``).

    The usable points are sorted once (stably, on the key columns only) and each
    channel keeps the first of its kinds per debtor: the same choice as sorting
    each channel's points apart, at a fifth of the cost. The sort puts each
    debtor's points in one run, so the first of a run is where the debtor changes
    (no hashing); each channel's rows come out in debtor order.
    """
    for name in ("opt_outs", "inconvenient_times"):  # frames made before these were stored
        if name not in points.columns:
            points = points.with_columns(pl.lit([], dtype=CONTACTS[name]).alias(name))
    rank = pl.col("kind").replace_strict(KIND_RANK, default=None, return_dtype=pl.Int32)
    usable = (~pl.col("do_not_contact") & pl.col("debtor_id").is_not_null()).alias("_usable")
    # The key columns only are filtered and sorted; the chosen rows are gathered later.
    order = (
        points.select(*(c for c in _ORDER if c != "_rank"), rank.alias("_rank"), "kind", usable)
        .with_row_index("_row")
        .filter(pl.col("_usable"))
        .sort(_ORDER, descending=_DESCENDING, maintain_order=True)
    )
    debtor = pl.col("debtor_id")
    rows = {
        channel: order.filter(pl.col("kind").is_in(KINDS[channel]))
        .filter(debtor.ne_missing(debtor.shift(1)))
        .select("debtor_id", "_row")
        for channel in channels
    }
    return points, rows


def best_points(points: pl.DataFrame) -> pl.DataFrame:
    """One contact point per (debtor, channel): preferred, verified, most trusted."""
    points, rows = _best_rows(points)
    return pl.concat(
        points[first["_row"]].select("debtor_id", pl.lit(channel).alias("channel"), *_POINT_COLUMNS)
        for channel, first in rows.items()
    )


def with_best_points(steps: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """``steps`` (on the channels of :data:`KINDS`) with their best point's columns.

    The same as a left join of :func:`best_points` on debtor and channel, but only the
    chosen rows of the points are copied, and only for the channels the steps use:
    each channel's steps look their debtors up in that channel's best rows (in
    debtor order: a binary search, cheaper than hashing), and the rows are gathered
    once.
    """
    channel = steps.get_column("channel")
    used = set(channel.unique().to_list())
    points, best = _best_rows(points, tuple(ch for ch in KINDS if ch in used))
    debtor = steps.get_column("debtor_id")
    row = pl.Series("_row", dtype=pl.get_index_type()).extend_constant(None, steps.height)
    for name, first in best.items():
        if first.is_empty():
            continue
        at = (channel == name).arg_true()
        who = debtor.gather(at)
        keys = first.get_column("debtor_id")
        place = keys.search_sorted(who, side="left").clip(0, keys.len() - 1)
        found = pl.select(
            pl.when(keys.gather(place) == who).then(first.get_column("_row").gather(place))
        ).to_series()
        row = row.scatter(at, found)
    chosen = points.select(*_POINT_COLUMNS)[row]
    return steps.hstack(chosen.get_columns())


def jurisdictions(known: frozenset[str], column: str = "jurisdiction") -> pl.Expr:
    """'US-MA' applies the US rulebook and the MA overlay; 'US-GA' (no overlay yet) the US one.

    Only rulebooks that exist are named: for a state without an overlay the federal
    rules apply, and docs/compliance.md says which overlays exist.
    """
    j = pl.col(column).fill_null("")
    country = j.str.split("-").list.first()
    overlay = j.is_in(list(known)) & j.str.contains("-")
    return (
        pl.when(overlay).then(pl.concat_list(country, j))
        .otherwise(pl.concat_list(country))
        .alias("jurisdictions")
    )  # fmt: skip


def _first_zone() -> pl.Expr:
    country = pl.col("jurisdiction").fill_null("").str.split("-").list.first()
    fallback = country.replace_strict(DEFAULT_ZONE, default="UTC")
    return pl.coalesce(pl.col("zones").list.first(), fallback).alias("_zone")


def proposed_instants(frame: pl.DataFrame, as_of: date) -> pl.Series:
    """08:00 local on the plan date in each row's first zone, as UTC instants."""
    out = pl.Series("now", [None] * frame.height, dtype=pl.Datetime("us", "UTC"))
    zones = frame.select(_first_zone())["_zone"]
    names = zones.unique().to_list()
    if len(names) == 1:  # one account (the 360 view, the send-time check)
        return pl.Series("now", [_start(as_of, names[0])] * frame.height, dtype=out.dtype)
    for zone in names:
        out = out.scatter((zones == zone).arg_true(), _start(as_of, zone))
    return out


@lru_cache(maxsize=4096)
def _start(as_of: date, zone: str) -> datetime:
    """08:00 local on ``as_of`` in ``zone``, as a UTC instant (the same day, the same answer)."""
    start = datetime.combine(as_of, START)
    return pl.Series([start]).dt.replace_time_zone(zone).dt.convert_time_zone("UTC")[0]  # type: ignore[no-any-return]


def per_distinct(frame: pl.DataFrame, columns: list[str], expr: pl.Expr) -> pl.Series:
    """``frame.select(expr)``, computed once per distinct value of ``columns``.

    A plan's contacts repeat a few jurisdictions and zone lists hundreds of thousands
    of times: tall frames compute the list expressions on the distinct values and look
    them up; a few rows (one account's contacts) compute them directly.
    """
    name = expr.meta.output_name()
    if frame.height <= _FEW:
        return frame.select(expr).to_series()
    keys = frame.select(columns)
    table = keys.unique().with_columns(expr)
    found = keys.join(table, on=columns, how="left", nulls_equal=True, maintain_order="left")
    return found.get_column(name)


_FEW = 64


def contacts_frame(steps: pl.DataFrame, as_of: date, known: frozenset[str]) -> pl.DataFrame:
    """The engine's contacts schema, one row per contact step (``steps`` has ``to``)."""
    zones = pl.concat_list(pl.col("time_zones"), pl.col("point_zones")).list.unique()
    frame = steps.with_columns(
        per_distinct(steps, ["time_zones", "point_zones"], zones.alias("zones")),
        pl.col("debtor_id").cast(pl.Int64).alias("person"),
        pl.col("account_id").cast(pl.String).alias("debt"),
        per_distinct(steps, ["jurisdiction"], jurisdictions(known)),
    )
    frame = frame.with_columns(proposed_instants(frame, as_of))
    consents = pl.col("consents").list.eval(
        pl.struct(kind=pl.element(), date=pl.lit(None, dtype=pl.Date),
                  to=pl.lit(None, dtype=pl.String))
    )  # fmt: skip
    return frame.select(
        pl.col("contact_id"), "person", "now", "jurisdictions", "channel", "to", "debt",
        (pl.col("channel") == "sms").alias("automated"),
        pl.lit("debtor").alias("counterparty"),
        pl.lit("collection").alias("purpose"),
        pl.lit(None, dtype=pl.String).alias("content"),
        pl.when(pl.col("kind").is_in(["mobile", "landline"])).then(pl.col("kind"))
        .when(pl.col("kind") == "phone").then(pl.lit("unknown")).alias("to_line_type"),
        pl.lit("debtor").alias("to_owner"),
        pl.when(pl.col("kind").is_in(["address", "landline"])).then(pl.lit("home"))
        .alias("to_place"),
        pl.lit(False).alias("to_employer_email"),
        pl.col("zones"),
        (pl.col("zones").list.len() > 0).alias("zones_known"),
        pl.col("inconvenient_times").cast(CONTACTS["inconvenient_times"])
        .fill_null(pl.lit([], dtype=CONTACTS["inconvenient_times"])),
        pl.lit([], dtype=pl.List(pl.String)).alias("inconvenient_places"),
        pl.col("opt_outs"),
        pl.col("holds").list.eval(
            pl.struct(kind=pl.element(), debt=pl.lit(None, dtype=pl.String),
                      since=pl.lit(None, dtype=pl.Datetime("us", "UTC")))
        ).alias("holds"),
        consents.alias("consents"),
        pl.lit(False).alias("time_barred"),
        pl.col("validation_sent_at"),
        pl.col("first_contact_at"),
        pl.lit(False).alias("debtor_unreachable"),
    ).with_columns(pl.col(n).cast(t) for n, t in CONTACTS.items() if n != "person")  # fmt: skip


def history_frame(history: FrameT) -> FrameT:
    """Interactions as the engine's history schema (lazy in, lazy out)."""
    return history.select(
        pl.col("debtor_id").cast(pl.Int64).alias("person"),
        pl.col("occurred_at").alias("at"),
        "channel",
        "direction",
        pl.col("contact_value").alias("to"),
        pl.col("account_id").cast(pl.String).alias("debt"),
        "outcome",
    ).with_columns(pl.col(n).cast(t) for n, t in HISTORY.items() if n != "person")
