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
- ``recent``: one row per (contact, zone, past event of the same person)
  within :data:`LOOKBACK_DAYS`, with the event's local date in that zone and
  its ``lag`` in calendar days. Counters read it; "if zones disagree, the
  strictest" falls out of taking the maximum over zones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import polars as pl

from arrears.compliance.model import (
    CONTACTS,
    CONTACTS_OPTIONAL,
    HISTORY,
    HISTORY_OPTIONAL,
    UTC_TIME,
)
from arrears.compliance.places import CONSERVATIVE_ZONES
from arrears.compliance.zones import SMALL, local_dates, local_parts
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

    def only(self, keep: pl.Expr) -> Frames:
        """The same frames restricted to the contacts matching ``keep``."""
        contacts = self.contacts.filter(keep)
        if contacts.height == self.contacts.height:
            return self
        if contacts.is_empty():
            return replace(self, contacts=contacts, zoned=self.zoned.clear())
        zoned = self.zoned.join(contacts.select("contact_id"), on="contact_id", how="semi")
        # ``recent`` stays whole: every rule joins it to the contacts it judges.
        return replace(self, contacts=contacts, zoned=zoned)


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
        .then(pl.lit(list(zones), dtype=_STR_LIST))
        .otherwise(pl.lit([], dtype=_STR_LIST))
        for code, zones in CONSERVATIVE_ZONES.items()
    ]
    return pl.concat_list(parts).list.unique(maintain_order=True)


def _fallback_zones(contacts: pl.DataFrame) -> pl.Expr:
    """The conservative zones of each contact's jurisdictions (see :func:`_conservative`).

    A plan's contacts name a handful of distinct jurisdiction lists: tall frames build
    the set once per distinct list and look it up, rather than once per contact.
    """
    if contacts.height <= SMALL:
        return _conservative(pl.col("jurisdictions"))
    lists = contacts.select("jurisdictions")
    table = lists.unique().with_columns(_conservative(pl.col("jurisdictions")).alias("_zones"))
    found = lists.join(
        table, on="jurisdictions", how="left", nulls_equal=True, maintain_order="left"
    )
    return pl.lit(found.get_column("_zones"))


def prepare_contacts(
    frame: pl.DataFrame | pl.LazyFrame, person: pl.DataType | None = None
) -> pl.DataFrame:
    """Conform, default and derive the shared contact columns."""
    c = conform(frame, CONTACTS, CONTACTS_OPTIONAL, "contacts", person)
    jur = pl.col("jurisdictions").fill_null([]).list.eval(pl.element().str.to_uppercase())
    has_state = jur.list.eval(pl.element().str.starts_with("US-")).list.any()
    us = pl.lit(["US"], dtype=_STR_LIST)
    jur = pl.when(has_state & ~jur.list.contains("US")).then(jur.list.concat(us)).otherwise(jur)
    c = c.with_columns(jur.alias("jurisdictions"))
    known = pl.col("zones").list.len().fill_null(0) > 0
    lists = ["inconvenient_times", "inconvenient_places", "opt_outs", "holds", "consents"]
    return c.with_columns(
        pl.when(known).then(pl.col("zones")).otherwise(_fallback_zones(c)),
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
    ).with_columns(pl.col("zones").list.first().fill_null("UTC").alias("first_zone"))


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


def recent_rows(contacts: pl.DataFrame, zoned: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """Past events of each contact's person, per candidate zone, within the lookback.

    The events travel as boolean facts (:func:`event_flags`), not strings: this is
    the tallest frame of an evaluation (contacts x zones x events).
    """
    # The time window does not depend on the zone: join and filter once per contact and
    # event, then repeat the surviving events for each candidate zone of the contact.
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
    ).drop("person", "c_debt", "c_to", "h_debt", "h_to", "c_consumer", "f_not_theirs")
    per_zone_rows = (
        zoned.lazy().select("contact_id", "zone", "now_date").join(joined, on="contact_id")
    )
    first = ["contact_id", "now", "zone", "now_date"]
    rest = [c for c in per_zone_rows.collect_schema().names() if c not in first]
    return with_lag(per_zone_rows.select(*first, *rest).collect())


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


def with_lag(rows: pl.DataFrame) -> pl.DataFrame:
    """``h_date`` (the event's local date) and ``lag`` (days before ``now_date``)."""
    h_date = local_dates(rows, "at", "zone")
    lag = (pl.col("now_date") - h_date).dt.total_days().cast(pl.Int32)
    return rows.with_columns(h_date.alias("h_date"), lag.alias("lag"))


def build(contacts: pl.DataFrame, history: pl.DataFrame) -> Frames:
    """The frames of one evaluation pass (``contacts`` already prepared)."""
    zoned = zone_rows(contacts)
    return Frames(contacts, zoned, history, recent_rows(contacts, zoned, history))


def moved(frames: Frames, contacts: pl.DataFrame) -> Frames:
    """The frames of ``contacts`` (a subset moved to a later ``now``), reusing the history
    already joined: events after the original ``now`` do not exist in it, and the later
    ``now`` only changes each event's lag."""
    zoned = zone_rows(contacts)
    later = zoned.lazy().select("contact_id", "zone", "now", "now_date")
    # The inner join keeps only the moved contacts' rows.
    recent = frames.recent.lazy().drop("now", "now_date", "lag")
    recent = recent.join(later, on=["contact_id", "zone"])
    lag = (pl.col("now_date") - pl.col("h_date")).dt.total_days().cast(pl.Int32)
    return Frames(contacts, zoned, frames.history, recent.with_columns(lag.alias("lag")).collect())


def at_now(frames_contacts: pl.DataFrame, until: pl.DataFrame) -> pl.DataFrame:
    """Contacts moved to a new ``now`` (``until`` has ``contact_id``, ``until``)."""
    moved = frames_contacts.join(until, on="contact_id")
    return moved.with_columns(pl.col("until").cast(UTC_TIME).alias("now")).drop("until")
