"""What analytics reads and writes: snapshots, payments, interactions and the rest, as frames.

Reads return Polars frames (amounts Int64 minor units, instants UTC) for the
measures in ``arrears.analytics.measures`` to aggregate; nothing here computes
a measure. A day's snapshot is written in bulk: the day's rows are deleted and
inserted again, so a refresh can be re-run. Both SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import String, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from arrears.store.queries.supervision import credit_rule
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    InteractionRecord,
    InvoiceRecord,
    PaymentRecord,
    PlannedActionRecord,
    PromiseRecord,
    TeamRecord,
    UserRecord,
)
from arrears.store.records.analytics import (
    AccountSnapshotRecord,
    ReportCacheRecord,
    SnapshotRunRecord,
    SnapshotTotalRecord,
)
from arrears.store.records.assignment import AccountOwnerRecord
from arrears.store.records.disputes import DisputeRecord
from arrears.store.records.supervision import OverrideRecord

SNAPSHOT_SCHEMA: dict[str, Any] = {
    "as_of": pl.Date, "account_id": pl.Int64, "client_id": pl.Int64, "status": pl.String,
    "segment": pl.String, "strategy": pl.String, "arms": pl.String, "assignee_id": pl.Int64,
    "team_id": pl.Int64, "bucket": pl.String, "dpd": pl.Int64, "principal_minor": pl.Int64,
    "interest_minor": pl.Int64, "fees_minor": pl.Int64, "costs_minor": pl.Int64,
    "balance_minor": pl.Int64, "currency": pl.String, "placed_on": pl.Date, "due_on": pl.Date,
}  # fmt: skip
TOTAL_KEYS = ("as_of", "client_id", "currency", "status", "bucket", "segment", "strategy",
              "team_id")  # fmt: skip
BATCH = 50_000


def _temporal(dtype: Any) -> bool:
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def _frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    # Through the session's connection (Core): rows of columns need no ORM loading.
    if session.get_bind().dialect.name != "sqlite" or not any(map(_temporal, schema.values())):
        rows = session.connection().execute(query).all()
        return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    # SQLite keeps dates and instants as text: read the text and parse it in Polars, all at
    # once, instead of one Python date or datetime per value (most of the time of a big read).
    types = list(schema.values())
    columns = [cast(c, String) if _temporal(t) else c
               for c, t in zip(query.selected_columns, types, strict=True)]  # fmt: skip
    rows = session.connection().execute(query.with_only_columns(*columns)).all()
    text = {k: pl.String if _temporal(t) else t for k, t in schema.items()}
    frame = pl.DataFrame([tuple(r) for r in rows], schema=text, orient="row")
    return frame.with_columns(_parsed(k, t) for k, t in schema.items() if _temporal(t))


def _parsed(name: str, dtype: Any) -> pl.Expr:
    """Text of SQLite's date (YYYY-MM-DD) or UTC instant (YYYY-MM-DD HH:MM:SS[.ffffff])."""
    column = pl.col(name)
    if dtype == pl.Date:
        return column.str.slice(0, 10).str.to_date("%Y-%m-%d")
    seconds = column.str.slice(0, 19).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
    fraction = column.str.slice(20, 6).str.pad_end(6, "0").cast(pl.Int64, strict=False)
    instant = seconds + pl.duration(microseconds=fraction.fill_null(0))
    return instant.dt.replace_time_zone("UTC").cast(dtype).alias(name)


def client_codes(session: Session) -> pl.DataFrame:
    """Client ids and codes (reports show codes, snapshots store ids)."""
    query = select(ClientRecord.id, ClientRecord.code).order_by(ClientRecord.id)
    return _frame(session, query, {"client_id": pl.Int64, "client": pl.String})


def client_id(session: Session, code: str) -> int | None:
    found = session.scalar(select(ClientRecord.id).where(ClientRecord.code == code))
    return int(found) if found is not None else None


def _where_client(query: Any, column: Any, client: int | None) -> Any:
    return query if client is None else query.where(column == client)


