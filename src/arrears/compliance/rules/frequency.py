"""Frequency rules: rolling counters over past contacts, in local calendar days.

Every counter is "at most ``cap`` counted events in any ``window`` consecutive
local calendar days, the proposed contact's date being the last". With the
counted dates ``d_1 >= d_2 >= ...`` inside the window ending today, the
contact is over the cap when there are ``cap`` or more of them, and the first
date with room is ``d_cap + window`` (the cap-th most recent date leaves the
window). The release is that date at the window's opening hour, in every
candidate zone, the latest of them winning (cmt 6(b)(1)(i)-2).

Counting happens per candidate zone of the person (their local dates can
differ) and the strictest zone wins, as the catalogue asks when zones disagree.

Rules: US-FREQ-01 (7 calls in 7 days) and US-FREQ-02 (7 days after a
conversation) with the exclusions US-FREQ-03 (consent for the date), -04
(not connected), -05 (calls to the attorney), -06 (misdirected calls);
US-FREQ-08 (rapid succession, REVIEW); MA-01; WA-01; CN-FREQ-01 and -02.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from arrears.compliance.findings import finding, fmt, stack
from arrears.compliance.frames import Frames, among, dated
from arrears.compliance.model import Verdict
from arrears.compliance.zones import at_time_of_day, from_local, local_label, zone_columns

# Flags computed once per past event (frames.event_flags, with their citations).
CALLS = pl.col("f_call")
OUT = pl.col("f_out")
TALK = pl.col("f_talk")


@dataclass(frozen=True, slots=True)
class Counter:
    """One capped counter: which past events count, against which contacts."""

    rule: str
    cap: int
    window_days: int
    events: pl.Expr  # over rows of ``Frames.recent``
    message: str  # placeholders {n} {debt} {until}
    message_zh: str
    verdict: Verdict = Verdict.DELAY


def misdirected() -> pl.Expr:
    """A past event to a number owned by someone else, when counting for the consumer.

    cmt 14(b)(2)(i)-3 (US-FREQ-06): calls to a number the collector later learns is
    not the person's do not count as calls to that person.
    """
    return pl.col("f_misdirected")


def not_attorney() -> pl.Expr:
    """1006.14(b)(3)(iii) (US-FREQ-05): calls to the consumer's attorney are not counted."""
    return ~pl.col("f_attorney")


def connected() -> pl.Expr:
    """1006.14(b)(3)(ii) (US-FREQ-04): busy and not-in-service calls are not counted."""
    return pl.col("f_connected")


def over_cap(inside: pl.DataFrame, cap: int, window_days: int) -> pl.DataFrame:
    """Per (contact, zone): ``n`` counted events and the first free date.

    ``inside`` has the counted events within the window (``contact_id``, ``zone``,
    ``h_date``).
    """
    counts = inside.group_by("contact_id", "zone").len("n").filter(pl.col("n") >= cap)
    if counts.is_empty():  # nobody is over the cap (one account: the common case)
        return counts.with_columns(pl.lit(None, pl.Date()).alias("free"))
    # Only the few groups over the cap need their cap-th most recent date.
    full = inside.join(counts, on=["contact_id", "zone"])
    per = full.group_by("contact_id", "zone").agg(
        pl.col("n").first(), pl.col("h_date").top_k(cap).min().alias("kth")
    )
    return per.select(
        "contact_id", "zone", "n", (pl.col("kth") + pl.duration(days=window_days)).alias("free")
    )


def release(per: pl.DataFrame, open_ns: int) -> pl.DataFrame:
    """The free date at the window's opening, latest over zones; ``n`` the largest count."""

    def opening(zone: str) -> list[pl.Expr]:
        wall = at_time_of_day(pl.col("free"), open_ns)
        return [from_local(wall, zone).alias("until")]

    opened = zone_columns(per, "zone", opening)
    return opened.group_by("contact_id").agg(pl.col("until").max(), pl.col("n").max())


@dataclass(frozen=True, slots=True)
class Exemptions:
    """Days whose events are not counted, and zones where the contact itself is exempt."""

    days: pl.DataFrame | None = None  # contact_id, h_date
    zones: pl.DataFrame | None = None  # contact_id, zone


def counter_findings(
    frames: Frames,
    targets: pl.DataFrame,
    counter: Counter,
    open_ns: int,
    exempt: Exemptions | None = None,
) -> pl.DataFrame:
    """Apply one counter to the contacts ``targets`` (``contact_id``, ``debt``, ``first_zone``)."""
    if targets.is_empty():
        return stack([])
    counted = dated(frames, counter.events & among(targets), counter.window_days)
    inside = counted.select("contact_id", "zone", "h_date")
    if inside.is_empty():
        return stack([])
    if exempt is not None and exempt.days is not None and not exempt.days.is_empty():
        inside = inside.join(exempt.days, on=["contact_id", "h_date"], how="anti")
    per = over_cap(inside, counter.cap, counter.window_days)
    if exempt is not None and exempt.zones is not None and not exempt.zones.is_empty():
        per = per.join(exempt.zones, on=["contact_id", "zone"], how="anti")
    if per.is_empty():
        return stack([])
    hit = release(per, open_ns).join(targets, on="contact_id")
    hit = local_label(hit, "until", "first_zone", "label")
    values = {"n": pl.col("n"), "debt": pl.col("debt"), "until": pl.col("label")}
    return finding(
        hit,
        counter.rule,
        counter.verdict,
        fmt(counter.message, **values),
        fmt(counter.message_zh, **values),
        until=pl.col("until"),
    )


