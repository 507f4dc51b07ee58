"""Compliance of the simulated contacts: the gate before a call, the audit after every contact.

Both ask the one engine through :func:`arrears.outbox.recheck.judge` — the
dispatcher's send-time check — with the facts in the store at that instant.

* the **gate**: before the simulated dialler places a call at its instant;
* the **audit**: after every instant at which contacts happened, every
  outbound interaction recorded at that instant (messages sent by the
  dispatcher, calls made by the dialler) is judged again, against the history
  strictly before it. A verdict of BLOCK or DELAY is a violation (must be zero:
  the simulator counts them, it never hides them); a REVIEW is counted apart
  (wording a person has to approve, which the dispatcher accepts only for
  templates reviewed in advance).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import polars as pl

from arrears.compliance.rulebooks import Rulebooks
from arrears.outbox.recheck import judge
from arrears.store.queries import planning as queries
from arrears.store.uow import UnitOfWork

HISTORY_DAYS = 30
CONTACT = ("call", "sms", "email", "letter")


@dataclass
class AuditTally:
    checked: int = 0
    violations: int = 0
    reviews: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


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


def audit(
    uow_factory: Callable[[], UnitOfWork],
    contacts: pl.DataFrame,
    rulebooks: Rulebooks,
    now: datetime,
    tally: AuditTally,
) -> None:
    """Judge the contacts made at ``now`` again and count what should not have happened."""
    if contacts.is_empty():
        return
    with uow_factory() as uow:
        judged = verdicts(uow, contacts, rulebooks, now)
    tally.checked += judged.height
    bad = judged.filter(pl.col("verdict").is_in(["BLOCK", "DELAY"]))
    tally.reviews += judged.filter(pl.col("verdict") == "REVIEW").height
    tally.violations += bad.height
    for rules, reason in bad.select("rules", "stop_reason").iter_rows():
        names = list(rules or []) or [reason or "?"]
        tally.rules.update(names)
        if len(tally.examples) < 20:
            tally.examples.append(f"{now.isoformat()}: {', '.join(names)}")
