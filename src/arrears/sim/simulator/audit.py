"""Compliance of the simulated contacts: one judgement per instant, gate and audit.

Both ask the one engine through :func:`arrears.outbox.recheck.judge` — the
dispatcher's send-time check — with the facts in the store at that instant
and the history strictly before it. At every instant with contacts, one call
of the engine judges together:

* the **audit** of the messages the dispatcher has just sent (it re-checked
  them itself; this is the independent second look). A verdict of BLOCK or
  DELAY is a violation (must be zero: the simulator counts them, it never
  hides them); a REVIEW is counted apart (wording a person has to approve,
  which the dispatcher accepts only for templates reviewed in advance);
* the **gate** of the calls the dialler means to make: only those the engine
  allows are made. Their judgement is also their audit — the facts it reads
  cannot change between the decision and the call (the history is strictly
  before the instant, and nothing else happens in between) — so judging them
  again afterwards would only repeat the same computation. What the audit
  adds for calls is the record: the calls recorded at the instant must be
  exactly those the gate allowed, to the same number; any other is a violation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from arrears.compliance.rulebooks import Rulebooks
from arrears.outbox.recheck import judge
from arrears.store.queries import planning as queries
from arrears.store.uow import UnitOfWork

HISTORY_DAYS = 30
CONTACT = ("call", "sms", "email", "letter")
ALLOWED = pl.col("verdict").is_in(["ALLOW", "REQUIRE"])
CONTACTS = {"contact_id": pl.Int64, "account_id": pl.Int64, "debtor_id": pl.Int64,
            "channel": pl.String, "to": pl.String}  # fmt: skip


@dataclass
class AuditTally:
    checked: int = 0
    violations: int = 0
    reviews: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def flag(self, now: datetime, names: list[str]) -> None:
        self.violations += 1
        self.rules.update(names)
        if len(self.examples) < 20:
            self.examples.append(f"{now.isoformat()}: {', '.join(names)}")


def verdicts(
    uow: UnitOfWork, contacts: pl.DataFrame, rulebooks: Rulebooks, now: datetime
) -> pl.DataFrame:
    """The engine's verdict on each contact at ``now`` (history strictly before ``now``).

    ``contacts``: contact_id, account_id, debtor_id, channel, to.
    """
    debtors = sorted(set(contacts["debtor_id"].to_list()))
    accounts = sorted(set(contacts["account_id"].to_list()))
    session = uow.session
    frame_accounts = queries.open_accounts(session, account_ids=accounts)
    points = queries.contact_points(session, debtor_ids=debtors)
    history = queries.interactions(
        session, since=now - timedelta(days=HISTORY_DAYS), debtor_ids=debtors
    ).filter(pl.col("occurred_at") < now)
    messages = contacts.select(
        "contact_id", "account_id", "debtor_id", "channel", "to",
        pl.lit(None, dtype=pl.String).alias("content"),
    )  # fmt: skip
    return judge(messages, frame_accounts, points, history, rulebooks, now)


def judge_instant(
    uow: UnitOfWork, sent: pl.DataFrame, calls: pl.DataFrame, rulebooks: Rulebooks, now: datetime
) -> pl.DataFrame:
    """One judgement of the messages ``sent`` at ``now`` and the proposed ``calls``.

    Returns contact_id (each frame's own), kind ("sent" or "call"), account_id,
    to, verdict, rules and stop_reason.
    """
    both = pl.concat([
        sent.select(*CONTACTS).with_columns(pl.lit("sent").alias("kind")),
        calls.select(*CONTACTS).with_columns(pl.lit("call").alias("kind")),
    ]).with_columns(pl.col("contact_id").alias("own"))  # fmt: skip
    both = both.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("contact_id"))
    judged = verdicts(uow, both, rulebooks, now)
    return (
        both.select("contact_id", "own", "kind", "account_id", "to")
        .join(judged.select("contact_id", "verdict", "rules", "stop_reason"), on="contact_id")
        .drop("contact_id")
        .rename({"own": "contact_id"})
    )


def count(tally: AuditTally, judged: pl.DataFrame, now: datetime) -> None:
    """Count the audit's verdicts on contacts already made."""
    tally.checked += judged.height
    tally.reviews += judged.filter(pl.col("verdict") == "REVIEW").height
    bad = judged.filter(pl.col("verdict").is_in(["BLOCK", "DELAY"]))
    for rules, reason in bad.select("rules", "stop_reason").iter_rows():
        tally.flag(now, list(rules or []) or [reason or "?"])


def check_calls(
    tally: AuditTally, contacts: pl.DataFrame, allowed: pl.DataFrame, now: datetime
) -> None:
    """The calls recorded at ``now`` must be those the gate allowed (each counted as judged)."""
    key = ["account_id", "to"]
    recorded = contacts.filter(pl.col("channel") == "call").select(key)
    tally.checked += recorded.height
    stray = recorded.join(allowed.select(key).unique(), on=key, how="anti").height
    for _ in range(max(stray, recorded.height - allowed.height)):
        tally.flag(now, ["a call the gate did not allow"])


def contacts_at(uow: UnitOfWork, now: datetime) -> pl.DataFrame:
    """Outbound contacts recorded at exactly ``now``."""
    rows = queries.interactions(uow.session, since=now, debtor_ids=None)
    rows = rows.filter(
        (pl.col("occurred_at") == now)
        & (pl.col("direction") == "out")
        & pl.col("channel").is_in(list(CONTACT))
    )
    return rows.with_row_index("contact_id").with_columns(
        pl.col("contact_id").cast(pl.Int64), pl.col("contact_value").alias("to")
    )
