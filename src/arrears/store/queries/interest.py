"""What an accrual run reads: open accounts with their terms' keys and accrual position.

One row per open account (not paid, settled or closed) whose interest has not
yet been accrued through the run's date, as a Polars frame with Int64 money
columns. Holds are returned apart, only for the accounts that have any: most
accounts have none, and the stop rules read them one account at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from arrears.store.records import AccountRecord, ClientRecord, DebtorRecord
from arrears.store.records.interest import InterestAccrualRecord, InterestPositionRecord
from arrears.store.repositories.base import chunked

CLOSED = ("paid", "settled", "closed")

CANDIDATE_SCHEMA: dict[str, Any] = {
    "account_id": pl.Int64(),
    "client_code": pl.String(),
    "product": pl.String(),
    "currency": pl.String(),
    "principal_minor": pl.Int64(),
    "opened_on": pl.Date(),
    "due_on": pl.Date(),
    "charged_off_on": pl.Date(),
    "created_at": pl.Datetime("us", "UTC"),
    "status": pl.String(),
    "jurisdiction": pl.String(),
    "accrued_through": pl.Date(),
    "carry": pl.Int64(),
    "carry_den": pl.Int64(),
}


def accrual_candidates(
    session: Session, through: date, account_ids: Sequence[int] | None = None
) -> tuple[pl.DataFrame, dict[int, list[Any]]]:
    """(frame of accounts to accrue, account id -> holds for those with holds)."""
    a, c, d, p = AccountRecord, ClientRecord, DebtorRecord, InterestPositionRecord
    query = (
        select(
            a.id, c.code, a.product, a.currency, a.principal_minor, a.opened_on, a.due_on,
            a.charged_off_on, a.created_at, a.status,
            func.coalesce(a.jurisdiction, d.jurisdiction, c.jurisdiction),
            p.accrued_through, p.carry, p.carry_den, a.holds,
        )
        .join(c, c.id == a.client_id)
        .join(d, d.id == a.debtor_id)
        .outerjoin(p, p.account_id == a.id)
        .where(a.status.not_in(CLOSED))
        .where(or_(p.accrued_through.is_(None), p.accrued_through < through))
    )  # fmt: skip
    parts = [query] if account_ids is None else [
        query.where(a.id.in_(list(part))) for part in chunked(list(account_ids))
    ]  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    holds: dict[int, list[Any]] = {}
    for part in parts:
        for row in session.execute(part.order_by(a.id)):
            rows.append(tuple(row[:-1]))
            if row[-1]:
                holds[int(row[0])] = list(row[-1])
    frame = pl.DataFrame(rows, schema=CANDIDATE_SCHEMA, orient="row")
    return frame, holds


def ledger(session: Session, account_id: int) -> list[dict[str, Any]]:
    """The account's accrual lines, oldest first."""
    r = InterestAccrualRecord
    query = select(r).where(r.account_id == account_id).order_by(r.period_to, r.kind, r.id)
    return [
        {column.name: getattr(record, column.name) for column in r.__table__.columns}
        for record in session.scalars(query)
    ]