# --------------------------------------------------------------------------- United States


def consent_days(frames: Frames) -> pl.DataFrame:
    """(contact_id, h_date): dates the person asked to be called on (US-FREQ-03)."""
    rows = frames.contacts.select("contact_id", "consents").explode("consents")
    rows = rows.filter(pl.col("consents").is_not_null()).unnest("consents")
    rows = rows.filter((pl.col("kind") == "call_on_date") & pl.col("date").is_not_null())
    return rows.select("contact_id", pl.col("date").alias("h_date")).unique()


def consented_zones(frames: Frames, days: pl.DataFrame) -> pl.DataFrame:
    """(contact_id, zone) where today is a consented date and no conversation ended it.

    1006.14(b)(3)(i) and cmt 14(b)(3)(i)-1..3: calls placed with the person's prior
    consent given directly do not count; the consent ends at any telephone
    conversation about the debt.
    """
    if days.is_empty():
        return frames.zoned.select("contact_id", "zone").clear()
    today = frames.zoned.select("contact_id", "zone", pl.col("now_date").alias("h_date"))
    today = today.join(days, on=["contact_id", "h_date"], how="semi")
    talked = dated(frames, CALLS & TALK & pl.col("same_debt") & among(today), 1)  # lag 0: today
    return today.join(
        talked.select("contact_id", "zone").unique(), on=["contact_id", "zone"], how="anti"
    ).select("contact_id", "zone")


def reg_f_calls(
    frames: Frames, cap: int, window_days: int, after_conversation: int, open_ns: int
) -> pl.DataFrame:
    """7 calls in 7 days, and none within 7 days after a conversation (per person, per debt).

    12 CFR 1006.14(b)(2)(i)(A) (US-FREQ-01) and (B) (US-FREQ-02), with the
    exclusions of 1006.14(b)(3) and cmt 14(b)(2)(i)-3. Only calls count; texts
    and e-mails do not (cmt 14(b)-1); a voicemail is a call. Calls to the
    consumer's attorney are neither limited nor counted (1006.14(b)(3)(iii)).
    """
    targets = frames.contacts.filter(
        (pl.col("medium") == "phone") & (pl.col("counterparty") != "attorney")
    ).select("contact_id", "debt", "first_zone")
    days = consent_days(frames)
    exempt = Exemptions(days=days, zones=consented_zones(frames, days))
    about_it = not_attorney() & ~misdirected() & pl.col("same_debt")
    seven = _seven_in_seven(cap, window_days, CALLS & OUT & connected() & about_it)
    talk = _after_conversation(after_conversation, CALLS & TALK & about_it)
    return stack(
        [
            counter_findings(frames, targets, seven, open_ns, exempt),
            counter_findings(frames, targets, talk, open_ns, Exemptions(zones=exempt.zones)),
        ]
    )


def _seven_in_seven(cap: int, window_days: int, events: pl.Expr) -> Counter:
    return Counter(
        "US-FREQ-01",
        cap,
        window_days,
        events,
        f"{{n}} counted calls about debt {{debt}} in the {window_days} days to today; one "
        f"more would be presumed harassment (more than {cap} in {window_days} days); the next "
        "call may be placed from {until}.",
        f"{window_days} 日内已就债务 {{debt}} 致电 {{n}} 次；再拨即推定构成骚扰；"
        "最早可于 {until} 再次致电。",
    )


def _after_conversation(days: int, events: pl.Expr) -> Counter:
    return Counter(
        "US-FREQ-02",
        1,
        days,
        events,
        f"A telephone conversation about debt {{debt}} took place within the last {days} "
        "days (its date is day 1); the next call may be placed from {until}.",
        f"{days} 日内已就债务 {{debt}} 与本人通话（通话当日为第 1 日）；"
        "最早可于 {until} 再次致电。",
    )


def bunching(frames: Frames, minutes: int) -> pl.DataFrame:
    """Calls in rapid succession to the same number: REVIEW.

    cmt 14(b)(2)(i)-2 (US-FREQ-08): two unanswered calls within minutes can rebut
    the presumption of compliance. The threshold is a DESIGN parameter.
    """
    if minutes <= 0:
        return stack([])
    calls = frames.contacts.lazy().filter(pl.col("medium") == "phone").select("contact_id", "now")
    placed = frames.recent.lazy().filter(CALLS & OUT & pl.col("same_to"))
    recent = placed.select("contact_id", "at").join(calls, on="contact_id")
    soon = pl.col("at") >= pl.col("now") - pl.duration(minutes=minutes)
    hit = recent.filter(soon).select("contact_id").unique().collect()
    return finding(
        hit,
        "US-FREQ-08",
        Verdict.REVIEW,
        f"This number was called less than {minutes} minutes ago: calls in rapid "
        "succession can make the calling harassing; a person must approve.",
        f"{minutes} 分钟内已拨打过该号码：连续拨打可能构成骚扰，需人工批准。",
    )