def current_accounts(session: Session, *, client: int | None = None) -> pl.DataFrame:
    """Every account as it is now, with its assignee's team: the source of today's snapshot.

    ``placed_on`` is the first of: the day the account was loaded, its first
    payment and its first recorded contact (history imported with it).
    """
    a, p, i = AccountRecord, PaymentRecord, InteractionRecord
    # Correlated minimums: one seek each in the (account_id, ...) indexes, where grouping the
    # whole interactions table took 78 s on 20 million rows.
    first_paid = select(func.min(p.paid_on)).where(p.account_id == a.id).scalar_subquery()
    first_seen = select(func.min(i.occurred_at)).where(i.account_id == a.id).scalar_subquery()
    query = (
        select(
            a.id, a.client_id, a.status, a.segment, a.strategy, cast(a.arms, String),
            a.assignee_id, UserRecord.team_id, a.principal_minor, a.interest_minor, a.fees_minor,
            a.costs_minor, a.currency, cast(a.created_at, String), first_paid,
            cast(first_seen, String), a.due_on, a.original_minor,
        )
        .outerjoin(UserRecord, UserRecord.id == a.assignee_id)
    )  # fmt: skip
    schema = {
        "account_id": pl.Int64, "client_id": pl.Int64, "status": pl.String,
        "segment": pl.String, "strategy": pl.String, "arms": pl.String,
        "assignee_id": pl.Int64, "team_id": pl.Int64, "principal_minor": pl.Int64,
        "interest_minor": pl.Int64, "fees_minor": pl.Int64, "costs_minor": pl.Int64,
        "currency": pl.String, "loaded_on": pl.String, "first_paid": pl.Date,
        "first_seen": pl.String, "due_on": pl.Date, "original_minor": pl.Int64,
    }  # fmt: skip
    frame = _frame(session, _where_client(query, a.client_id, client), schema)
    # Instants as text on both backends; the (UTC) day is the first ten characters.
    day = [pl.col(c).str.slice(0, 10).str.to_date() for c in ("loaded_on", "first_seen")]
    return frame.with_columns(pl.min_horizontal(*day, "first_paid").alias("placed_on")).drop(
        "loaded_on", "first_paid", "first_seen"
    )


def write_snapshot(session: Session, as_of: date, frame: pl.DataFrame) -> int:
    """Replace the snapshot of ``as_of`` with ``frame`` (SNAPSHOT_SCHEMA columns)."""
    session.execute(delete(AccountSnapshotRecord).where(AccountSnapshotRecord.as_of == as_of))
    rows = frame.select(list(SNAPSHOT_SCHEMA)).with_columns(pl.lit(as_of).alias("as_of"))
    if session.get_bind().dialect.name == "sqlite":
        # Dates as SQLite keeps them (YYYY-MM-DD text), formatted by Polars for the whole day at
        # once, and one executemany per batch: no Python date or dict per value.
        text = rows.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        sql = (f"INSERT INTO {AccountSnapshotRecord.__tablename__} ({', '.join(text.columns)}) "
               f"VALUES ({', '.join('?' * text.width)})")  # fmt: skip
        for batch in text.iter_slices(BATCH):
            session.connection().exec_driver_sql(sql, batch.rows())
        return rows.height
    for batch in rows.iter_slices(BATCH):
        session.execute(insert(AccountSnapshotRecord), batch.to_dicts())
    return rows.height


def write_totals(session: Session, as_of: date, totals: pl.DataFrame) -> None:
    """Replace the totals of ``as_of`` (TOTAL_KEYS + accounts, balance, principal)."""
    session.execute(delete(SnapshotTotalRecord).where(SnapshotTotalRecord.as_of == as_of))
    if totals.height:
        session.execute(insert(SnapshotTotalRecord), totals.to_dicts())


def log_run(
    session: Session, *, as_of: date, kind: str, accounts: int, started: datetime, end: datetime
) -> None:
    session.execute(delete(SnapshotRunRecord).where(SnapshotRunRecord.as_of == as_of))
    session.execute(insert(SnapshotRunRecord), [{
        "as_of": as_of, "kind": kind, "accounts": accounts, "started_at": started,
        "finished_at": end}])  # fmt: skip


def snapshot_runs(session: Session) -> pl.DataFrame:
    r = SnapshotRunRecord
    query = select(r.as_of, r.kind, r.accounts).order_by(r.as_of)
    return _frame(session, query, {"as_of": pl.Date, "kind": pl.String, "accounts": pl.Int64})


def snapshot_run(session: Session, day: date) -> tuple[str, int, datetime] | None:
    """How the snapshot of ``day`` was written: kind, accounts and when (None: never)."""
    r = SnapshotRunRecord
    row = session.execute(select(r.kind, r.accounts, r.finished_at).where(r.as_of == day)).first()
    return (str(row[0]), int(row[1]), row[2]) if row else None


def snapshots(session: Session, days: Iterable[date], *, client: int | None = None) -> pl.DataFrame:
    """The snapshot rows of the given days."""
    s = AccountSnapshotRecord
    query = select(*(getattr(s, c) for c in SNAPSHOT_SCHEMA)).where(s.as_of.in_(list(days)))
    return _frame(session, _where_client(query, s.client_id, client), SNAPSHOT_SCHEMA)


