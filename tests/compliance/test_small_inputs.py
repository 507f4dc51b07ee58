"""One account's numbers are judged as they would be among a million.

The 360 view asks the send-time judge (``outbox.recheck.judge``) about the few
numbers of one account; the plan asks the engine about millions of contacts.
For a few rows the engine takes one-pass paths (``zones.SMALL``: each column
picks its zone's expression instead of going zone by zone), so these tests
judge many accounts at once with the zone-by-zone paths forced, then each
account alone, and require the same verdicts, release instants, rules and
findings. Hypothesis draws the accounts: jurisdictions with and without a known
zone (the conservative US set), several numbers, consents, opt-outs,
inconvenient times, holds, and past contacts (some minutes ago, some around a
daylight-saving change).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest.mock import patch

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.compliance.scenario import books

from arrears.compliance import zones
from arrears.compliance.engine import evaluate
from arrears.compliance.model import CONTACTS, HISTORY
from arrears.outbox.recheck import judge
from arrears.store.queries.planning import INCONVENIENT, OPT_OUTS

PLACES = {
    "US-MA": ["America/New_York"],
    "US-WA": ["America/Los_Angeles"],
    "US-CA": ["America/Los_Angeles"],
    "US-NY": ["America/New_York"],
    "CN": ["Asia/Shanghai"],
    "GB": ["Europe/London"],
}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CHANNELS = ["call", "call", "voicemail", "sms", "email", "letter"]
OUTCOMES = [None, "no_answer", "busy", "conversation", "delivered", "not_in_service"]
DST = [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)]

instants = st.one_of(
    st.sampled_from(DST).flatmap(
        lambda at: st.integers(-30 * 60, 36 * 60).map(lambda m: at + timedelta(minutes=m))
    ),
    st.datetimes(
        min_value=datetime(2026, 1, 5), max_value=datetime(2026, 12, 20), timezones=st.just(UTC)
    ),
)
designations = st.lists(
    st.builds(
        lambda days, start, hours: {
            "days": days,
            "from": f"{start:02d}:00",
            "to": f"{min(start + hours, 24):02d}:00",
            "until": None,
        },
        st.lists(st.sampled_from(DAYS), max_size=3, unique=True),
        st.integers(0, 22),
        st.integers(1, 12),
    ),
    max_size=2,
)
events = st.lists(
    st.tuples(
        st.integers(2, 31 * 24 * 60),  # minutes before now
        st.sampled_from(CHANNELS),
        st.sampled_from(OUTCOMES),
        st.booleans(),  # inbound
        st.integers(0, 2),  # which number
    ),
    max_size=25,
)
accounts = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(sorted(PLACES)),
        "zone_known": st.booleans(),
        "numbers": st.integers(1, 3),
        "consent": st.booleans(),
        "opted_out": st.sampled_from([None, "call", "sms"]),
        "times": designations,
        "hold": st.sampled_from([[], [], [], ["dispute"], ["cease"]]),
        "events": events,
    }
)


def frames(drawn: list[dict[str, Any]], now: datetime) -> tuple[pl.DataFrame, ...]:
    """messages, accounts, points and history as the store's planning queries give them."""
    msgs, accts, pts, past = [], [], [], []
    for i, a in enumerate(drawn):
        account_id = 100 + i
        numbers = [f"+1617555{account_id:04d}{k}" for k in range(a["numbers"])]
        known = PLACES[a["jurisdiction"]] if a["zone_known"] else []
        accts.append({"account_id": account_id, "debtor_id": account_id, "status": "active",
                      "jurisdiction": a["jurisdiction"], "holds": a["hold"],
                      "time_zones": known})  # fmt: skip
        opt_outs = [{"channel": a["opted_out"], "to": None, "at": now - timedelta(days=3)}]
        for k, number in enumerate(numbers):
            point_id = account_id * 10 + k
            pts.append({"point_id": point_id, "debtor_id": account_id,
                        "kind": ["mobile", "phone", "landline"][k], "value": number,
                        "line_type": None, "time_zones": [], "verified": k == 0,
                        "consents": ["tcpa"] if a["consent"] else [], "do_not_contact": False,
                        "preferred": k == 0, "confidence": 80,
                        "opt_outs": opt_outs if a["opted_out"] else [],
                        "inconvenient_times": a["times"]})  # fmt: skip
            msgs.append({"contact_id": point_id, "account_id": account_id,
                         "debtor_id": account_id, "channel": "call", "to": number,
                         "content": None})  # fmt: skip
        for minutes, channel, outcome, inbound, which in a["events"]:
            past.append({"debtor_id": account_id, "account_id": account_id, "channel": channel,
                         "direction": "in" if inbound else "out",
                         "occurred_at": now - timedelta(minutes=minutes),
                         "contact_value": numbers[min(which, len(numbers) - 1)],
                         "outcome": outcome, "template": None})  # fmt: skip
    return (
        pl.DataFrame(msgs, schema={"contact_id": pl.Int64, "account_id": pl.Int64,
                                   "debtor_id": pl.Int64, "channel": pl.String,
                                   "to": pl.String, "content": pl.String}),
        pl.DataFrame(accts, schema={"account_id": pl.Int64, "debtor_id": pl.Int64,
                                    "status": pl.String, "jurisdiction": pl.String,
                                    "holds": pl.List(pl.String),
                                    "time_zones": pl.List(pl.String)}),
        pl.DataFrame(pts, schema={"point_id": pl.Int64, "debtor_id": pl.Int64,
                                  "kind": pl.String, "value": pl.String,
                                  "line_type": pl.String, "time_zones": pl.List(pl.String),
                                  "verified": pl.Boolean, "consents": pl.List(pl.String),
                                  "do_not_contact": pl.Boolean, "preferred": pl.Boolean,
                                  "confidence": pl.Int64, "opt_outs": OPT_OUTS,
                                  "inconvenient_times": INCONVENIENT}),
        pl.DataFrame(past, schema={"debtor_id": pl.Int64, "account_id": pl.Int64,
                                   "channel": pl.String, "direction": pl.String,
                                   "occurred_at": pl.Datetime("us", "UTC"),
                                   "contact_value": pl.String, "outcome": pl.String,
                                   "template": pl.String}),
    )  # fmt: skip


