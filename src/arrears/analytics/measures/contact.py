"""Contact: right-party contacts, promises, contact and response rates, deliveries, best time.

Outcomes are the interaction outcomes the workbench and the channels record:
a call ``conversation`` is a right-party contact (RPC); ``third_party_answered``
reached someone else. A message or letter is contacted when ``delivered``. A
response is any inbound interaction on the account within ``RESPONSE_HOURS``
of an outbound attempt.

The functions take interactions one per row, or rows of a cube (``analytics.cubes``)
that stand for ``n`` interactions each: counts are sums of ``n`` (1 when absent), so
the same function computes a view from the interactions or from a cube.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.analytics.measures import share

RPC = ("conversation",)
REACHED = ("conversation", "third_party_answered", "delivered")
RESPONSE_HOURS = 72
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _result() -> pl.Expr:
    return pl.coalesce("outcome", "status")


def weighted(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``n``, the interactions each row stands for (1 for an interaction)."""
    return rows if "n" in rows.columns else rows.with_columns(pl.lit(1, pl.Int64).alias("n"))


def count(condition: pl.Expr | None = None) -> pl.Expr:
    """The interactions (Σ n) of a group, of those meeting ``condition`` when given."""
    n = pl.col("n") if condition is None else pl.col("n").filter(condition)
    return n.sum().cast(pl.Int64)


def right_party_contact_rate(interactions: pl.DataFrame) -> pl.DataFrame:
    """RPCs ÷ outbound call attempts, and RPCs ÷ connects (answered by anyone)."""
    calls = weighted(interactions).filter(
        (pl.col("channel") == "call") & (pl.col("direction") == "out")
    )
    return (
        calls.group_by("client_id")
        .agg(
            count().alias("attempts"),
            count(_result().is_in(["conversation", "third_party_answered"])).alias("connects"),
            count(_result().is_in(RPC)).alias("rpc"),
        )
        .with_columns(share("rpc", "attempts").alias("rpc_rate"),
                      share("rpc", "connects").alias("rpc_per_connect"))
        .sort("client_id")
    )  # fmt: skip


def responded(interactions: pl.DataFrame, tz: str = "UTC") -> pl.DataFrame:
    """Outbound attempts with local hour, weekday, reached and responded flags."""
    out = interactions.filter(pl.col("direction") == "out").sort("occurred_at")
    replies = (
        interactions.filter(pl.col("direction") == "in")
        .select("account_id", pl.col("occurred_at").alias("reply_at"))
        .sort("reply_at")
    )
    joined = out.join_asof(
        replies, left_on="occurred_at", right_on="reply_at", by="account_id",
        strategy="forward", tolerance=f"{RESPONSE_HOURS}h", check_sortedness=False,
    )  # fmt: skip
    local = pl.col("occurred_at").dt.convert_time_zone(tz)
    return joined.with_columns(
        local.dt.hour().cast(pl.Int64).alias("hour"),
        local.dt.weekday().cast(pl.Int64).alias("weekday"),  # 1 = Monday
        _result().is_in(REACHED).alias("reached"),
        pl.col("reply_at").is_not_null().alias("responded"),
    )


def attempt_counts(interactions: pl.DataFrame, by: tuple[str, ...] = ("channel",),
                   tz: str = "UTC") -> pl.DataFrame:  # fmt: skip
    """Outbound attempts, contacts and responses by client and ``by``: the additive parts of
    the contact and response rates (what the hour cube keeps per day)."""
    return (
        responded(interactions, tz)
        .group_by("client_id", *by)
        .agg(
            pl.len().cast(pl.Int64).alias("attempts"),
            pl.col("reached").sum().cast(pl.Int64).alias("contacts"),
            pl.col("responded").sum().cast(pl.Int64).alias("responses"),
        )
    )


def contact_rates(interactions: pl.DataFrame, by: tuple[str, ...] = ("channel",),
                  tz: str = "UTC") -> pl.DataFrame:  # fmt: skip
    """Attempts, contact rate and response rate by client and ``by`` (channel, hour, weekday)."""
    return rates_of(attempt_counts(interactions, by, tz), by)