def totals(session: Session, start: date, end: date, *, client: int | None = None) -> pl.DataFrame:
    """Precomputed day totals between two days (inclusive)."""
    t = SnapshotTotalRecord
    keys = [getattr(t, k) for k in TOTAL_KEYS]
    query = select(*keys, t.accounts, t.balance_minor, t.principal_minor).where(
        t.as_of >= start, t.as_of <= end
    )
    schema = {**{k: SNAPSHOT_SCHEMA[k] for k in TOTAL_KEYS}, "accounts": pl.Int64,
              "balance_minor": pl.Int64, "principal_minor": pl.Int64}  # fmt: skip
    return _frame(session, _where_client(query, t.client_id, client), schema)


def payments(
    session: Session, *, client: int | None = None, until: date | None = None, parts: bool = False
) -> pl.DataFrame:
    """Payments and reversals (reversals negative); with ``parts``, what each took off each
    balance component (the allocation, read only when asked: it is JSON per row)."""
    p = PaymentRecord
    columns = [p.account_id, p.client_id, p.kind, p.amount_minor, p.currency, p.paid_on]
    query = select(*columns, p.allocation) if parts else select(*columns)
    if until is not None:
        query = query.where(p.paid_on <= until)
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "kind": pl.String,
              "amount_minor": pl.Int64, "currency": pl.String, "paid_on": pl.Date}  # fmt: skip
    rows = session.connection().execute(_where_client(query, p.client_id, client)).all()
    names = ("principal", "interest", "fees", "costs")
    if not parts:
        frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    else:
        data = [(*r[:6], *(int((r[6] or {}).get(k, 0)) for k in names)) for r in rows]
        schema |= {f"{k}_paid": pl.Int64 for k in names}
        frame = pl.DataFrame(data, schema=schema, orient="row")
    reversal = pl.col("kind") == "reversal"
    return frame.with_columns(
        pl.when(reversal).then(-pl.col("amount_minor").abs()).otherwise("amount_minor")
        .alias("amount_minor")
    )  # fmt: skip


def interactions(
    session: Session, start: datetime, end: datetime, *, client: int | None = None
) -> pl.DataFrame:
    """Interactions in [start, end) with the account's client, segment and strategy."""
    i, a = InteractionRecord, AccountRecord
    query = (
        select(i.account_id, a.client_id, a.segment, a.strategy, i.channel, i.direction,
               i.occurred_at, i.user_id, i.outcome, i.status)
        .join(a, a.id == i.account_id)
        .where(i.occurred_at >= start, i.occurred_at < end)
    )  # fmt: skip
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "segment": pl.String,
              "strategy": pl.String, "channel": pl.String, "direction": pl.String,
              "occurred_at": pl.Datetime("us", "UTC"), "user_id": pl.Int64,
              "outcome": pl.String, "status": pl.String}  # fmt: skip
    return _frame(session, _where_client(query, a.client_id, client), schema)


def promises(
    session: Session, *, client: int | None = None, segment: str | None = None,
    strategy: str | None = None, teams: list[int] | None = None,
) -> pl.DataFrame:  # fmt: skip
    """Promises with their account's client; ``segment``, ``strategy`` and ``teams`` (the
    assignee's team ids) narrow them by their account as it is now."""
    p, a = PromiseRecord, AccountRecord
    query = select(p.account_id, a.client_id, p.amount_minor, p.paid_minor, p.currency,
                   p.due_on, p.status, p.taken_by, cast(p.created_at, String)
                   ).join(a, a.id == p.account_id)  # fmt: skip
    if segment is not None:
        query = query.where(a.segment == segment)
    if strategy is not None:
        query = query.where(a.strategy == strategy)
    if teams is not None:
        query = query.join(UserRecord, UserRecord.id == a.assignee_id).where(
            UserRecord.team_id.in_(teams)
        )
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "amount_minor": pl.Int64,
              "paid_minor": pl.Int64, "currency": pl.String, "due_on": pl.Date,
              "status": pl.String, "taken_by": pl.String, "created_on": pl.String}  # fmt: skip
    frame = _frame(session, _where_client(query, a.client_id, client), schema)
    return frame.with_columns(pl.col("created_on").str.slice(0, 10).str.to_date())


def planned_actions(
    session: Session, start: date, end: date, *, client: int | None = None
) -> pl.DataFrame:
    p = PlannedActionRecord
    query = select(p.plan_date, p.client_id, p.segment, p.strategy, p.channel, p.status,
                   p.suppressed_by).where(p.plan_date >= start, p.plan_date <= end)  # fmt: skip
    schema = {"plan_date": pl.Date, "client_id": pl.Int64, "segment": pl.String,
              "strategy": pl.String, "channel": pl.String, "status": pl.String,
              "suppressed_by": pl.String}  # fmt: skip
    return _frame(session, _where_client(query, p.client_id, client), schema)


