"""What scoring reads: accounts and their payment, contact and promise history as frames.

The frames feed ``scoring.features`` (point-in-time features and outcomes).
Amounts stay integer minor units; a reversal is a negative ``signed_minor`` so
a bounced payment nets to nothing. ``used_scores`` is what the daily plan
reads back: each account's newest score of the arm it is in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import polars as pl
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from arrears.store.queries.planning import OPEN, WHOLE, Partition, _frame, _in_partition
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    InteractionRecord,
    PaymentRecord,
    PromiseRecord,
)
from arrears.store.records.scoring import AccountScoreRecord

SCORE_MAX_AGE_DAYS = 35  # an older score is stale: the plan treats the account as unscored


def accounts(session: Session, *, open_only: bool, part: Partition = WHOLE) -> pl.DataFrame:
    """Accounts (all, or the open ones) with their balances and dates."""
    a, c = AccountRecord, ClientRecord
    query = (
        select(a.id, a.debtor_id, c.code, a.currency, a.status, a.principal_minor,
               a.interest_minor, a.fees_minor, a.costs_minor, a.original_minor, a.opened_on,
               a.due_on, a.charged_off_on)
        .join(c, c.id == a.client_id)
        .where(_in_partition(a.debtor_id, part))
        .order_by(a.id)
    )  # fmt: skip
    if open_only:
        query = query.where(a.status.in_(OPEN))
    schema = {
        "account_id": pl.Int64, "debtor_id": pl.Int64, "client": pl.String,
        "currency": pl.String, "status": pl.String, "principal_minor": pl.Int64,
        "interest_minor": pl.Int64, "fees_minor": pl.Int64, "costs_minor": pl.Int64,
        "original_minor": pl.Int64, "opened_on": pl.Date, "due_on": pl.Date,
        "charged_off_on": pl.Date,
    }  # fmt: skip
    return _frame(session, query, schema)


def payments(session: Session, *, since: date, part: Partition = WHOLE) -> pl.DataFrame:
    """Payments (positive) and reversals (negative) on or after ``since``."""
    p, a = PaymentRecord, AccountRecord
    signed = case((p.kind == "reversal", -p.amount_minor), else_=p.amount_minor)
    query = (
        select(p.account_id, p.paid_on, signed)
        .join(a, a.id == p.account_id)
        .where(p.paid_on >= since, _in_partition(a.debtor_id, part))
    )
    schema = {"account_id": pl.Int64, "paid_on": pl.Date, "signed_minor": pl.Int64}
    return _frame(session, query, schema)


def interactions(session: Session, *, since: date, part: Partition = WHOLE) -> pl.DataFrame:
    """Contacts about accounts since ``since`` (channel, direction, instant, outcome)."""
    i = InteractionRecord
    start = datetime.combine(since, time(0), tzinfo=UTC)
    query = select(i.account_id, i.channel, i.direction, i.occurred_at, i.outcome).where(
        i.occurred_at >= start, i.account_id.is_not(None), _in_partition(i.debtor_id, part)
    )
    schema = {"account_id": pl.Int64, "channel": pl.String, "direction": pl.String,
              "occurred_at": pl.Datetime("us", "UTC"), "outcome": pl.String}  # fmt: skip
    return _frame(session, query, schema)


def promises(session: Session, *, part: Partition = WHOLE) -> pl.DataFrame:
    """Every promise: when it was made, its status and the day it was judged."""
    p = PromiseRecord
    query = select(p.account_id, p.created_at, p.status, p.resolved_on).where(
        _in_partition(p.debtor_id, part)
    )
    schema = {"account_id": pl.Int64, "created_at": pl.Datetime("us", "UTC"),
              "status": pl.String, "resolved_on": pl.Date}  # fmt: skip
    frame = _frame(session, query, schema)
    return frame.with_columns(pl.col("created_at").dt.date().alias("created_on")).drop("created_at")


def used_scores(
    session: Session,
    *,
    as_of: date,
    part: Partition = WHOLE,
    max_age_days: int = SCORE_MAX_AGE_DAYS,
) -> pl.DataFrame:
    """Each account's newest used score on or before ``as_of`` (none older than the max age).

    Columns: account_id, score (the calibrated probability), tier and
    expected_amount_minor (what the value priority uses instead of the balance).
    """
    s, a = AccountScoreRecord, AccountRecord
    oldest = as_of - timedelta(days=max_age_days)
    fresh = and_(s.used.is_(True), s.as_of <= as_of, s.as_of >= oldest)
    newest = (
        select(s.account_id, func.max(s.as_of).label("day"))
        .join(a, a.id == s.account_id)
        .where(fresh, _in_partition(a.debtor_id, part))
        .group_by(s.account_id)
        .subquery()
    )
    query = (
        select(s.account_id, s.probability, s.tier, s.expected_minor)
        .join(newest, and_(newest.c.account_id == s.account_id, newest.c.day == s.as_of))
        .where(s.used.is_(True))
    )
    schema = {"account_id": pl.Int64, "score": pl.Float64, "tier": pl.String,
              "expected_amount_minor": pl.Int64}  # fmt: skip
    return _frame(session, query, schema)


def model_scores(session: Session, *, model_id: int, as_of: date) -> pl.DataFrame:
    """One model's scores of one day (monitoring compares them with the training reference)."""
    s = AccountScoreRecord
    query = select(s.account_id, s.probability, s.used).where(
        s.model_id == model_id, s.as_of == as_of
    )
    schema = {"account_id": pl.Int64, "probability": pl.Float64, "used": pl.Boolean}
    return _frame(session, query, schema)
