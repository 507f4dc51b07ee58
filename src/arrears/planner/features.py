"""Account features for one partition, computed vectorised from store frames.

Every column of ``strategy.features.FEATURES`` is produced here and nowhere
else. Inputs are the frames of ``store.queries.planning`` for one partition of
debtors; ``as_of`` is the plan date. Measures that later issues provide
(scores) are null until their data exists; promises and plans come from
``store.queries.planning.resolution_state``.

The contact history is the tallest input; it is read once (:func:`history_facts`)
and the per-account aggregates are shared: the features read the recency
columns, and the planner's compliance step reads the first contact and the
validation notice that come along with the features (``HISTORY_FACTS``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import polars as pl

from arrears.core.aging import DPD_SCHEME, M_SCHEME
from arrears.core.currency import CURRENCIES
from arrears.planner.joins import attach
from arrears.strategy.features import MAJOR, SCHEMA, bucket_expr

MESSAGE_CHANNELS = ("sms", "email", "letter")
CALL_CHANNELS = ("call", "voicemail")
UNANSWERED = ("no_answer", "voicemail", "limited_content_message", "busy")
SEVEN_DAYS = timedelta(days=7)
VALIDATION_NOTICE = "validation_notice"


def _scale() -> pl.DataFrame:
    return pl.DataFrame(
        {"currency": list(CURRENCIES), "_scale": [10**e for e, _ in CURRENCIES.values()]},
        schema={"currency": pl.String, "_scale": pl.Int64},
    )


def _major(column: str) -> pl.Expr:
    """Exact major units: minor / 10**exponent as a decimal (never a float)."""
    return (pl.col(column).cast(MAJOR) / pl.col("_scale").cast(MAJOR)).cast(MAJOR)


def _days_since(column: str, as_of: date) -> pl.Expr:
    return (pl.lit(as_of) - pl.col(column).cast(pl.Date)).dt.total_days().cast(pl.Int32)


def money_and_age(accounts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Balances, days past due, buckets and lifecycle flags."""
    dpd = (pl.lit(as_of) - pl.col("due_on")).dt.total_days().cast(pl.Int32)
    return (
        attach(accounts, _scale(), "currency")
        .with_columns(
            (pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")
             + pl.col("costs_minor")).alias("balance_minor"),
            dpd.alias("dpd"),
        )
        .with_columns(
            _major("balance_minor").alias("balance"),
            _major("principal_minor").alias("principal"),
            bucket_expr(pl.col("dpd"), DPD_SCHEME).alias("bucket"),
            bucket_expr(pl.col("dpd"), M_SCHEME).alias("m_bucket"),
            _days_since("opened_on", as_of).alias("days_since_opened"),
            pl.col("charged_off_on").is_not_null().alias("charged_off"),
            _days_since("last_payment_on", as_of).alias("days_since_last_payment"),
            ((pl.col("status") == "disputed") | pl.col("holds").list.contains("dispute"))
            .alias("disputed"),
            ((pl.col("status") == "on_hold") | (pl.col("holds").list.len() > 0)).alias("on_hold"),
            pl.when(pl.col("segment_since").is_null()).then(0)
            .otherwise(_days_since("segment_since", as_of)).cast(pl.Int32).alias("segment_days"),
            pl.when(pl.col("last_payment_on") >= pl.lit(as_of - timedelta(days=1)))
            .then(pl.lit(["payment_received"])).otherwise(pl.lit([], dtype=pl.List(pl.String)))
            .alias("events"),
        )
        .drop("_scale")
    )  # fmt: skip