def rates_of(counts: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    """The contact and response rates of summed attempts, contacts and responses."""
    return (
        counts.select("client_id", *by, "attempts", "contacts", "responses")
        .with_columns(share("contacts", "attempts").alias("contact_rate"),
                      share("responses", "attempts").alias("response_rate"))
        .sort("client_id", *by)
    )  # fmt: skip


def deliveries(interactions: pl.DataFrame) -> pl.DataFrame:
    """Letters and messages sent, delivered and bounced, by client and channel."""
    sent = weighted(interactions).filter(
        (pl.col("direction") == "out") & pl.col("channel").is_in(["sms", "email", "letter"])
    )
    return (
        sent.group_by("client_id", "channel")
        .agg(
            count().alias("sent"),
            count(_result() == "delivered").alias("delivered"),
            count(_result() == "bounced").alias("bounced"),
        )
        .with_columns(share("delivered", "sent").alias("delivery_rate"),
                      share("bounced", "sent").alias("bounce_rate"))
        .sort("client_id", "channel")
    )  # fmt: skip


def promise_rates(
    promises: pl.DataFrame, interactions: pl.DataFrame, start: date, end: date
) -> pl.DataFrame:
    """Promise rate (promises taken ÷ RPCs), kept rate and amount kept of promises due.

    Taken: created in [start, end]. Due: due in [start, end], not cancelled and
    no longer pending; kept = status kept; amount kept = paid on them (kept or partial).
    """
    taken = promises.filter(pl.col("created_on").is_between(start, end))
    due = promises.filter(
        pl.col("due_on").is_between(start, end) & ~pl.col("status").is_in(["cancelled", "pending"])
    )
    rpc = right_party_contact_rate(interactions).select("client_id", "rpc")
    made = taken.group_by("client_id").agg(pl.len().cast(pl.Int64).alias("promises"))
    judged = due.group_by("client_id", "currency").agg(
        pl.len().cast(pl.Int64).alias("due"),
        (pl.col("status") == "kept").sum().cast(pl.Int64).alias("kept"),
        pl.col("amount_minor").sum().alias("promised_minor"),
        pl.col("paid_minor").sum().alias("amount_kept_minor"),
    )
    return (
        judged.join(made, on="client_id", how="full", coalesce=True)
        .join(rpc, on="client_id", how="left")
        .with_columns(pl.col("promises", "rpc", "due", "kept").fill_null(0))
        .with_columns(share("promises", "rpc").alias("promise_rate"),
                      share("kept", "due").alias("kept_rate"))
        .sort("client_id", "currency", nulls_last=True)
    )  # fmt: skip


def best_time(interactions: pl.DataFrame, tz: str = "UTC", minimum: int = 5) -> pl.DataFrame:
    """For each segment, the channel, weekday and hour with the best contact rate.

    Cells with fewer than ``minimum`` attempts are not ranked (too few to mean anything).
    """
    cells = (
        responded(interactions, tz)
        .group_by(*CELL)
        .agg(pl.len().cast(pl.Int64).alias("attempts"),
             pl.col("reached").sum().cast(pl.Int64).alias("contacts"))
    )  # fmt: skip
    return best_of(cells, minimum)


CELL = ("segment", "channel", "weekday", "hour")


def best_of(cells: pl.DataFrame, minimum: int = 5) -> pl.DataFrame:
    """Per segment, the cell (channel, weekday, hour) of summed attempts and contacts with the
    best contact rate; ties go to more attempts, then the first channel, weekday and hour."""
    ranked = (
        cells.select(*CELL, "attempts", "contacts")
        .filter(pl.col("attempts") >= minimum)
        .with_columns(share("contacts", "attempts").alias("contact_rate"))
    )
    return (
        ranked.sort(["contact_rate", "attempts", "channel", "weekday", "hour"],
                    descending=[True, True, False, False, False], nulls_last=True)
        .group_by("segment", maintain_order=True)
        .head(1)
        .sort("segment", nulls_last=True)
    )  # fmt: skip
