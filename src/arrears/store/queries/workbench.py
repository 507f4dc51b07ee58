"""The collector's queue, search and the 360 view's reads: few queries, each on an index.

Every read here is limited to what the person may see (:class:`Scope`,
decided by the workbench from the role's permissions): a collector sees the
accounts they own, cover, or that wait in their team's queue; a supervisor
their team's; compliance and administrators all; legal the accounts in a
legal stage. The scope is one SQL condition added to every query, so a search
can never find what the queue would not show.

Speed on a million accounts: the queue starts from the person's accounts
(``ix_accounts_assignee_status``) and joins today's actions by account
(``ix_planned_actions_account``); the 360 view reads each part of an account
with one query by ``account_id`` (no query per row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true, union_all
from sqlalchemy.orm import Session

from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    PaymentRecord,
    PlannedActionRecord,
    PromiseRecord,
    TaskRecord,
    UserRecord,
)
from arrears.store.records.assignment import AccountOwnerRecord
from arrears.store.records.disputes import DisputeRecord, DocumentRecord
from arrears.store.records.resolution import PaymentPlanRecord, SettlementRecord
from arrears.store.records.workbench import WorkLockRecord

QUEUE_CHANNELS = ("call", "task")
LEGAL_STATUSES = ("legal",)


@dataclass(frozen=True)
class Scope:
    """Which accounts a person may see: ``reach`` is own, team, legal or all."""

    user_id: int
    team_id: int | None
    reach: str


def visible(scope: Scope) -> ColumnElement[bool]:
    """The condition on ``accounts`` for the accounts ``scope`` may see."""
    a, o = AccountRecord, AccountOwnerRecord
    if scope.reach == "all":
        return true()
    if scope.reach == "legal":
        return a.status.in_(LEGAL_STATUSES)
    in_team: ColumnElement[bool] = false()
    if scope.team_id is not None:
        members = select(UserRecord.id).where(UserRecord.team_id == scope.team_id)
        team_queue = exists().where(o.account_id == a.id, o.ended_at.is_(None),
                                    o.owner_id.is_(None), o.team_id == scope.team_id)  # fmt: skip
        in_team = team_queue if scope.reach == "own" else or_(a.assignee_id.in_(members),
                                                              team_queue)  # fmt: skip
    covering = exists().where(o.account_id == a.id, o.ended_at.is_(None),
                              o.covering_id == scope.user_id)  # fmt: skip
    return or_(a.assignee_id == scope.user_id, covering, in_team)


@dataclass(frozen=True)
class QueueFilters:
    client: str | None = None
    status: str | None = None
    due_from: date | None = None  # accounts due (oldest due date) in this range: the bucket
    due_to: date | None = None
    promise_due_by: date | None = None  # a pending promise falling due by this date


def _balance() -> Any:
    a = AccountRecord
    return a.principal_minor + a.interest_minor + a.fees_minor + a.costs_minor


def _filtered(query: Any, filters: QueueFilters) -> Any:
    a = AccountRecord
    if filters.client:
        query = query.where(ClientRecord.code == filters.client)
    if filters.status:
        query = query.where(a.status == filters.status)
    if filters.due_from is not None:
        query = query.where(a.due_on >= filters.due_from)
    if filters.due_to is not None:
        query = query.where(a.due_on <= filters.due_to)
    if filters.promise_due_by is not None:
        p = PromiseRecord
        query = query.where(exists().where(p.account_id == a.id, p.status == "pending",
                                           p.due_on <= filters.promise_due_by))  # fmt: skip
    return query


def _account_columns() -> list[Any]:
    a, d, c = AccountRecord, DebtorRecord, ClientRecord
    return [a.id, a.account_ref, a.status, a.currency, _balance().label("balance"), a.due_on,
            d.name, c.code]  # fmt: skip


def queue(
    session: Session, *, scope: Scope, plan_date: date, filters: QueueFilters, now: datetime,
    limit: int = 200,
) -> list[dict[str, Any]]:  # fmt: skip
    """Today's planned calls and tasks of the visible accounts, highest priority first.

    One walk down ``ix_planned_actions_queue`` per channel, merged: each stops
    after ``limit`` rows the person may see, so the page costs the same for a
    collector with a hundred accounts or ten thousand.
    """
    parts = [_queue_part(scope, plan_date, filters, now, channel, limit).subquery()
             for channel in QUEUE_CHANNELS]  # fmt: skip
    merged = union_all(*(select(part) for part in parts)).subquery()
    query = select(merged).order_by(merged.c.priority.desc(), merged.c.action_id.desc())
    return [dict(row._mapping) for row in session.execute(query.limit(limit))]


def _queue_part(scope: Scope, plan_date: date, filters: QueueFilters, now: datetime,
                channel: str, limit: int) -> Any:  # fmt: skip
    a, p, w = AccountRecord, PlannedActionRecord, WorkLockRecord
    query = (
        select(*_account_columns(), p.id.label("action_id"), p.step, p.channel, p.action,
               p.priority, p.expected_value_minor, p.reason, p.not_before,
               w.user_id.label("locked_by"))
        .select_from(p)
        .join(a, a.id == p.account_id)
        .join(DebtorRecord, DebtorRecord.id == a.debtor_id)
        .join(ClientRecord, ClientRecord.id == a.client_id)
        .outerjoin(w, and_(w.account_id == a.id, w.expires_at > now))
        .where(p.plan_date == plan_date, p.channel == channel, p.status == "planned",
               visible(scope))
        .order_by(p.priority.desc(), p.id.desc())
        .limit(limit)
    )  # fmt: skip
    return _filtered(query, filters)


def worked_since(session: Session, account_ids: Sequence[int], since: datetime) -> set[int]:
    """Accounts with a call outcome recorded by a person since ``since``."""
    if not account_ids:
        return set()
    query = _worked(since).where(InteractionRecord.account_id.in_(list(account_ids)))
    return {int(x) for x in session.scalars(query.distinct())}


def _worked(since: datetime) -> Any:
    """The accounts with a call outcome recorded by a person since ``since`` (a sub-select)."""
    i = InteractionRecord
    return select(i.account_id).where(i.occurred_at >= since, i.user_id.is_not(None),
                                      i.account_id.is_not(None))  # fmt: skip


def next_candidates(
    session: Session, *, scope: Scope, plan_date: date, now: datetime, since: datetime,
    limit: int = 3, exclude: Sequence[int] = (),
) -> list[int]:  # fmt: skip
    """Ids of the top unworked, unlocked visible accounts with a call planned today.

    The database walks today's planned calls in priority order (index
    ``ix_planned_actions_queue``) and stops at the first ``limit`` the person
    may work: for a collector holding one account in a hundred that is a few
    hundred index entries, not all their accounts' actions sorted. The accounts
    worked today are one set read once (``NOT IN`` a sub-select, hashed by both
    databases): as a correlated ``NOT EXISTS`` the database compared every
    candidate with every call recorded today, a set that grows all day while
    its statistics lag behind.

    On PostgreSQL the planned actions read are locked ``FOR UPDATE SKIP
    LOCKED``: a second collector asking at the same moment skips the rows the
    first is deciding on instead of waiting for them or taking the same one.
    """
    a, p, w = AccountRecord, PlannedActionRecord, WorkLockRecord
    locked = exists().where(w.account_id == p.account_id, w.expires_at > now)
    query = (
        select(p.account_id)
        .join(a, a.id == p.account_id)
        .where(p.plan_date == plan_date, p.channel == "call", p.status == "planned",
               visible(scope), ~locked, p.account_id.not_in(_worked(since)))
        .order_by(p.priority.desc(), p.id.desc())
        .limit(limit)
    )  # fmt: skip
    if exclude:
        query = query.where(p.account_id.not_in(list(exclude)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=p)
    return list(dict.fromkeys(int(x) for x in session.scalars(query)))


def search(session: Session, *, scope: Scope, ref: str | None, name_key: str | None,
           phone: str | None, limit: int = 50) -> list[dict[str, Any]]:  # fmt: skip
    """Visible accounts whose ref or debtor's name starts with the text, or with that phone."""
    a, d = AccountRecord, DebtorRecord
    matches: list[ColumnElement[bool]] = []
    if ref:
        matches.append(a.account_ref.like(_prefix(ref), escape="\\"))
    if name_key:
        matches.append(d.name_key.like(_prefix(name_key), escape="\\"))
    if phone:
        cp = ContactPointRecord
        matches.append(exists().where(cp.debtor_id == a.debtor_id, cp.value == phone))
    if not matches:
        return []
    query = (
        select(*_account_columns())
        .join(d, d.id == a.debtor_id)
        .join(ClientRecord, ClientRecord.id == a.client_id)
        .where(or_(*matches), visible(scope))
        .order_by(a.account_ref)
        .limit(limit)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(query)]