def comparable(verdicts: pl.DataFrame) -> list[tuple[Any, ...]]:
    """Verdict, release, rules and findings per contact, in a fixed order."""
    rows = verdicts.sort("contact_id").to_dicts()
    return [
        (r["contact_id"], r["verdict"], r["until"], r["rules"], r["stop_reason"],
         sorted((f["rule"], f["verdict"], str(f["until"]), f["message"])
                for f in r["findings"] or []))
        for r in rows
    ]  # fmt: skip


def one_by_one(drawn: list[dict[str, Any]], now: datetime) -> pl.DataFrame:
    messages, accts, pts, past = frames(drawn, now)
    out = []
    for account_id in accts["account_id"].to_list():
        mine = pl.col("account_id") == account_id
        out.append(
            judge(
                messages.filter(mine),
                accts.filter(mine),
                pts.filter(pl.col("debtor_id") == account_id),
                past.filter(mine),
                books(),
                now,
            )
        )
    return pl.concat(out)


def all_at_once(drawn: list[dict[str, Any]], now: datetime) -> pl.DataFrame:
    with patch.object(zones, "SMALL", -1):  # every frame takes the zone-by-zone paths
        return judge(*frames(drawn, now), books(), now)


@settings(max_examples=25, deadline=None)
@given(st.lists(accounts, min_size=2, max_size=12), instants)
def test_each_account_alone_is_judged_as_in_a_batch(drawn: list[dict[str, Any]], now: datetime):
    alone = one_by_one(drawn, now)
    assert comparable(alone) == comparable(all_at_once(drawn, now))


def test_an_account_without_a_known_zone_waits_for_every_us_zone():
    """US-WA without a zone: the conservative US zones, the batch and the single path agree."""
    drawn = [{"jurisdiction": "US-WA", "zone_known": False, "numbers": 3, "consent": False,
              "opted_out": None, "times": [], "hold": [],
              "events": [(90, "call", "no_answer", False, 0)]}]  # fmt: skip
    now = datetime.combine(date(2026, 11, 20), time(15, 0), UTC)  # 07:00 in Seattle
    alone = one_by_one(drawn, now)
    assert set(alone["verdict"]) == {"DELAY"}
    assert comparable(alone) == comparable(all_at_once(drawn, now))


def _evaluation(person: pl.DataType) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    contacts = pl.DataFrame(
        {"contact_id": [1, 2], "person": [7, 8], "now": [now, now],
         "jurisdictions": [["US"], ["US"]], "channel": ["call", "call"],
         "to": ["+16175550000", "+16175550001"], "debt": ["a7", "a8"],
         "zones": [["America/New_York"], ["America/New_York"]]},
        schema_overrides={"now": pl.Datetime("us", "UTC")},
    ).with_columns(pl.col("person").cast(person))  # fmt: skip
    calls = [now - timedelta(days=d, hours=1) for d in range(7)]
    history = pl.DataFrame(
        {"person": [7] * 7, "at": calls, "channel": ["call"] * 7, "direction": ["out"] * 7,
         "to": ["+16175550000"] * 7, "debt": ["a7"] * 7, "outcome": ["no_answer"] * 7},
        schema_overrides={"at": pl.Datetime("us", "UTC")},
    ).with_columns(pl.col("person").cast(person))  # fmt: skip
    contacts = contacts.with_columns(
        pl.lit(None, CONTACTS[c]).alias(c) for c in CONTACTS if c not in contacts.columns
    )
    history = history.with_columns(
        pl.lit(None, HISTORY[c]).alias(c) for c in HISTORY if c not in history.columns
    )
    result = evaluate(contacts, history, books())
    return result.findings.sort("contact_id", "rule").to_dicts(), result.decisions.to_dicts()


def test_integer_and_text_person_keys_give_the_same_evaluation():
    """The planner passes debtor ids as integers; other callers pass text: same findings."""
    as_text, as_int = _evaluation(pl.String()), _evaluation(pl.Int64())
    assert as_text == as_int
    assert {f["rule"] for f in as_int[0] if f["contact_id"] == 1} >= {"US-FREQ-01"}
