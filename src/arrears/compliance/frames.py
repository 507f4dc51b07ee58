"""The frames every rule reads: prepared contacts, their zones, and recent history.

:func:`prepare` conforms the caller's frames to :mod:`.model` (columns added
to the schemas later are optional and default to null), fills defaults and
derives the facts several rules share:

- ``jurisdictions`` always carries ``US`` beside a state overlay ``US-XX``:
  state law adds protection on top of the federal floor (1006.104);
- ``zones`` falls back to the conservative set of the jurisdictions when the
  caller knows none (US-TIME-02a), with ``zones_known`` false;
- ``medium`` groups channels the way opt-outs are scoped (a call opt-out
  covers voicemail too, 1006.14(h));
- ``zoned``: one row per (contact, candidate zone) with the local date, time
  of day and weekday of ``now`` in that zone;
- ``recent``: one row per (contact, past event of the same person) within
  :data:`LOOKBACK_DAYS` before ``now``, with the facts counters test. A
  counter dates the events it counts in each candidate zone (:func:`dated`):
  local dates can differ, and "if zones disagree, the strictest" falls out of
  taking the maximum over zones. Dating only the counted events, inside the
  counter's window, spares dating every event in every zone.

A rule whose answer depends on a few contact columns only (the hours: ``now``
and the candidate zones) runs through :func:`per_distinct`: once per distinct
combination of those columns, its findings handed to every contact of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property

import polars as pl

from arrears.compliance import zones
from arrears.compliance.findings import empty
from arrears.compliance.model import (
    CONTACTS,
    CONTACTS_OPTIONAL,
    HISTORY,
    HISTORY_OPTIONAL,
    UTC_TIME,
)
from arrears.compliance.places import CONSERVATIVE_ZONES
from arrears.compliance.zones import local_dates, local_parts
from arrears.errors import InvalidInput

# Longest counting window of any rule (MA: 2 calls in 30 days) plus a day of zone slack.
LOOKBACK_DAYS = 32
MEDIUM = {
    "call": "phone",
    "voicemail": "phone",
    "sms": "sms",
    "email": "email",
    "letter": "letter",
    "visit": "visit",
    "social_private": "social",
    "social_public": "social",
}
PHONE_CHANNELS = ("call", "voicemail", "sms")
ELECTRONIC = ("sms", "email", "social_private", "social_public")
CONSUMER = ("debtor", "spouse")  # 1006.6(a): the spouse is a consumer, not a third party
THIRD_PARTIES = ("third_party", "emergency_contact", "employer")
_STR_LIST = pl.List(pl.String())


@dataclass(frozen=True)
class Frames:
    contacts: pl.DataFrame
    zoned: pl.DataFrame
    history: pl.DataFrame
    recent: pl.DataFrame

    @cached_property
    def recent_dated(self) -> pl.DataFrame:
        """Every event of ``recent`` in every candidate zone, dated (see :func:`dated`)."""
        return _date(self, self.recent)

    def only(self, keep: pl.Expr) -> Frames:
        """The same frames restricted to the contacts matching ``keep``."""
        contacts = self.contacts.filter(keep)
        if contacts.height == self.contacts.height:
            return self
        if contacts.is_empty():
            return replace(self, contacts=contacts, zoned=self.zoned.clear())
        zoned = self.zoned.filter(among(contacts))
        # ``recent`` stays whole: every rule joins it to the contacts it judges.
        return replace(self, contacts=contacts, zoned=zoned)


def among(contacts: pl.DataFrame) -> pl.Expr:
    """Rows whose ``contact_id`` is one of ``contacts``' (a filter: cheaper than a semi-join)."""
    return pl.col("contact_id").is_in(contacts.get_column("contact_id").implode())


def person_type(*frames: pl.DataFrame | pl.LazyFrame) -> pl.DataType:
    """``person`` stays an integer when every frame gives integers (the planner's debtor ids).

    The engine only joins people with each other, and the history is its tallest
    input: integer keys spare converting millions of ids to text and hashing text.
    Any other mix is compared as text (the schema's type).
    """
    types = [f.collect_schema().get("person") for f in frames]
    if all(t is not None and t.is_integer() for t in types):
        return pl.Int64()
    return CONTACTS["person"]