def _prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def may_see(session: Session, *, scope: Scope, account_id: int) -> bool:
    a = AccountRecord
    query = select(func.count()).select_from(a).where(a.id == account_id, visible(scope))
    return bool(session.scalar(query))


# --- the 360 view -----------------------------------------------------------------------------


def account_parts(session: Session, account_id: int) -> dict[str, list[Any]]:
    """Everything recorded about one account, one query per kind of record."""
    by_account: list[tuple[str, Any, Any]] = [
        ("interactions", InteractionRecord, InteractionRecord.occurred_at.desc()),
        ("payments", PaymentRecord, PaymentRecord.paid_on.desc()),
        ("promises", PromiseRecord, PromiseRecord.id.desc()),
        ("plans", PaymentPlanRecord, PaymentPlanRecord.id.desc()),
        ("settlements", SettlementRecord, SettlementRecord.id.desc()),
        ("disputes", DisputeRecord, DisputeRecord.id.desc()),
        ("documents", DocumentRecord, DocumentRecord.id.desc()),
        ("tasks", TaskRecord, TaskRecord.id.desc()),
    ]
    parts: dict[str, list[Any]] = {}
    for name, record, order in by_account:
        query = select(record).where(record.account_id == account_id).order_by(order).limit(500)
        parts[name] = list(session.scalars(query))
    return parts


def todays_actions(session: Session, account_id: int, plan_date: date) -> list[Any]:
    p = PlannedActionRecord
    query = select(p).where(p.account_id == account_id, p.plan_date == plan_date)
    return list(session.scalars(query.order_by(p.priority.desc(), p.id)))


def latest_action(session: Session, account_id: int) -> Any:
    p = PlannedActionRecord
    query = select(p).where(p.account_id == account_id).order_by(p.plan_date.desc(), p.id.desc())
    return session.scalars(query.limit(1)).first()


def open_tasks(session: Session, *, user_id: int, limit: int = 200) -> list[Any]:
    """A person's open tasks, the soonest due first (undated ones last)."""
    t = TaskRecord
    query = (
        select(t).where(t.assignee_id == user_id, t.status == "open")
        .order_by(t.due_at.is_(None), t.due_at, t.id).limit(limit)
    )  # fmt: skip
    return list(session.scalars(query))


def due_count(session: Session, *, user_id: int, now: datetime) -> int:
    t = TaskRecord
    query = (
        select(func.count())
        .select_from(t)
        .where(t.assignee_id == user_id, t.status == "open", t.due_at <= now)
    )
    return int(session.scalar(query) or 0)
