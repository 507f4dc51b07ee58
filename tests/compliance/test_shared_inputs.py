"""A plan's contacts are judged as each would be alone.

For tall frames the engine takes paths a single contact never takes: the hours
and the person's inconvenient times are computed once per distinct combination of
their inputs (``frames.per_distinct``) and handed to every contact of it, the
jurisdiction facts once per distinct list (``frames.per_value``), and counters
date only the events they count, inside their window (``frames.dated``). These
tests judge a batch larger than ``zones.SMALL`` whose contacts share a few
instants, zone sets and designations, then each contact alone, and require the
same findings and decisions.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from tests.compliance.scenario import books

from arrears.compliance.engine import evaluate
from arrears.compliance.model import CONTACTS, HISTORY
from arrears.compliance.zones import SMALL

KINDS = [  # (zones, jurisdictions)
    (["America/New_York"], ["US"]),
    ([], ["US"]),  # no zone known: the conservative US set
    (["America/Los_Angeles"], ["us-wa"]),  # lower case, no "US": normalised
    (["America/New_York"], ["US", "US-MA"]),
    (["America/Denver", "America/Phoenix"], ["US"]),
    ([], ["CN"]),
    (["Europe/London"], ["GB"]),
]
DESIGNATIONS = [
    [],
    [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "10:00", "until": None}],
    [{"days": [], "from": "20:00", "to": "09:30", "until": None}],
]
# A Monday, a Saturday, and a Sunday on which US clocks go back.
DAYS = [datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC)]  # fmt: skip


def _batch(seed: int, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    day = rng.choice(DAYS)
    instants = [day + timedelta(hours=h) for h in (0, 8, 13, 16)]
    contacts, history = [], []
    for i in range(n):
        zones, jurisdictions = rng.choice(KINDS)
        now = rng.choice(instants)
        person, to = f"p{i}", f"+1212555{i:04d}"
        contacts.append(
            {"contact_id": i, "person": person, "now": now, "jurisdictions": jurisdictions,
             "channel": rng.choice(["call", "call", "sms", "email"]), "to": to,
             "debt": f"d{i}", "automated": False, "counterparty": "debtor",
             "purpose": "collection", "to_line_type": "mobile", "to_owner": "debtor",
             "zones": zones, "zones_known": bool(zones),
             "inconvenient_times": rng.choice(DESIGNATIONS),
             "validation_sent_at": now - timedelta(days=40),
             "first_contact_at": now - timedelta(days=41)}
        )  # fmt: skip
        span = rng.choice([6, 31])  # some people were called often this week
        for _ in range(rng.choice([0, 2, 8, 12])):
            at = now - timedelta(hours=rng.uniform(0.05, 24 * span))
            history.append(
                {"person": person, "at": at, "channel": rng.choice(["call", "call", "sms"]),
                 "direction": rng.choice(["out", "out", "out", "in"]), "to": to,
                 "debt": rng.choice([f"d{i}", None]),
                 "outcome": rng.choice(["no_answer", "conversation", "busy", "delivered"])}
            )  # fmt: skip
    frame = pl.DataFrame(contacts, schema={c: t for c, t in CONTACTS.items() if c in contacts[0]})
    missing = [pl.lit(None, t).alias(c) for c, t in CONTACTS.items() if c not in frame.columns]
    return frame.with_columns(missing), pl.DataFrame(history, schema=HISTORY)


def _comparable(findings: pl.DataFrame) -> list[tuple[object, ...]]:
    return sorted(findings.rows(), key=repr)


@pytest.mark.parametrize("seed", [1, 2])
def test_each_contact_of_a_tall_batch_is_judged_as_alone(seed: int) -> None:
    contacts, history = _batch(seed, 3 * SMALL)
    batch = evaluate(contacts, history, books())
    assert batch.decisions.height == contacts.height
    alone_findings, alone_decisions = [], []
    for row in contacts.iter_slices(1):
        mine = history.filter(pl.col("person") == row["person"][0])
        one = evaluate(row, mine, books())
        alone_findings.append(one.findings)
        alone_decisions.append(one.decisions)
    assert _comparable(batch.findings) == _comparable(pl.concat(alone_findings))
    assert _comparable(batch.decisions) == _comparable(pl.concat(alone_decisions))
    # The batch exercises what it is meant to: shared hours, designations and counters.
    rules = set(batch.findings.get_column("rule"))
    assert {"US-TIME-01", "US-TIME-02a", "US-TIME-03", "US-FREQ-01", "WA-01"} <= rules