def disputes(session: Session, *, client: int | None = None) -> pl.DataFrame:
    d = DisputeRecord
    query = select(d.account_id, d.client_id, d.reason, d.status, d.opened_at, d.resolved_at)
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "reason": pl.String,
              "status": pl.String, "opened_at": pl.Datetime("us", "UTC"),
              "resolved_at": pl.Datetime("us", "UTC")}  # fmt: skip
    return _frame(session, _where_client(query, d.client_id, client), schema)


def invoices(session: Session, *, client: int | None = None) -> pl.DataFrame:
    v, a = InvoiceRecord, AccountRecord
    query = select(v.account_id, a.client_id, a.currency, v.issued_on, v.due_on,
                   v.amount_minor, v.open_minor).join(a, a.id == v.account_id)  # fmt: skip
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
              "issued_on": pl.Date, "due_on": pl.Date, "amount_minor": pl.Int64,
              "open_minor": pl.Int64}  # fmt: skip
    return _frame(session, _where_client(query, a.client_id, client), schema)


def staff(session: Session) -> pl.DataFrame:
    """Users with their team and the team's targets (JSON text)."""
    u, t = UserRecord, TeamRecord
    query = select(u.id, u.username, u.role, u.team_id, t.name, cast(t.targets, String)
                   ).outerjoin(t, t.id == u.team_id)  # fmt: skip
    schema = {"user_id": pl.Int64, "username": pl.String, "role": pl.String,
              "team_id": pl.Int64, "team": pl.String, "targets": pl.String}  # fmt: skip
    return _frame(session, query, schema)


def first_snapshot_day(session: Session) -> date | None:
    found = session.scalar(select(func.min(SnapshotRunRecord.as_of)))
    return found if isinstance(found, date) else None


def overrides(
    session: Session, start: datetime, end: datetime, *, client: int | None = None
) -> pl.DataFrame:
    """Compliance overrides decided in [start, end): who, when, which rules, the reason."""
    o, a = OverrideRecord, AccountRecord
    query = (
        select(o.decided_at, a.client_id, o.account_id, o.channel, cast(o.rules, String),
               o.decision, o.reason, o.decided_by, o.decided_role)
        .join(a, a.id == o.account_id)
        .where(o.decided_at >= start, o.decided_at < end)
        .order_by(o.id)
    )  # fmt: skip
    schema = {"decided_at": pl.Datetime("us", "UTC"), "client_id": pl.Int64,
              "account_id": pl.Int64, "channel": pl.String, "rules": pl.String,
              "decision": pl.String, "reason": pl.String, "decided_by": pl.String,
              "decided_role": pl.String}  # fmt: skip
    return _frame(session, _where_client(query, a.client_id, client), schema)


def cached_report(session: Session, report: str, scope_key: str) -> tuple[date, bytes] | None:
    """The precomputed table of a report for a scope, with the day it was computed for."""
    c = ReportCacheRecord
    row = session.execute(
        select(c.as_of, c.payload).where(c.report == report, c.scope_key == scope_key)
    ).first()
    return (row[0], bytes(row[1])) if row else None


def store_report(session: Session, *, report: str, scope_key: str, as_of: date, payload: bytes,
                 at: datetime) -> None:  # fmt: skip
    c = ReportCacheRecord
    session.execute(delete(c).where(c.report == report, c.scope_key == scope_key))
    row = {"report": report, "scope_key": scope_key, "as_of": as_of, "payload": payload,
           "created_at": at}  # fmt: skip
    session.execute(insert(c), [row])


def drop_cached_reports(session: Session) -> None:
    """Forget every precomputed table (the data they summed has changed)."""
    session.execute(delete(ReportCacheRecord))


def collected_by_owner(
    session: Session, *, client: int | None = None, first: date | None = None,
    last: date | None = None,
) -> pl.DataFrame:  # fmt: skip
    """Payments less reversals paid in [first, last], each with the collector who held the
    account when it was paid: the one covering, else the owner of the account's ownership
    period then, else today's assignee (``queries.supervision.credit_rule``: the
    supervisor console's rule)."""
    p, a, o = PaymentRecord, AccountRecord, AccountOwnerRecord
    owner, during, signed = credit_rule()
    query = (
        select(p.account_id, a.client_id, owner, p.currency, p.paid_on, signed)
        .join(a, a.id == p.account_id)
        .outerjoin(o, during)
    )
    if first is not None:
        query = query.where(p.paid_on >= first)
    if last is not None:
        query = query.where(p.paid_on <= last)
    schema = {"account_id": pl.Int64, "client_id": pl.Int64, "user_id": pl.Int64,
              "currency": pl.String, "paid_on": pl.Date, "amount_minor": pl.Int64}  # fmt: skip
    return _frame(session, _where_client(query, a.client_id, client), schema)