def conform(
    frame: pl.DataFrame | pl.LazyFrame,
    schema: dict[str, pl.DataType],
    optional: dict[str, pl.DataType],
    name: str,
    person: pl.DataType | None = None,
) -> pl.DataFrame:
    """Select and cast the schema's columns; optional ones may be missing (null).

    A lazy frame is selected and cast in the same query that computes it.
    """
    names = frame.collect_schema().names()
    missing = [c for c in schema if c not in names]
    schema = {**schema, **optional}
    if person is not None:
        schema["person"] = person
    if missing:
        raise InvalidInput(f"{name} frame lacks columns: {', '.join(missing)}")
    cols = [
        pl.col(c).cast(t) if c in names else pl.lit(None, t).alias(c) for c, t in schema.items()
    ]
    if isinstance(frame, pl.LazyFrame):
        return frame.select(cols).collect()
    return frame.select(cols)


def _conservative(jurisdictions: pl.Expr) -> pl.Expr:
    parts = [
        pl.when(jurisdictions.list.contains(code))
        .then(pl.lit(list(names), dtype=_STR_LIST))
        .otherwise(pl.lit([], dtype=_STR_LIST))
        for code, names in CONSERVATIVE_ZONES.items()
    ]
    return pl.concat_list(parts).list.unique(maintain_order=True)


def _normalized(jurisdictions: pl.Expr) -> pl.Expr:
    """Upper case, and ``US`` beside any state overlay (the federal floor, 1006.104)."""
    jur = jurisdictions.fill_null([]).list.eval(pl.element().str.to_uppercase())
    has_state = jur.list.eval(pl.element().str.starts_with("US-")).list.any()
    us = pl.lit(["US"], dtype=_STR_LIST)
    return pl.when(has_state & ~jur.list.contains("US")).then(jur.list.concat(us)).otherwise(jur)


def per_value(frame: pl.DataFrame, column: str, exprs: dict[str, pl.Expr]) -> list[pl.Series]:
    """Columns that depend on ``column`` alone, in ``frame``'s row order.

    A plan's contacts name a handful of distinct values (jurisdiction lists): tall
    frames evaluate ``exprs`` once per distinct value and hand the result to its rows.
    """
    if frame.height <= zones.SMALL:  # read at call time: tests force the tall paths
        return frame.select(**exprs).get_columns()
    rows = frame.select(column).with_row_index("_row").group_by(column).agg("_row")
    table = rows.select("_row", **exprs).explode("_row").sort("_row")
    return table.drop("_row").get_columns()


def prepare_contacts(
    frame: pl.DataFrame | pl.LazyFrame, person: pl.DataType | None = None
) -> pl.DataFrame:
    """Conform, default and derive the shared contact columns."""
    c = conform(frame, CONTACTS, CONTACTS_OPTIONAL, "contacts", person)
    jur = _normalized(pl.col("jurisdictions"))
    c = c.with_columns(
        per_value(c, "jurisdictions", {"jurisdictions": jur, "_fallback": _conservative(jur)})
    )
    known = pl.col("zones").list.len().fill_null(0) > 0
    lists = ["inconvenient_times", "inconvenient_places", "opt_outs", "holds", "consents"]
    return (
        c.with_columns(
            pl.when(known).then(pl.col("zones")).otherwise(pl.col("_fallback")).alias("zones"),
            (known & pl.col("zones_known").fill_null(True)).alias("zones_known"),
            *[pl.col(n).fill_null([]) for n in lists],
            pl.col("automated", "time_barred", "debtor_unreachable", "judgment_obtained").fill_null(
                False
            ),
            pl.col("counterparty").fill_null("debtor"),
            pl.col("purpose").fill_null("collection"),
            pl.col("channel").replace_strict(MEDIUM, default=pl.col("channel")).alias("medium"),
            pl.when(pl.col("channel").is_in(PHONE_CHANNELS))
            .then(pl.col("to_line_type").fill_null("unknown"))
            .otherwise(pl.col("to_line_type"))
            .alias("to_line_type"),
        )
        .with_columns(pl.col("zones").list.first().fill_null("UTC").alias("first_zone"))
        .drop("_fallback")
    )


def prepare_history(
    frame: pl.DataFrame | pl.LazyFrame, person: pl.DataType | None = None
) -> pl.DataFrame:
    h = conform(frame, HISTORY, HISTORY_OPTIONAL, "history", person)
    return h.with_columns(
        pl.col("channel").replace_strict(MEDIUM, default=pl.col("channel")).alias("medium"),
        pl.col("direction").fill_null("out"),
    )


def zone_rows(contacts: pl.DataFrame) -> pl.DataFrame:
    """One row per (contact, candidate zone) with ``now``'s local parts in that zone."""
    pairs = contacts.select("contact_id", "now", pl.col("zones").alias("zone")).explode("zone")
    # Categorical: the zone is compared on millions of history rows.
    pairs = pairs.filter(pl.col("zone").is_not_null()).with_columns(
        pl.col("zone").cast(pl.Categorical)
    )
    return local_parts(pairs, "now", "now", "zone")


