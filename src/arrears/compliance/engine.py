"""The engine: every rule over every proposed contact, then one decision per contact.

:func:`evaluate` takes a frame of proposed contacts (:data:`model.CONTACTS`,
one row each) and their people's history (:data:`model.HISTORY`), runs every
applicable rule of every applicable rulebook (:func:`.rules.run_rules`), keeps
every finding, and decides per contact: the strictest verdict wins
(ALLOW < REQUIRE < REVIEW < DELAY < BLOCK); no finding means ALLOW.

DELAY and re-checks. A DELAY's ``until`` is the latest ``until`` of the DELAY
findings: the earliest instant at which each of them has cleared. A release can
land in a new obstacle — 08:00 on a day the person said is inconvenient, a
frequency release on a day already full, the hours of a second zone — so the
delayed contacts are evaluated again *at* their ``until`` (vectorised over all
of them at once), and new DELAY or BLOCK findings are added, up to
:data:`MAX_RECHECKS` times. A release that is still moving after that is not
scheduled automatically (HOUSE-RECHECK-01, BLOCK).

The daily planner calls :func:`evaluate` with millions of rows; the single
contact check (:mod:`.check`) calls it with one row. Same code, same findings.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from arrears.compliance.findings import RANK, finding, rank, stack
from arrears.compliance.frames import (
    Frames,
    at_now,
    build,
    moved,
    person_type,
    prepare_contacts,
    prepare_history,
)
from arrears.compliance.model import DECISIONS, FINDINGS, Verdict
from arrears.compliance.rulebooks import Rulebooks, USBook
from arrears.compliance.rules import run_rules
from arrears.compliance.rules.content_rules import with_disclosures
from arrears.compliance.rules.validation import with_validation_end

MAX_RECHECKS = 4
_NAMES = {value: name for name, value in RANK.items()}


@dataclass(frozen=True)
class Evaluation:
    """What the engine found and decided, with the rulebook versions it used."""

    findings: pl.DataFrame  # model.FINDINGS, zero or more rows per contact
    decisions: pl.DataFrame  # model.DECISIONS, exactly one row per contact
    rulebooks: dict[str, str]  # code -> version stamp


def evaluate(
    contacts: pl.DataFrame | pl.LazyFrame,
    history: pl.DataFrame | pl.LazyFrame,
    rulebooks: Rulebooks,
) -> Evaluation:
    """Findings and one decision for every proposed contact."""
    person = person_type(contacts, history)
    people = prepare_history(history, person)
    rows = prepare(contacts, people, rulebooks, person)
    frames = build(rows, people)
    found = recheck(frames, rulebooks, run_rules(frames, rulebooks))
    # ``until`` and ``message`` break ties within a rule (one per zone or counter), so the
    # order does not depend on how the joins before happened to order rows.
    found = found.with_columns(rank().alias("_rank")).sort(
        ["contact_id", "_rank", "rule", "until", "message"],
        descending=[False, True, False, False, False],
        nulls_last=True,
    )
    found = found.drop("_rank")
    return Evaluation(found, decide(rows, found, presorted=True), rulebooks.versions())


def prepare(
    contacts: pl.DataFrame | pl.LazyFrame,
    history: pl.DataFrame,
    rulebooks: Rulebooks,
    person: pl.DataType | None = None,
) -> pl.DataFrame:
    """Conformed contacts with the derived facts the rules share."""
    rows = prepare_contacts(contacts, person)
    us = rulebooks.params("US", USBook)
    rows = with_validation_end(rows, us.validation if us else None)
    rows = with_disclosures(rows)
    return with_reply_ok(rows, history)


def with_reply_ok(contacts: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """``reply_ok``: a reply, and the person's own contact in that medium awaits it.

    The latest event in the medium is the person's inbound one: one response may go
    at an inconvenient time or place, or through a medium they opted out of
    (cmt 6(b)(1)-2; 1006.14(h)(2)(ii)). After it, the restrictions apply again.
    """
    replies = contacts.filter(pl.col("purpose") == "reply").select(
        "contact_id", "person", "medium", "now"
    )
    if replies.is_empty():
        return contacts.with_columns(pl.lit(False).alias("reply_ok"))
    last = (
        replies.join(history.select("person", "medium", "at", "direction"), on=["person", "medium"])
        .filter(pl.col("at") < pl.col("now"))
        .sort("at")
        .group_by("contact_id")
        .agg(pl.col("direction").last())
    )
    ok = last.filter(pl.col("direction") == "in").select(
        "contact_id", pl.lit(True).alias("reply_ok")
    )
    joined = contacts.join(ok, on="contact_id", how="left")
    return joined.with_columns(pl.col("reply_ok").fill_null(False))


def decide(
    contacts: pl.DataFrame, found: pl.DataFrame, *, rules: bool = True, presorted: bool = False
) -> pl.DataFrame:
    """One row per contact: the strictest verdict, DELAY's ``until``, rules strictest first.

    ``presorted``: ``found`` is already ordered by contact, strictness and rule.
    """
    ranked = found.select("contact_id", "rule", "verdict", "until", rank().alias("_rank"))
    aggs = [
        pl.col("_rank").max(),
        pl.col("until").filter(pl.col("verdict") == "DELAY").max(),
    ]
    if rules:
        order = pl.col("rule")
        if not presorted:
            order = order.sort_by(["_rank", "rule"], descending=[True, False])
        aggs.append(order.unique(maintain_order=True).alias("rules"))
    per = ranked.group_by("contact_id", maintain_order=presorted).agg(aggs)
    out = contacts.select("contact_id").join(per, on="contact_id", how="left")
    verdict = pl.col("_rank").fill_null(0).replace_strict(_NAMES, return_dtype=pl.String())
    listed = pl.col("rules").fill_null([]) if rules else pl.lit([], DECISIONS["rules"])
    return out.select(
        "contact_id",
        verdict.alias("verdict"),
        pl.when(verdict == "DELAY").then(pl.col("until")).alias("until"),
        listed.alias("rules"),
    ).cast(DECISIONS)  # type: ignore[arg-type]


def recheck(first: Frames, books: Rulebooks, found: pl.DataFrame) -> pl.DataFrame:
    """Re-evaluate delayed contacts at their ``until`` until the release is stable.

    At ``now = until`` every earlier DELAY has cleared (``until`` is their latest),
    so the re-check's own findings decide alone: a new DELAY moves the release on,
    a new BLOCK ends it, nothing time-based means the release is good.
    """
    contacts = first.contacts
    pending = delayed(found)
    extra: list[pl.DataFrame] = []
    for _ in range(MAX_RECHECKS):
        if pending.is_empty():
            break
        new = run_rules(moved(first, at_now(contacts, pending)), books, timed=True)
        new = new.filter(pl.col("verdict").is_in(["DELAY", "BLOCK"]))
        extra.append(new)
        blocked = new.filter(pl.col("verdict") == "BLOCK").select("contact_id")
        later = (
            new.filter(pl.col("verdict") == "DELAY")
            .group_by("contact_id")
            .agg(pl.col("until").max())
        )
        pending = later.join(blocked, on="contact_id", how="anti")
    found = merge(found, stack(extra))
    if pending.is_empty():
        return found
    return stack([found, finding(pending, "HOUSE-RECHECK-01", Verdict.BLOCK, *_UNSTABLE)])


_UNSTABLE = (
    "The release time kept moving after several re-checks: a person must schedule this contact.",
    "多次复核后可联系时间仍不稳定：须人工安排。",
)


def delayed(found: pl.DataFrame) -> pl.DataFrame:
    """``contact_id``, ``until`` of the contacts whose decision (:func:`decide`) is DELAY.

    A contact without findings is allowed, so only the findings are grouped.
    """
    is_delay = pl.col("verdict") == "DELAY"
    per = found.group_by("contact_id").agg(
        rank().max().alias("_rank"), pl.col("until").filter(is_delay).max()
    )
    return per.filter(pl.col("_rank") == RANK["DELAY"]).select("contact_id", "until")


def merge(found: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Add a re-check's findings: later DELAYs replace earlier ones of the same rule;
    a BLOCK of a rule not yet reported is added; nothing else is repeated."""
    if new.is_empty():
        return found
    later = new.filter(pl.col("verdict") == "DELAY")
    latest = later.group_by("contact_id", "rule").agg(pl.col("until").max().alias("_new"))
    known = (
        found.filter(pl.col("verdict") == "DELAY")
        .group_by("contact_id", "rule")
        .agg(pl.col("until").max().alias("_old"))
    )
    later = later.join(latest, on=["contact_id", "rule"]).filter(pl.col("until") == pl.col("_new"))
    later = (
        later.join(known, on=["contact_id", "rule"], how="left")
        .filter(pl.col("_old").is_null() | (pl.col("until") > pl.col("_old")))
        .unique(["contact_id", "rule"], keep="first")
    )
    # Only DELAY findings can be replaced: the others are kept without a join.
    is_delay = pl.col("verdict") == "DELAY"
    kept = [
        found.filter(~is_delay),
        found.filter(is_delay).join(later, on=["contact_id", "rule"], how="anti"),
    ]
    blocks = (
        new.filter(pl.col("verdict") == "BLOCK")
        .join(found.select("contact_id", "rule"), on=["contact_id", "rule"], how="anti")
        .unique(["contact_id", "rule", "message"])
    )
    return stack([*kept, later.select(list(FINDINGS)), blocks])