def contactability(accounts: pl.DataFrame, points: pl.DataFrame) -> pl.DataFrame:
    """Which channels each debtor can be reached on (contact points not marked do-not-contact)."""
    usable = points.lazy().filter(~pl.col("do_not_contact"))
    # Lazy: Polars' streaming engine runs this group-by several times faster.
    flags = (
        usable.group_by("debtor_id")
        .agg(
            (pl.col("kind") == "mobile").any().alias("has_mobile"),
            pl.col("kind").is_in(["mobile", "landline", "phone"]).any().alias("has_phone"),
            (pl.col("kind") == "email").any().alias("has_email"),
            (pl.col("kind") == "address").any().alias("has_address"),
        )
        .collect()
    )
    columns = ["has_mobile", "has_phone", "has_email", "has_address"]
    return attach(accounts, flags, "debtor_id").with_columns(
        pl.col(c).fill_null(False) for c in columns
    )


# The per-account aggregates of the contact history, computed in one pass (see
# ``history_facts``) and shared: features read the recency and outcome columns, the
# planner's compliance step reads ``first_contact_at`` and ``validation_sent_at``.
HISTORY_FACTS = ("first_contact_at", "validation_sent_at")


def history_facts(history: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Everything the plan needs from an account's contact history, one row per account.

    Recency per channel, contacts in the last 7 days, the last call's outcome,
    unanswered calls since the last conversation, whether the debtor replied
    after the last message, the first outbound contact and the validation notice.

    Why this shape: the history is the tallest input (about 8 rows an account), and
    one group-by of simple conditional maxima over it, run by Polars' streaming
    engine, costs a fraction of a group-by and a join per feature. The two facts
    that depend on another aggregate (unanswered calls after the last conversation,
    the outcome of the latest call) take a second pass over the calls only. Each
    event's facts (:func:`_event_flags`) are tested once, as booleans, and both
    passes are one query.
    """
    events = (
        history.lazy()
        .select("account_id", "occurred_at", **_event_flags())
        .with_row_index("_row")
        .cache()
    )
    per = events.group_by("account_id").agg(**_latest_instants(as_of)).cache()
    facts = per.join(_call_facts(events, per), on="account_id", how="left").collect()
    outcome = history["outcome"].gather(facts["_last_call_row"]).alias("last_call_outcome")
    return _recency(facts.with_columns(outcome), as_of)


def _event_flags() -> dict[str, pl.Expr]:
    """What the per-account facts test of each past event, computed once per event."""
    channel = pl.col("channel")
    return {
        "_out": pl.col("direction") == "out",
        "_in": pl.col("direction") == "in",
        **{f"_{ch}": channel == ch for ch in MESSAGE_CHANNELS},
        "_message": channel.is_in(MESSAGE_CHANNELS),
        "_call": channel.is_in(CALL_CHANNELS),
        "_talk": pl.col("outcome") == "conversation",
        "_unanswered": pl.col("outcome").is_in(UNANSWERED),
        "_notice": pl.col("template") == VALIDATION_NOTICE,
    }


_OUT = pl.col("_out")
_CALL = _OUT & pl.col("_call")


def _latest_instants(as_of: date) -> dict[str, pl.Expr]:
    """Conditional minima and maxima of ``occurred_at`` per account (one streaming group-by).

    ``at.filter(condition).max()`` rather than ``when(condition).then(at).max()``: the
    same value (nulls are skipped either way) for less work on the tallest input.
    """
    at = pl.col("occurred_at")
    # The UTC date of an instant is on or after D exactly when the instant is at or after
    # D's midnight UTC: compare instants instead of converting every one to a date.
    week = at >= pl.lit(datetime.combine(as_of - SEVEN_DAYS, time(0), tzinfo=UTC))

    def latest(when: pl.Expr) -> pl.Expr:
        return at.filter(when).max()

    return {
        "_last_out": latest(_OUT),
        "contacts_7d": (_OUT & week).sum().cast(pl.Int32),
        "_last_conv": latest(pl.col("_talk")),
        **{f"_last_{ch}": latest(_OUT & pl.col(f"_{ch}")) for ch in MESSAGE_CHANNELS},
        "_last_msg": latest(_OUT & pl.col("_message")),
        "_last_in": latest(pl.col("_in")),
        "_last_call": latest(_CALL),
        "first_contact_at": at.filter(_OUT).min(),
        "validation_sent_at": at.filter(_OUT & pl.col("_notice")).min(),
    }


def _call_facts(events: pl.LazyFrame, per: pl.LazyFrame) -> pl.LazyFrame:
    """Unanswered calls since the last conversation; the row of the latest call.

    Among calls at the same latest instant the one recorded last wins (the row
    order of the history), as a stable sort by time would have it.
    """
    at = pl.col("occurred_at")
    calls = events.filter(_CALL).join(
        per.select("account_id", "_last_conv", "_last_call"), on="account_id"
    )
    since_talk = pl.col("_last_conv").is_null() | (at > pl.col("_last_conv"))
    unanswered = since_talk & pl.col("_unanswered")
    return calls.group_by("account_id").agg(
        unanswered.sum().cast(pl.Int32).alias("unanswered_calls"),
        pl.when(at == pl.col("_last_call")).then(pl.col("_row")).max().alias("_last_call_row"),
    )


def _recency(facts: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Days since the latest instants; the debtor replied after the last message."""

    def since(column: str) -> pl.Expr:
        return (pl.lit(as_of) - pl.col(column).dt.date()).dt.total_days().cast(pl.Int32)

    replied = (
        pl.col("_last_in").is_not_null()
        & pl.col("_last_msg").is_not_null()
        & (pl.col("_last_in") > pl.col("_last_msg"))
    )
    return facts.select(
        "account_id",
        since("_last_out").alias("days_since_last_contact"),
        "contacts_7d",
        since("_last_conv").alias("days_since_last_conversation"),
        *(since(f"_last_{ch}").alias(f"days_since_last_{ch}") for ch in MESSAGE_CHANNELS),
        "last_call_outcome",
        "unanswered_calls",
        replied.alias("replied_since_last_message"),
        *HISTORY_FACTS,
    )


def activity(accounts: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Recency and outcomes of contacts, per account (``facts`` from :func:`history_facts`)."""
    return attach(accounts, facts, "account_id").with_columns(
        pl.col("unanswered_calls").fill_null(0),
        pl.col("contacts_7d").fill_null(0),
        pl.col("replied_since_last_message").fill_null(False),
    )


def segment_progress(frame: pl.DataFrame, done: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Steps done in the account's ``segment`` and how long ago (a step fires once per segment).

    Called with the segment the account is in; after the strategy puts the account
    in a new segment the planner calls it again, so a new segment starts afresh.
    """
    in_segment = done.join(frame.select("account_id", "segment"), on=["account_id", "segment"])
    empty_done = pl.lit([], dtype=pl.List(pl.String))
    empty_last = pl.lit([], dtype=SCHEMA["steps_last_done"])
    kept = frame.drop("steps_done", "steps_last_done", strict=False)
    if in_segment.is_empty():
        # Nothing done in these segments yet (a first plan; most accounts after a segment
        # change): the same empty lists as the join below gives, without joining.
        return kept.with_columns(
            empty_done.alias("steps_done"), empty_last.alias("steps_last_done")
        )
    days_ago = (pl.lit(as_of) - pl.col("last_done")).dt.total_days().cast(pl.Int32)
    steps = in_segment.group_by("account_id").agg(
        pl.col("step").unique().alias("steps_done"),
        pl.struct(pl.col("step"), days_ago.alias("days_ago")).alias("steps_last_done"),
    )
    return attach(kept, steps, "account_id").with_columns(
        pl.col("steps_done").fill_null(empty_done),
        pl.col("steps_last_done").fill_null(empty_last),
    )


def validation_notices(history: pl.DataFrame) -> pl.DataFrame:
    """When each account's validation notice was sent (US, Reg F 1006.34)."""
    return (
        history.filter((pl.col("template") == VALIDATION_NOTICE) & (pl.col("direction") == "out"))
        .group_by("account_id")
        .agg(pl.col("occurred_at").min().alias("validation_sent_at"))
    )


def strategy_state(
    accounts: pl.DataFrame, done: pl.DataFrame, invoices: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """Progress in the current segment, the validation notice, open invoices.

    The notice counts as sent when the history shows it (``validation_sent_at``,
    from :func:`history_facts`) or an earlier plan already planned it.
    """
    planned = done.filter(pl.col("template") == VALIDATION_NOTICE).select("account_id").unique()
    planned = planned.with_columns(pl.lit(True).alias("_planned"))
    current = accounts.with_columns(pl.col("current_segment").alias("segment"))
    progress = segment_progress(current, done, as_of).drop("segment")
    return (
        attach(attach(progress, planned, "account_id"), invoices, "account_id")
        .with_columns(
            (
                pl.col("validation_sent_at").is_not_null() | pl.col("_planned").fill_null(False)
            ).alias("validation_notice_sent"),
            pl.col("invoice_count").fill_null(0).cast(pl.Int32),
        )
        .drop("_planned")
    )


def arrangements(frame: pl.DataFrame, resolution: pl.DataFrame | None) -> pl.DataFrame:
    """Promise and plan status, broken promises, missed instalments, and their events."""
    if resolution is None:
        return frame.with_columns(
            pl.lit(None, dtype=pl.String).alias("promise_status"),
            pl.lit(0, dtype=pl.Int32).alias("broken_promises"),
            pl.lit(None, dtype=pl.String).alias("plan_status"),
            pl.lit(0, dtype=pl.Int32).alias("missed_instalments"),
        )
    return (
        attach(frame, resolution, "account_id")
        .with_columns(
            pl.col("broken_promises").fill_null(0).cast(pl.Int32),
            pl.col("missed_instalments").fill_null(0).cast(pl.Int32),
            # Most accounts have no such event: concatenating only where one exists
            # halves the cost of this step.
            pl.when(pl.col("resolution_events").list.len() > 0)
            .then(pl.col("events").list.concat(pl.col("resolution_events")))
            .otherwise(pl.col("events"))
            .alias("events"),
        )
        .drop("resolution_events")
    )


def account_features(
    accounts: pl.DataFrame,
    points: pl.DataFrame,
    history: pl.DataFrame,
    done: pl.DataFrame,
    invoices: pl.DataFrame,
    as_of: date,
    resolution: pl.DataFrame | None = None,
    scores: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The documented features (plus the columns the planner carries along).

    ``resolution`` is ``store.queries.planning.resolution_state`` (promises, plans and
    today's promise_broken / instalment_missed events); without it there are none.
    ``scores`` is ``store.queries.scoring.used_scores`` (account_id, score, tier and
    expected_amount_minor of the model arm each account is in); without it, or for an
    account without a fresh score, ``score`` and ``tier`` are null.
    """
    frame = money_and_age(accounts, as_of)
    frame = contactability(frame, points)
    frame = activity(frame, history_facts(history, as_of))
    frame = strategy_state(frame, done, invoices, as_of)
    frame = arrangements(frame, resolution)
    frame = _scores(frame, scores).with_columns(
        # No limitations table, hardship or vulnerability records exist yet: the strategies
        # use cautious proxies until then (docs/strategies.md).
        pl.lit(False).alias("time_barred"),
        pl.lit(False).alias("hardship"),
        pl.lit(False).alias("vulnerable"),
    )
    return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items())


def _scores(frame: pl.DataFrame, scores: pl.DataFrame | None) -> pl.DataFrame:
    """The model's ``score`` and ``tier`` per account (null: not scored).

    ``expected_amount_minor`` comes along when the scores have it (``planner.value``
    uses it instead of the balance).
    """
    if scores is None:
        return frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("score"),
            pl.lit(None, dtype=pl.String).alias("tier"),
        )
    columns = [c for c in ("score", "tier", "expected_amount_minor") if c in scores.columns]
    found = scores.select("account_id", *columns).unique("account_id", keep="first")
    return frame.drop(*columns, strict=False).join(found, on="account_id", how="left")
