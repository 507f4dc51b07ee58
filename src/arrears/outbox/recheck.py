"""Compliance at the real send time, with the real text.

Between planning and sending a payment, a dispute, a STOP or a cease request
may have arrived, and the instant is no longer 08:00 but now. The rows of a
batch are laid out in the engine's contacts schema exactly as the planner does
(:func:`arrears.planner.contacts.contacts_frame`), with the actual instant and
the rendered text as ``content``, and judged by the same engine: one
implementation of each rule, whoever asks.

Before the engine, two facts end a message outright: the account is no longer
open (paid, settled, closed ...), or the address it was meant for is gone,
marked do-not-contact or known to be someone else's.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from arrears.compliance.engine import evaluate
from arrears.compliance.model import FINDINGS
from arrears.compliance.rulebooks import Rulebooks
from arrears.core.accounts import OPEN_STATUSES
from arrears.planner.contacts import KINDS, contacts_frame, history_frame
from arrears.planner.features import validation_notices
from arrears.planner.plan import FINDING_FIELDS, first_contacts

FINDING = pl.Struct({name: FINDINGS[name] for name in FINDING_FIELDS})
OPEN = sorted(status.value for status in OPEN_STATUSES)

VERDICTS: dict[str, pl.DataType] = {
    "contact_id": pl.Int64(), "verdict": pl.String(), "until": pl.Datetime("us", "UTC"),
    "rules": pl.List(pl.String()), "findings": pl.List(FINDING), "stop_reason": pl.String(),
    "stop_code": pl.String(),
}  # fmt: skip


def judge(
    messages: pl.DataFrame,
    accounts: pl.DataFrame,
    points: pl.DataFrame,
    history: pl.DataFrame,
    rulebooks: Rulebooks,
    now: datetime,
) -> pl.DataFrame:
    """One verdict per message.

    ``messages``: contact_id, account_id, debtor_id, channel, to, content.

    ``stop_reason`` is set when the message must not go at all for a reason outside
    the rules (closed account, unusable address); ``verdict`` is then BLOCK and
    ``stop_code`` says which for code that must not read the English sentence:
    ``account_gone``, ``account_closed`` or ``address_unusable``.
    """
    joined = _with_facts(messages, accounts, points)
    stopped = joined.filter(pl.col("stop_reason").is_not_null())
    live = joined.filter(pl.col("stop_reason").is_null()) if not stopped.is_empty() else joined
    out = [_stopped(stopped)] if not stopped.is_empty() or live.is_empty() else []
    if not live.is_empty():
        out.append(_engine(live, history, rulebooks, now))
    return pl.concat([frame.select(list(VERDICTS)).cast(VERDICTS) for frame in out])  # type: ignore[arg-type]


# Which contact point kinds serve which channel, as a frame (built once).
_KINDS = pl.DataFrame(
    [(c, k) for c, ks in KINDS.items() for k in ks], schema=["channel", "kind"], orient="row"
)


def _with_facts(
    messages: pl.DataFrame, accounts: pl.DataFrame, points: pl.DataFrame
) -> pl.DataFrame:
    usable = (
        points.rename({"value": "to", "time_zones": "point_zones"})
        .join(_KINDS, on="kind")
        .filter(~pl.col("do_not_contact"))
        .unique(["debtor_id", "channel", "to"], keep="first")
        .select(
            "debtor_id",
            "channel",
            "to",
            "kind",
            "point_zones",
            "consents",
            "opt_outs",
            "inconvenient_times",
        )
    )
    frame = messages.join(accounts.drop("debtor_id"), on="account_id", how="left").join(
        usable, on=["debtor_id", "channel", "to"], how="left"
    )
    reason = (
        pl.when(pl.col("status").is_null()).then(pl.lit("the account no longer exists"))
        .when(~pl.col("status").is_in(OPEN))
        .then(pl.format("the account is {} now", pl.col("status")))
        .when(pl.col("kind").is_null())
        .then(pl.lit("the address is no longer usable (removed, do-not-contact or wrong party)"))
    )  # fmt: skip
    code = (
        pl.when(pl.col("status").is_null()).then(pl.lit("account_gone"))
        .when(~pl.col("status").is_in(OPEN)).then(pl.lit("account_closed"))
        .when(pl.col("kind").is_null()).then(pl.lit("address_unusable"))
    )  # fmt: skip
    return frame.with_columns(reason.alias("stop_reason"), code.alias("stop_code"))


def _stopped(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        "contact_id",
        pl.lit("BLOCK").alias("verdict"),
        pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("until"),
        pl.lit(["account_or_address"]).alias("rules"),
        pl.lit(None, dtype=pl.List(FINDING)).alias("findings"),
        "stop_reason",
        "stop_code",
    )


def _engine(
    rows: pl.DataFrame, history: pl.DataFrame, rulebooks: Rulebooks, now: datetime
) -> pl.DataFrame:
    steps = rows.join(first_contacts(history), on="account_id", how="left").join(
        validation_notices(history), on="account_id", how="left"
    )
    contacts = contacts_frame(steps, now.date(), known=frozenset(rulebooks)).with_columns(
        pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("now"),
        steps["content"].alias("content"),
    )
    result = evaluate(contacts, history_frame(history), rulebooks)
    findings = result.findings.group_by("contact_id").agg(
        pl.struct(*FINDING_FIELDS).alias("findings")
    )
    return result.decisions.join(findings, on="contact_id", how="left").with_columns(
        pl.lit(None, dtype=pl.String).alias("stop_reason"),
        pl.lit(None, dtype=pl.String).alias("stop_code"),
    )
