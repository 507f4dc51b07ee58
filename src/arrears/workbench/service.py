"""The collector's day: the queue, "next account", search, tasks and reminders.

Use cases of the workbench pages (keyword-only, given a unit of work, never
committing). Who may see what is decided once, by :func:`scope_of`, from the
role's permissions (:mod:`arrears.core.roles`), and applied in SQL to every
read, so the queue, "next account", search and the 360 view agree:

* ``accounts.all`` (compliance, administrators) — every account;
* ``accounts.team`` (supervisors) — their team's accounts;
* ``accounts.legal`` (legal) — accounts in a legal stage;
* ``accounts.assigned`` (collectors) — accounts they own or cover, and their
  team's unassigned queue.

The queue is today's plan (:mod:`arrears.planner`): the calls and tasks it
planned for the accounts the person may see, by the plan's priority (expected
value). :func:`take_next` hands out the top account nobody has worked today
and locks it for :data:`LEASE` so two collectors never get the same one.

The 360 view is in :mod:`arrears.workbench.view`, recording an outcome in
:mod:`arrears.workbench.outcomes`; both are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from arrears.core.roles import Principal
from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.ingest.normalize.identity import name_key
from arrears.store.queries import workbench as queries
from arrears.store.queries.workbench import QueueFilters, Scope
from arrears.store.records import TaskRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_

LEASE = timedelta(minutes=30)  # how long "next account" keeps an account for one collector
TASK_KINDS_MINE = ("follow_up", "call_back", "handover")
TITLE_MAX = 300
NEXT_ROUNDS = 5  # batches of candidates tried before "nothing left" (each lost only to a race)
# The widest reach first: a supervisor also holds accounts.assigned.
REACH = (("accounts.all", "all"), ("accounts.team", "team"), ("accounts.legal", "legal"),
         ("accounts.assigned", "own"))  # fmt: skip

__all__ = ["LEASE", "QueueFilters", "Scope", "queue", "scope_of", "search", "take_next"]


def scope_of(me: Principal) -> Scope:
    """Which accounts ``me`` may see (the widest permission the role has)."""
    for permission, reach in REACH:
        if me.can(permission):
            return Scope(user_id=me.user_id, team_id=me.team_id, reach=reach)
    return Scope(user_id=me.user_id, team_id=None, reach="none")


def start_of_day(now: datetime) -> datetime:
    """Midnight UTC of ``now``'s day: "worked today" counts from here."""
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


@dataclass(frozen=True)
class QueueItem:
    account_id: int
    account_ref: str
    debtor: str
    client: str
    status: str
    balance_minor: int
    currency: str
    due_on: date
    step: str
    channel: str
    action: str | None
    priority: float
    expected_value_minor: int
    reason: str
    not_before: datetime | None
    worked: bool
    locked_by_other: bool


def queue(
    *, uow: UnitOfWork, me: Principal, today: date, now: datetime,
    filters: QueueFilters | None = None, limit: int = 200,
) -> list[QueueItem]:  # fmt: skip
    """Today's work for ``me``, one row per account (its highest-priority action)."""
    scope = scope_of(me)
    if scope.reach == "none":
        return []
    rows = queries.queue(uow.session, scope=scope, plan_date=today, now=now,
                         filters=filters or QueueFilters(), limit=limit)  # fmt: skip
    worked = queries.worked_since(uow.session, [r["id"] for r in rows], start_of_day(now))
    items: dict[int, QueueItem] = {}
    for r in rows:
        if r["id"] in items:
            continue
        items[r["id"]] = QueueItem(
            account_id=r["id"], account_ref=r["account_ref"], debtor=r["name"], client=r["code"],
            status=r["status"], balance_minor=int(r["balance"]), currency=r["currency"],
            due_on=r["due_on"], step=r["step"], channel=r["channel"], action=r["action"],
            priority=float(r["priority"]), expected_value_minor=int(r["expected_value_minor"]),
            reason=r["reason"], not_before=r["not_before"], worked=r["id"] in worked,
            locked_by_other=r["locked_by"] is not None and r["locked_by"] != me.user_id,
        )  # fmt: skip
    return list(items.values())


def take_next(*, uow: UnitOfWork, me: Principal, today: date, now: datetime) -> int | None:
    """The top unworked account with a call planned today, locked for ``me``; None when done.

    The collector's earlier lock ends first (an account taken and left without
    an outcome goes back to the queue).
    """
    scope = scope_of(me)
    if scope.reach == "none":
        return None
    uow.workbench.release(user_id=me.user_id)
    tried: list[int] = []
    account_id = None
    for _ in range(NEXT_ROUNDS):
        candidates = queries.next_candidates(uow.session, scope=scope, plan_date=today, now=now,
                                             since=start_of_day(now), exclude=tried)  # fmt: skip
        if not candidates:
            break
        account_id = uow.workbench.claim(candidates, user_id=me.user_id, at=now,
                                         until=now + LEASE)  # fmt: skip
        if account_id is not None:
            break
        tried += candidates
    if account_id is not None:
        uow.audit.append(AuditEvent(occurred_at=now, actor=me.actor, action="account.taken",
                                    entity="account", entity_id=str(account_id),
                                    after={"lease_until": (now + LEASE).isoformat()}))  # fmt: skip
    return account_id


