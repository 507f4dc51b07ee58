"""Point-in-time features of accounts for the scoring models, computed vectorised.

A model learns from the past: "on day D the account looked like this; did it
pay in the 30 days after D?". So every feature here is computed *as of* a day
from the events strictly before it — payments, contacts and promises — and the
label (:func:`outcomes`) from the payments on and after it. Training builds
several such snapshots (:func:`training_frame`); scoring builds one, today.

Why not the planner's features (``planner.features``, the contract in
``strategy.features``)? Those describe the account *now* (its balance, the
last payment recorded on the account); a snapshot of 60 days ago needs the
balance and the history as they were then, which only the event tables give.
The two agree on today's ``dpd`` and balance; the planner's ``score`` and
``tier`` columns are what this package writes back.

Inputs (``store.queries.scoring``): ``accounts`` (account_id, currency,
principal/interest/fees/costs minor units, original_minor, opened_on, due_on,
charged_off_on), ``payments`` (account_id, paid_on, signed_minor: reversals
negative), ``interactions`` (account_id, channel, direction, occurred_at,
outcome), ``promises`` (account_id, created_on, status, resolved_on).
Balances are reconstructed as today's balance plus the payments made since
the snapshot (interest accrued since is not taken back out: a small bias).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    en: str
    zh: str


FEATURES: tuple[Feature, ...] = (
    Feature("dpd", "days past due", "逾期天数"),
    Feature("balance_minor", "balance (minor units)", "欠款余额(分)"),
    Feature("balance_to_original", "balance / original amount", "余额占原始金额比例"),
    Feature("days_since_opened", "days since the account was opened", "开户天数"),
    Feature("charged_off", "charged off (1/0)", "已核销(1/0)"),
    Feature("payments_30d", "payments in the last 30 days", "近30天还款次数"),
    Feature("payments_90d", "payments in the last 90 days", "近90天还款次数"),
    Feature("payments_180d", "payments in the last 180 days", "近180天还款次数"),
    Feature("paid_share_90d", "share of the debt paid in 90 days", "近90天还款占欠款比例"),
    Feature("days_since_last_payment", "days since the last payment", "距上次还款天数"),
    Feature("balance_change_30d", "balance change in 30 days (ratio)", "近30天余额变化比例"),
    Feature("contacts_30d", "outbound contacts in 30 days", "近30天外呼/发送次数"),
    Feature("conversations_30d", "conversations in 30 days", "近30天接通通话次数"),
    Feature("unanswered_30d", "unanswered calls in 30 days", "近30天未接通次数"),
    Feature("replies_30d", "replies from the debtor in 30 days", "近30天债务人回复次数"),
    Feature("bounced_30d", "messages that bounced in 30 days", "近30天退信/发送失败次数"),
    Feature("days_since_last_contact", "days since the last contact", "距上次联系天数"),
    Feature("days_since_last_conversation", "days since the last conversation", "距上次通话天数"),
    Feature("promises_kept", "promises kept", "履约承诺次数"),
    Feature("promises_broken", "promises broken", "违约承诺次数"),
    Feature("days_since_promise_broken", "days since a promise was broken", "距上次违约天数"),
    Feature("promise_pending", "a promise is pending (1/0)", "有待履行承诺(1/0)"),
)
NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}
OUTBOUND_UNANSWERED = ("no_answer", "voicemail", "busy", "limited_content_message")
BOUNCED = ("bounced", "failed", "not_in_service", "undeliverable")
KEPT = ("kept",)
BROKEN = ("broken", "partial")


def _days(as_of: date, column: str) -> pl.Expr:
    return (pl.lit(as_of) - pl.col(column)).dt.total_days().cast(pl.Int32)


def _window(as_of: date, column: str, days: int) -> pl.Expr:
    return pl.col(column) >= pl.lit(as_of - timedelta(days=days))


def payment_facts(payments: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Counts, sums and recency of payments before ``as_of``; payments since (for balances)."""
    before = pl.col("paid_on") < pl.lit(as_of)
    paid = before & (pl.col("signed_minor") > 0)
    return payments.group_by("account_id").agg(
        *((paid & _window(as_of, "paid_on", d)).sum().cast(pl.Int32).alias(f"payments_{d}d")
          for d in (30, 90, 180)),
        pl.when(before & _window(as_of, "paid_on", 90)).then(pl.col("signed_minor")).sum()
        .alias("_paid_90d"),
        pl.when(before & _window(as_of, "paid_on", 30)).then(pl.col("signed_minor")).sum()
        .alias("_paid_30d"),
        pl.when(paid).then(pl.col("paid_on")).max().alias("_last_paid_on"),
        pl.when(~before).then(pl.col("signed_minor")).sum().alias("_paid_since"),
    )  # fmt: skip