def recent_rows(contacts: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Past events of each contact's person within the lookback, one row per (contact, event).

    The events travel as boolean facts (:func:`event_flags`), not strings: this is
    the tallest frame of an evaluation (contacts x events). Neither ``now`` nor a
    zone is kept: a re-check at a later ``now`` reads the same rows (events after
    the original ``now`` do not exist in it), dated against its own ``now``.
    """
    # Lazily, so that the window filter runs inside the join instead of after it.
    keys = contacts.lazy().select(
        "contact_id",
        "person",
        "now",
        pl.col("debt").alias("c_debt"),
        pl.col("to").alias("c_to"),
        pl.col("counterparty").is_in(CONSUMER).alias("c_consumer"),
    )
    events = history.lazy().select(
        "person", "at", pl.col("to").alias("h_to"), pl.col("debt").alias("h_debt"), **event_flags()
    )
    joined = keys.join(events, on="person").filter(
        (pl.col("at") < pl.col("now"))
        & (pl.col("at") >= pl.col("now") - timedelta(days=LOOKBACK_DAYS))
    )
    joined = joined.with_columns(
        (pl.col("h_debt").is_null() | (pl.col("h_debt") == pl.col("c_debt"))).alias("same_debt"),
        (pl.col("h_to") == pl.col("c_to")).fill_null(False).alias("same_to"),
        # cmt 14(b)(2)(i)-3 (US-FREQ-06): a number owned by someone else, counting for the
        # consumer, is a misdirected call.
        (pl.col("f_not_theirs") & pl.col("c_consumer")).alias("f_misdirected"),
    )
    drop = ["person", "now", "c_debt", "c_to", "h_debt", "h_to", "c_consumer", "f_not_theirs"]
    return joined.drop(drop).collect()


def event_flags() -> dict[str, pl.Expr]:
    """Facts about each past event that the counters test, computed once per event.

    - ``f_call``: a call or voicemail (a ringless voicemail is a call, cmt 14(b)-1);
    - ``f_sms``, ``f_letter``: a text, a letter;
    - ``f_out``: placed by the collector;
    - ``f_talk``: a telephone conversation took place;
    - ``f_connected``: not busy and not "not in service" (1006.14(b)(3)(ii), US-FREQ-04);
    - ``f_bounced``: a message that bounced;
    - ``f_not_theirs``: to a number owned by a third party (see ``f_misdirected``);
    - ``f_attorney``: to the consumer's attorney (1006.14(b)(3)(iii), US-FREQ-05);
    - ``f_home_cell``: to a cell phone or the home (209 CMR 18.16(1)(d));
    - ``f_work``: to the workplace (RCW 19.16.250(13)).
    """
    return {
        "f_call": pl.col("medium") == "phone",
        "f_sms": pl.col("medium") == "sms",
        "f_letter": pl.col("medium") == "letter",
        "f_out": pl.col("direction") == "out",
        "f_talk": (pl.col("outcome") == "conversation").fill_null(False),
        "f_connected": ~pl.col("outcome").is_in(["busy", "not_in_service"]).fill_null(False),
        "f_bounced": (pl.col("outcome") == "bounced").fill_null(False),
        "f_not_theirs": (pl.col("to_owner") == "third_party").fill_null(False),
        "f_attorney": (pl.col("counterparty") == "attorney").fill_null(False),
        "f_home_cell": (
            (pl.col("to_line_type") == "mobile") | (pl.col("to_place") == "home")
        ).fill_null(False),
        "f_work": (pl.col("to_place") == "work").fill_null(False),
    }


def dated(frames: Frames, events: pl.Expr, window_days: int) -> pl.DataFrame:
    """The rows of ``recent`` matching ``events`` in each candidate zone of their contact,
    with the event's local date ``h_date`` there and its ``lag`` in days before
    ``now_date``; only those inside the ``window_days`` local days ending on ``now_date``
    (lag 0 is today).

    A plan dates only the events a counter counts, inside its window, rather than
    every event in every zone. One account's few events are dated once and serve
    every counter: there the fixed cost of each Polars query is what counts.
    """
    inside = pl.col("lag") < window_days
    if frames.contacts.height <= zones.SMALL:
        return frames.recent_dated.filter(events & inside)
    # A local calendar day lasts at most 25 hours, so an event more than window + 2 days
    # before ``now`` is outside the window in every zone: drop it before dating it in each.
    counted = frames.recent.lazy().filter(events).select("contact_id", "at")
    return _date(frames, counted.collect(), window_days + 2).filter(inside)


def _date(frames: Frames, events: pl.DataFrame, within_days: int | None = None) -> pl.DataFrame:
    """``events`` (of at most ``within_days`` before ``now``), one row per candidate zone of
    their contact, with ``h_date`` and ``lag`` (see :func:`dated`)."""
    near = events.lazy()
    if within_days is not None:
        now = frames.contacts.lazy().select("contact_id", "now")
        within = pl.col("at") >= pl.col("now") - timedelta(days=within_days)
        near = near.join(now, on="contact_id").filter(within).drop("now")
    zoned = frames.zoned.lazy().select("contact_id", "zone", "now_date")
    rows = near.join(zoned, on="contact_id").collect()
    lag = (pl.col("now_date") - pl.col("h_date")).dt.total_days().cast(pl.Int32)
    dates = rows.lazy().with_columns(local_dates(rows, "at", "zone").alias("h_date"))
    return dates.with_columns(lag.alias("lag")).collect()


def build(contacts: pl.DataFrame, history: pl.DataFrame) -> Frames:
    """The frames of one evaluation pass (``contacts`` already prepared)."""
    return Frames(contacts, zone_rows(contacts), history, recent_rows(contacts, history))


def moved(frames: Frames, contacts: pl.DataFrame) -> Frames:
    """The frames of ``contacts`` (a subset moved to a later ``now``), reusing the events
    already joined: events after the original ``now`` do not exist in them, and the later
    ``now`` only changes how each counter dates them."""
    # Kept to the moved contacts once, rather than filtered by every counter of the re-check.
    recent = frames.recent.filter(among(contacts))
    return Frames(contacts, zone_rows(contacts), frames.history, recent)


def per_distinct(
    frames: Frames,
    inputs: Sequence[str],
    rule: Callable[[Frames], pl.DataFrame],
    where: pl.Expr | None = None,
) -> pl.DataFrame:
    """``rule``'s findings for the contacts matching ``where``, computed once per distinct
    combination of the contact columns ``inputs``.

    A plan proposes a handful of instants to people with a handful of zone sets:
    a rule that reads nothing else gives each contact of a combination the same
    findings, so it runs on one row per combination. The rule always sees
    ``contact_id`` and ``inputs`` only, and no history, whether it runs on one
    contact (the send-time gate) or on a plan: a column it reads but did not
    declare fails on every input, not just on tall ones.
    """
    if where is None:
        contacts = frames.contacts.select("contact_id", *inputs)
    else:  # narrow first: the contacts frame is wide and filtering copies every column
        keep = frames.contacts.lazy().select("contact_id", *inputs, where.alias("_keep"))
        contacts = keep.filter("_keep").drop("_keep").collect()
        if contacts.is_empty():
            return empty()
    if contacts.height > zones.SMALL:
        groups = contacts.group_by(inputs, maintain_order=True).agg(
            pl.col("contact_id").alias("_ids")
        )
        if groups.height * 2 <= contacts.height:  # enough repeats for sharing to pay
            return _shared(frames, groups, rule)
    zoned = frames.zoned
    if where is not None:
        zoned = zoned.filter(among(contacts))
    return rule(Frames(contacts, zoned, frames.history.clear(), frames.recent.clear()))


def _shared(
    frames: Frames, groups: pl.DataFrame, rule: Callable[[Frames], pl.DataFrame]
) -> pl.DataFrame:
    """``rule`` over one contact per group (its inputs, ``_ids``), its findings then
    spread to every contact of the group."""
    shown = groups.with_columns(pl.col("_ids").list.first().alias("contact_id"))
    zoned = frames.zoned.filter(among(shown))
    found = rule(Frames(shown.drop("_ids"), zoned, frames.history.clear(), frames.recent.clear()))
    spread = found.join(shown.select("contact_id", "_ids"), on="contact_id")
    spread = spread.drop("contact_id").explode("_ids").rename({"_ids": "contact_id"})
    return spread.select(found.columns)


def at_now(frames_contacts: pl.DataFrame, until: pl.DataFrame) -> pl.DataFrame:
    """Contacts moved to a new ``now`` (``until`` has ``contact_id``, ``until``)."""
    moved = frames_contacts.join(until, on="contact_id")
    return moved.with_columns(pl.col("until").cast(UTC_TIME).alias("now")).drop("until")