@dataclass(frozen=True)
class Found:
    account_id: int
    account_ref: str
    debtor: str
    client: str
    status: str
    balance_minor: int
    currency: str


def search(*, uow: UnitOfWork, me: Principal, text: str, at: datetime) -> list[Found]:
    """Accounts ``me`` may see by account ref or name prefix, or by phone number."""
    query = " ".join(text.split())
    if len(query) < 2:
        return []
    scope = scope_of(me)
    if scope.reach == "none":
        return []
    phone = _phone(query)
    rows = queries.search(uow.session, scope=scope, ref=query, name_key=name_key(query),
                          phone=phone)  # fmt: skip
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action="account.searched",
                                entity="account", entity_id=None,
                                after={"found": [r["id"] for r in rows][:50]}))  # fmt: skip
    return [Found(r["id"], r["account_ref"], r["name"], r["code"], r["status"], int(r["balance"]),
                  r["currency"]) for r in rows]  # fmt: skip


def _phone(text: str) -> str | None:
    """E.164 of a typed number (``+86 138-0013-8000``, ``13800138000``), else None."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 7 or any(ch.isalpha() for ch in text):
        return None
    if text.strip().startswith("+"):
        return "+" + digits
    if len(digits) == 11 and digits.startswith("1") and digits[1] in "3456789":
        return "+86" + digits  # a mainland mobile number
    if len(digits) == 10:
        return "+1" + digits
    return "+" + digits


# --- tasks and reminders ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    due: int
    tasks: list[TaskRecord]


def my_tasks(*, uow: UnitOfWork, me: Principal, now: datetime) -> Reminders:
    """``me``'s open tasks (soonest first) and how many are due now."""
    tasks = queries.open_tasks(uow.session, user_id=me.user_id)
    return Reminders(due=sum(1 for t in tasks if t.due_at and t.due_at <= now), tasks=tasks)


def reminders_due(*, uow: UnitOfWork, me: Principal, now: datetime) -> int:
    return queries.due_count(uow.session, user_id=me.user_id, now=now)


def add_task(
    *, uow: UnitOfWork, me: Principal, account_id: int, title: str, due_at: datetime | None,
    at: datetime, kind: str = "follow_up", key: str | None = None,
    details: dict[str, Any] | None = None,
) -> TaskRecord:  # fmt: skip
    """A follow-up for ``me`` on an account ``me`` may see (a reminder when ``due_at`` comes)."""
    account = visible_account(uow=uow, me=me, account_id=account_id, at=at)
    words = " ".join(title.split())
    if not words:
        raise InvalidInput(N_("a task needs a title"))
    task = uow.tasks.add(
        kind=kind, client_id=account.client_id, account_id=account.id,
        debtor_id=account.debtor_id, title=words[:TITLE_MAX], details=details or {},
        role=me.role.value, assignee_id=me.user_id, due_at=due_at, dedup_key=key,
        created_by=me.actor, created_at=at,
    )  # fmt: skip
    after = {"account_id": account.id, "kind": kind,
             "due_at": due_at.isoformat() if due_at else None}  # fmt: skip
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action="task.created",
                                entity="task", entity_id=str(task.id), after=after))  # fmt: skip
    return task


def complete_task(
    *, uow: UnitOfWork, me: Principal, task_id: int, at: datetime, outcome: str | None = None
) -> TaskRecord:
    """Close one of ``me``'s own tasks."""
    task = uow.tasks.get(task_id)
    if task.assignee_id != me.user_id:
        raise NotFound(N_("no task %(id)s of yours"), id=task_id)
    if task.status != "open":
        raise Conflict(N_("task %(id)s is already %(status)s"), id=task_id, status=task.status)
    uow.tasks.close(task_id, by=me.actor, at=at, outcome=outcome)
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action="task.done",
                                entity="task", entity_id=str(task_id),
                                after={"outcome": outcome}))  # fmt: skip
    return task


def visible_account(*, uow: UnitOfWork, me: Principal, account_id: int, at: datetime) -> Any:
    """The account when ``me`` may see it; NotFound otherwise (and the refusal is audited).

    Not found and not allowed read the same, so the answer does not tell
    whether an account exists.
    """
    scope = scope_of(me)
    if scope.reach == "none" or not queries.may_see(uow.session, scope=scope,
                                                     account_id=account_id):  # fmt: skip
        uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action="account.refused",
                                    entity="account", entity_id=str(account_id),
                                    after={"role": me.role.value}))  # fmt: skip
        raise NotFound(N_("no account %(id)s you may open"), id=account_id)
    return uow.accounts.get(account_id)