def contact_facts(interactions: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Contacts, conversations, replies and bounces in the 30 days before ``as_of``."""
    day = pl.col("occurred_at").dt.date()
    before = day < pl.lit(as_of)
    month = before & (day >= pl.lit(as_of - timedelta(days=30)))
    out = pl.col("direction") == "out"
    talk = pl.col("outcome") == "conversation"
    return (
        interactions.filter(pl.col("account_id").is_not_null())
        .with_columns(day.alias("_day"))
        .group_by("account_id")
        .agg(
            (month & out).sum().cast(pl.Int32).alias("contacts_30d"),
            (month & talk).sum().cast(pl.Int32).alias("conversations_30d"),
            (month & out & pl.col("outcome").is_in(OUTBOUND_UNANSWERED))
            .sum().cast(pl.Int32).alias("unanswered_30d"),
            (month & (pl.col("direction") == "in")).sum().cast(pl.Int32).alias("replies_30d"),
            (month & pl.col("outcome").is_in(BOUNCED)).sum().cast(pl.Int32).alias("bounced_30d"),
            pl.when(before & out).then(pl.col("_day")).max().alias("_last_contact"),
            pl.when(before & talk).then(pl.col("_day")).max().alias("_last_talk"),
        )
    )  # fmt: skip


def promise_facts(promises: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Promises kept and broken before ``as_of`` (as judged then), and one still pending."""
    made = pl.col("created_on") < pl.lit(as_of)
    judged = made & pl.col("resolved_on").is_not_null() & (pl.col("resolved_on") < pl.lit(as_of))
    broken = judged & pl.col("status").is_in(BROKEN)
    pending = made & ~judged & pl.col("status").is_in(("pending", *KEPT, *BROKEN))
    return promises.group_by("account_id").agg(
        (judged & pl.col("status").is_in(KEPT)).sum().cast(pl.Int32).alias("promises_kept"),
        broken.sum().cast(pl.Int32).alias("promises_broken"),
        pl.when(broken).then(pl.col("resolved_on")).max().alias("_last_broken"),
        pending.any().cast(pl.Int32).alias("promise_pending"),
    )


def snapshot(
    accounts: pl.DataFrame,
    payments: pl.DataFrame,
    interactions: pl.DataFrame,
    promises: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """One row per account that was open and owed money on ``as_of``: id plus :data:`NAMES`."""
    frame = (
        accounts.filter(pl.col("opened_on").is_null() | (pl.col("opened_on") < pl.lit(as_of)))
        .join(payment_facts(payments, as_of), on="account_id", how="left")
        .join(contact_facts(interactions, as_of), on="account_id", how="left")
        .join(promise_facts(promises, as_of), on="account_id", how="left")
    )
    balance = (
        pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")
        + pl.col("costs_minor") + pl.col("_paid_since").fill_null(0)
    )  # fmt: skip
    frame = frame.with_columns(balance.alias("balance_minor")).filter(pl.col("balance_minor") > 0)
    return frame.select("account_id", *_feature_exprs(as_of)).with_columns(
        pl.col(n).fill_null(0) for n in _COUNTS
    )


_COUNTS = (
    "payments_30d", "payments_90d", "payments_180d", "contacts_30d", "conversations_30d",
    "unanswered_30d", "replies_30d", "bounced_30d", "promises_kept", "promises_broken",
    "promise_pending",
)  # fmt: skip


def _feature_exprs(as_of: date) -> list[pl.Expr | str]:
    balance = pl.col("balance_minor").cast(pl.Float64)
    original = pl.col("original_minor").cast(pl.Float64)
    paid_90 = pl.col("_paid_90d").fill_null(0).cast(pl.Float64)
    paid_30 = pl.col("_paid_30d").fill_null(0).cast(pl.Float64)
    return [
        _days(as_of, "due_on").alias("dpd"),
        pl.col("balance_minor"),
        pl.when(original > 0).then(balance / original).alias("balance_to_original"),
        _days(as_of, "opened_on").alias("days_since_opened"),
        pl.col("charged_off_on").is_not_null().cast(pl.Int32).alias("charged_off"),
        "payments_30d",
        "payments_90d",
        "payments_180d",
        (paid_90 / (balance + paid_90)).alias("paid_share_90d"),
        _days(as_of, "_last_paid_on").alias("days_since_last_payment"),
        # A falling balance is the cheapest sign of a debt being worked down: -0.1 = 10 % paid.
        (-paid_30 / (balance + paid_30)).alias("balance_change_30d"),
        "contacts_30d",
        "conversations_30d",
        "unanswered_30d",
        "replies_30d",
        "bounced_30d",
        _days(as_of, "_last_contact").alias("days_since_last_contact"),
        _days(as_of, "_last_talk").alias("days_since_last_conversation"),
        "promises_kept",
        "promises_broken",
        _days(as_of, "_last_broken").alias("days_since_promise_broken"),
        "promise_pending",
    ]


def outcomes(payments: pl.DataFrame, as_of: date, horizon_days: int = 30) -> pl.DataFrame:
    """What each account paid on ``as_of`` and the ``horizon_days`` after: ``paid``, ``paid_minor``.

    Payments net of reversals; an account whose payment bounced did not pay.
    """
    start, end = pl.lit(as_of), pl.lit(as_of + timedelta(days=horizon_days))
    window = (pl.col("paid_on") >= start) & (pl.col("paid_on") < end)
    return (
        payments.filter(window)
        .group_by("account_id")
        .agg(pl.col("signed_minor").sum().clip(lower_bound=0).alias("paid_minor"))
        .with_columns((pl.col("paid_minor") > 0).alias("paid"))
    )


def labelled(
    accounts: pl.DataFrame,
    payments: pl.DataFrame,
    interactions: pl.DataFrame,
    promises: pl.DataFrame,
    as_of: date,
    horizon_days: int = 30,
) -> pl.DataFrame:
    """A snapshot with its outcome columns ``paid`` (bool), ``paid_minor`` and ``as_of``."""
    features = snapshot(accounts, payments, interactions, promises, as_of)
    return features.join(
        outcomes(payments, as_of, horizon_days), on="account_id", how="left"
    ).with_columns(
        pl.col("paid").fill_null(False),
        pl.col("paid_minor").fill_null(0).cast(pl.Int64),
        pl.lit(as_of).alias("as_of"),
    )


def snapshot_days(latest_outcome_day: date, count: int, step_days: int, horizon: int) -> list[date]:
    """Snapshot days whose outcome windows are complete by ``latest_outcome_day``, newest first."""
    last = latest_outcome_day - timedelta(days=horizon)
    return [last - timedelta(days=step_days * i) for i in range(count)]


def training_frame(
    accounts: pl.DataFrame,
    payments: pl.DataFrame,
    interactions: pl.DataFrame,
    promises: pl.DataFrame,
    days: Sequence[date],
    horizon_days: int = 30,
) -> pl.DataFrame:
    """Labelled snapshots on several days, stacked (an account appears once per day)."""
    frames = [
        labelled(accounts, payments, interactions, promises, day, horizon_days) for day in days
    ]
    return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def matrix(frame: pl.DataFrame, names: Sequence[str] = NAMES) -> pl.DataFrame:
    """The model's input columns as Float64 (nulls stay null: LightGBM treats them as missing)."""
    return frame.select(pl.col(n).cast(pl.Float64, strict=False) for n in names)
