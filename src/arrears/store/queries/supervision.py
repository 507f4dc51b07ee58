"""What the supervisor's console reads: per-collector figures of a period and of today, as frames.

Every query groups in SQL (one row per collector, or per collector and
currency) and returns a Polars frame; the service joins them and computes
rates and attainment. Nothing here walks rows one by one. Amounts are Int64
minor units, never floats. A ``team_ids`` of None means every team; an empty
tuple means none.

How a figure is attributed to a collector:

* interactions — the ``user_id`` who recorded them;
* promises — ``taken_by`` (the username);
* payments — whoever worked the account when the payment was recorded (the
  ownership period covering it, the covering collector first), else the
  account's assignee;
* compliance findings of the plan — the account's assignee now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import and_, case, func, literal, or_, select, union
from sqlalchemy.orm import Session

from arrears.store.records import (
    AccountRecord,
    AuditEventRecord,
    ClientRecord,
    InteractionRecord,
    PaymentRecord,
    PlannedActionRecord,
    PromiseRecord,
    StaffSessionRecord,
    TaskRecord,
    TeamRecord,
    UserRecord,
)
from arrears.store.records.assignment import AccountOwnerRecord
from arrears.store.records.workbench import WorkLockRecord

Teams = Sequence[int] | None
STAFF_ROLES = ("collector", "supervisor")


def _frame(session: Session, query: Any, schema: dict[str, Any]) -> pl.DataFrame:
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _in_teams(column: Any, team_ids: Teams) -> Any:
    return literal(True) if team_ids is None else column.in_(list(team_ids))


def teams(session: Session, team_ids: Teams) -> pl.DataFrame:
    """team_id, team, targets (a dict per row)."""
    t = TeamRecord
    query = select(t.id, t.name, t.targets).where(_in_teams(t.id, team_ids)).order_by(t.name)
    rows = session.execute(query).all()
    return pl.DataFrame(
        {"team_id": [r[0] for r in rows], "team": [r[1] for r in rows],
         "targets": [dict(r[2] or {}) for r in rows]},
        schema={"team_id": pl.Int64, "team": pl.String, "targets": pl.Object},
    )  # fmt: skip


def staff(session: Session, team_ids: Teams) -> pl.DataFrame:
    """Active collectors and supervisors of the teams: user_id, username, name, role, team."""
    u = UserRecord
    query = (
        select(u.id, u.username, u.display_name, u.role, u.team_id)
        .where(u.active.is_(True), u.role.in_(STAFF_ROLES), _in_teams(u.team_id, team_ids))
        .order_by(u.username)
    )
    schema = {"user_id": pl.Int64, "username": pl.String, "name": pl.String, "role": pl.String,
              "team_id": pl.Int64}  # fmt: skip
    return _frame(session, query, schema)


def work(
    session: Session, user_ids: Sequence[int], start: datetime, end: datetime,
    rpc_outcomes: Sequence[str],
) -> pl.DataFrame:  # fmt: skip
    """Per user: accounts worked, calls and right-party contacts recorded in [start, end)."""
    i = InteractionRecord
    rpc = and_(i.channel == "call", i.outcome.in_(list(rpc_outcomes)))
    query = (
        select(
            i.user_id,
            func.count(func.distinct(i.account_id)),
            func.sum(case((i.channel == "call", 1), else_=0)),
            func.sum(case((rpc, 1), else_=0)),
        )
        .where(i.user_id.in_(list(user_ids)), i.occurred_at >= start, i.occurred_at < end)
        .group_by(i.user_id)
    )
    return _frame(session, query, {"user_id": pl.Int64, "accounts_worked": pl.Int64,
                                   "calls": pl.Int64, "rpc": pl.Int64})  # fmt: skip


def promises_taken(
    session: Session, usernames: Sequence[str], start: datetime, end: datetime
) -> pl.DataFrame:
    """Per username and currency: promises taken in [start, end) and their amount."""
    p = PromiseRecord
    query = (
        select(p.taken_by, p.currency, func.count(p.id), func.sum(p.amount_minor))
        .where(p.taken_by.in_(list(usernames)), p.created_at >= start, p.created_at < end)
        .group_by(p.taken_by, p.currency)
    )
    return _frame(session, query, {"username": pl.String, "currency": pl.String,
                                   "promises": pl.Int64, "promised_minor": pl.Int64})  # fmt: skip


def promises_resolved(
    session: Session, usernames: Sequence[str], first: date, last: date
) -> pl.DataFrame:
    """Per username: promises judged in [first, last]: kept, partial, broken."""
    p = PromiseRecord
    query = (
        select(
            p.taken_by,
            func.sum(case((p.status == "kept", 1), else_=0)),
            func.sum(case((p.status == "partial", 1), else_=0)),
            func.sum(case((p.status == "broken", 1), else_=0)),
        )
        .where(
            p.taken_by.in_(list(usernames)),
            p.status.in_(("kept", "partial", "broken")),
            p.resolved_on >= first,
            p.resolved_on <= last,
        )
        .group_by(p.taken_by)
    )
    return _frame(session, query, {"username": pl.String, "kept": pl.Int64,
                                   "partial": pl.Int64, "broken": pl.Int64})  # fmt: skip


def credit_rule() -> tuple[Any, Any, Any]:
    """Who a payment is credited to, and its signed amount: (owner, during, signed).

    ``owner``: the collector covering the account when it was paid, else the owner of
    the ownership period then, else today's assignee; ``during`` joins that ownership
    period (outer join on ``AccountOwnerRecord``); ``signed``: reversals count negative.
    """
    p, a, o = PaymentRecord, AccountRecord, AccountOwnerRecord
    owner = func.coalesce(o.covering_id, o.owner_id, a.assignee_id)
    during = and_(
        o.account_id == p.account_id, o.started_at <= p.created_at,
        or_(o.ended_at.is_(None), o.ended_at > p.created_at),
    )  # fmt: skip
    signed = case((p.kind == "reversal", -func.abs(p.amount_minor)), else_=p.amount_minor)
    return owner, during, signed


def collected(
    session: Session, user_ids: Sequence[int], first: date, last: date, *, few: bool = True
) -> pl.DataFrame:
    """Per user and currency: payments less reversals paid in [first, last] (see module doc).

    ``few``: the users are a team, not everyone: read only the payments of the accounts
    they hold or held (through the assignee and ownership indexes) instead of the period's.
    """
    p, a, o = PaymentRecord, AccountRecord, AccountOwnerRecord
    owner, during, signed = credit_rule()
    inner = (
        select(owner.label("user_id"), p.currency.label("currency"), signed.label("amount"))
        .join(a, a.id == p.account_id)
        .outerjoin(o, during)
        .where(p.paid_on >= first, p.paid_on <= last)
    )
    if few:
        ids = list(user_ids)
        held = union(
            select(a.id).where(a.assignee_id.in_(ids)),
            select(o.account_id).where(or_(o.owner_id.in_(ids), o.covering_id.in_(ids))),
        ).subquery()
        inner = inner.where(p.account_id.in_(select(held.c.id)))
    rows = inner.subquery()
    query = (
        select(rows.c.user_id, rows.c.currency, func.sum(rows.c.amount))
        .where(rows.c.user_id.in_(list(user_ids)))
        .group_by(rows.c.user_id, rows.c.currency)
    )
    return _frame(session, query, {"user_id": pl.Int64, "currency": pl.String,
                                   "collected_minor": pl.Int64})  # fmt: skip


def findings(session: Session, user_ids: Sequence[int], first: date, last: date) -> pl.DataFrame:
    """Per assignee: planned actions in [first, last] the compliance engine blocked, delayed
    past the day or held for review."""
    pa, a = PlannedActionRecord, AccountRecord
    query = (
        select(
            a.assignee_id,
            func.sum(case((pa.verdict == "BLOCK", 1), else_=0)),
            func.sum(case((pa.verdict == "REVIEW", 1), else_=0)),
            func.sum(case((pa.verdict == "DELAY", 1), else_=0)),
        )
        .join(a, a.id == pa.account_id)
        .where(
            a.assignee_id.in_(list(user_ids)),
            pa.plan_date >= first,
            pa.plan_date <= last,
            pa.verdict.in_(("BLOCK", "REVIEW", "DELAY")),
        )
        .group_by(a.assignee_id)
    )
    return _frame(session, query, {"user_id": pl.Int64, "blocked": pl.Int64,
                                   "review": pl.Int64, "delayed": pl.Int64})  # fmt: skip


# -- today ------------------------------------------------------------------------------------


def planned_calls(
    session: Session, user_ids: Sequence[int], day: date, start: datetime, end: datetime
) -> pl.DataFrame:
    """Per assignee: calls planned for ``day`` and how many of those accounts they worked today."""
    pa, a, i = PlannedActionRecord, AccountRecord, InteractionRecord
    touched = (
        select(i.id)
        .where(i.account_id == pa.account_id, i.user_id == a.assignee_id,
               i.occurred_at >= start, i.occurred_at < end)
        .exists()
    )  # fmt: skip
    query = (
        select(a.assignee_id, func.count(pa.id), func.sum(case((touched, 1), else_=0)))
        .join(a, a.id == pa.account_id)
        .where(
            a.assignee_id.in_(list(user_ids)),
            pa.plan_date == day,
            pa.status == "planned",
            pa.channel == "call",
        )
        .group_by(a.assignee_id)
    )
    return _frame(session, query, {"user_id": pl.Int64, "planned": pl.Int64,
                                   "planned_worked": pl.Int64})  # fmt: skip


def overdue_tasks(session: Session, user_ids: Sequence[int], now: datetime) -> pl.DataFrame:
    t = TaskRecord
    query = (
        select(t.assignee_id, func.count(t.id))
        .where(t.assignee_id.in_(list(user_ids)), t.status == "open", t.due_at < now)
        .group_by(t.assignee_id)
    )
    return _frame(session, query, {"user_id": pl.Int64, "overdue_tasks": pl.Int64})


def online(session: Session, user_ids: Sequence[int], since: datetime) -> pl.DataFrame:
    """Users with a live session seen since ``since``: user_id, last_seen_at."""
    s = StaffSessionRecord
    query = (
        select(s.user_id, func.max(s.last_seen_at))
        .where(s.user_id.in_(list(user_ids)), s.ended_at.is_(None), s.last_seen_at >= since)
        .group_by(s.user_id)
    )
    return _frame(session, query, {"user_id": pl.Int64,
                                   "last_seen_at": pl.Datetime("us", "UTC")})  # fmt: skip


def working(session: Session, user_ids: Sequence[int], now: datetime) -> pl.DataFrame:
    """Per user: the account they hold a live work lock on ("next account"), the latest taken."""
    w, a = WorkLockRecord, AccountRecord
    query = (
        select(w.user_id, a.account_ref)
        .join(a, a.id == w.account_id)
        .where(w.user_id.in_(list(user_ids)), w.expires_at > now)
        .order_by(w.taken_at)
    )
    frame = _frame(session, query, {"user_id": pl.Int64, "locked_ref": pl.String})
    return frame.unique("user_id", keep="last")


def current_accounts(session: Session, actors: Sequence[str], since: datetime) -> pl.DataFrame:
    """Per actor: the account of their latest audited event since ``since`` (open now)."""
    e, a = AuditEventRecord, AccountRecord
    latest = (
        select(func.max(e.id))
        .where(e.actor.in_(list(actors)), e.occurred_at >= since, e.entity == "account")
        .group_by(e.actor)
    )
    ids = [int(i) for i in session.scalars(latest)]
    events = session.execute(select(e.actor, e.entity_id).where(e.id.in_(ids))).all()
    # Two steps, not a join on a cast: the account id is text in the trail.
    wanted = {actor: int(ref) for actor, ref in events if ref and ref.isdigit()}
    refs = dict(session.execute(select(a.id, a.account_ref).where(a.id.in_(wanted.values()))).all())
    rows = [(actor, i, refs[i]) for actor, i in wanted.items() if i in refs]
    schema = {"actor": pl.String, "account_id": pl.Int64, "account_ref": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


# -- selections -------------------------------------------------------------------------------


def accounts(
    session: Session, team_ids: Teams, *, assignee: str | None = None, client: str | None = None,
    status: str | None = None, segment: str | None = None, min_dpd_due: date | None = None,
    ref: str | None = None, statuses: Sequence[str] = (), limit: int = 500,
) -> pl.DataFrame:  # fmt: skip
    """Accounts of the teams matching the filters (``min_dpd_due``: due on or before)."""
    a, u, c, t = AccountRecord, UserRecord, ClientRecord, TeamRecord
    balance = a.principal_minor + a.interest_minor + a.fees_minor + a.costs_minor
    query = (
        select(a.id, a.account_ref, c.code, a.status, a.segment, a.due_on, balance, a.currency,
               u.username, t.name)
        .join(c, c.id == a.client_id)
        .outerjoin(u, u.id == a.assignee_id)
        .outerjoin(t, t.id == u.team_id)
        .where(_in_teams(u.team_id, team_ids))
        .order_by(a.due_on, a.id)
        .limit(limit)
    )  # fmt: skip
    equal: list[tuple[Any, Any]] = [
        (assignee, u.username), (client, c.code), (status, a.status), (segment, a.segment),
        (ref, a.account_ref),
    ]  # fmt: skip
    for value, column in equal:
        if value:
            query = query.where(column == value)
    if min_dpd_due is not None:
        query = query.where(a.due_on <= min_dpd_due)
    if statuses:
        query = query.where(a.status.in_(list(statuses)))
    return _frame(session, query, {
        "account_id": pl.Int64, "account_ref": pl.String, "client": pl.String,
        "status": pl.String, "segment": pl.String, "due_on": pl.Date, "balance_minor": pl.Int64,
        "currency": pl.String, "assignee": pl.String, "team": pl.String,
    })  # fmt: skip


def account_teams(session: Session, account_ids: Sequence[int]) -> dict[int, int | None]:
    """Account id -> the team of its assignee (None: unassigned or a user without a team)."""
    a, u = AccountRecord, UserRecord
    query = (
        select(a.id, u.team_id)
        .outerjoin(u, u.id == a.assignee_id)
        .where(a.id.in_(list(account_ids)))
    )
    return {int(i): (int(t) if t is not None else None) for i, t in session.execute(query)}
