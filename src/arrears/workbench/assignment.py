"""Assignment use cases: run the rules, move accounts by hand, absences, skills.

The decisions come from the pure :func:`arrears.core.assignment.assign`; this
module reads its inputs from the store and writes what changed:

* ``accounts.assignee_id`` is the account's **owner**; the ownership history
  (``uow.assignment.history``) keeps every period with owner, covering collector,
  team, rule or person, and reason. :func:`assignments_of` answers "what does
  this person work today" (owned and not covered, plus what they cover).
* :func:`run_rules` decides every open account as of a date (placed accounts
  are the agency's and are left out). New assignments are audited once per run
  (the run row and its ownership rows name each one); an account taken from one
  collector and given to another is audited on its own and its new collector
  gets a handover task (:mod:`arrears.workbench.handover`).
* :func:`move` is the supervisor's reassignment of one account or a selection,
  to a named collector or to a team (the least loaded member). A moved account
  is *pinned*: rule runs leave it with that collector while they are active.

Services never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from arrears.core.accounts import OPEN_STATUSES, AccountStatus
from arrears.core.assignment import AccountFacts, Collector, Decision, Rule, assign
from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.store.records import AccountRecord, UserRecord
from arrears.store.records.assignment import CollectorProfileRecord
from arrears.store.repositories.assignment import OpenAccount
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.workbench.assignment_rules import AssignmentRules
from arrears.workbench.handover import handover_task

# Accounts a collector works: open and in-house (placed ones are the agency's), and recalled
# ones waiting for a decision.
ASSIGNABLE = tuple(sorted((OPEN_STATUSES - {AccountStatus.PLACED}) | {AccountStatus.RECALLED}))
LANGUAGES = ("zh-CN", "en-US")
# Supervisors hold accounts only when moved to them by hand or when their profile names a
# capacity; rule runs give new accounts to collectors.
ASSIGNABLE_ROLES = ("collector", "supervisor")


@dataclass
class RunSummary:
    """What a run decided: counts, per team and per collector, and why accounts wait."""

    as_of: date
    rules_version: str
    run_id: int | None = None
    accounts: int = 0
    kept: int = 0
    new: int = 0
    moved: int = 0
    unassigned: int = 0
    covered: int = 0
    per_team: Counter[str] = field(default_factory=Counter)
    per_collector: Counter[str] = field(default_factory=Counter)
    waiting: Counter[str] = field(default_factory=Counter)
    moves: list[tuple[int, str | None, str | None, str]] = field(default_factory=list)


def assignments_of(uow: UnitOfWork, user_id: int) -> list[int]:
    """Ids of the accounts ``user_id`` works now: owned (unless covered) and covering."""
    return uow.assignment.worked_by(user_id)


def collectors_as_of(
    uow: UnitOfWork, *, day: date, default_capacity: int, roles: Sequence[str] = ASSIGNABLE_ROLES
) -> tuple[list[Collector], dict[int, UserRecord]]:
    """Collectors with their team, languages, skills, capacity and absence on ``day``."""
    away = {a.user_id: a for a in uow.assignment.absences_on(day)}
    people, users = [], {}
    for member in uow.assignment.staff(roles):
        user, profile = member.user, member.profile
        absence = away.get(user.id)
        people.append(Collector(
            id=user.id, team=member.team or "", languages=_languages(user, profile),
            skills=frozenset(profile.skills if profile else ()),
            capacity=_capacity(profile, default_capacity if user.role == "collector" else 0),
            active=user.active,
            absent=absence is not None, cover_id=absence.cover_id if absence else None,
        ))  # fmt: skip
        users[user.id] = user
    return people, users


def _languages(user: UserRecord, profile: CollectorProfileRecord | None) -> frozenset[str]:
    return frozenset(profile.languages if profile and profile.languages else (user.language,))


def _capacity(profile: CollectorProfileRecord | None, default: int) -> int:
    return profile.capacity if profile is not None and profile.capacity is not None else default


def run_rules(
    *, uow: UnitOfWork, rules: AssignmentRules, as_of: date, at: datetime, by: str,
    dry_run: bool = False,
) -> RunSummary:  # fmt: skip
    """Decide every assignable account; write the changes unless ``dry_run``."""
    rows = list(uow.assignment.open_accounts(ASSIGNABLE))
    people, users = collectors_as_of(uow, day=as_of, default_capacity=rules.default_capacity)
    decisions = assign([_facts(r) for r in rows], people, rules.rules)
    summary = _summarise(rows, decisions, users, RunSummary(as_of, rules.version))
    if dry_run:
        return summary
    run = uow.assignment.add_run(as_of=as_of, rules_version=rules.version,
                                 rules_digest=rules.digest, counts={}, actor=by,
                                 started_at=at)  # fmt: skip
    summary.run_id = run.id
    changed = _write(uow, rows, decisions, run.id, at, by)
    run.counts = {"accounts": summary.accounts, "kept": summary.kept, "new": summary.new,
                  "moved": summary.moved, "unassigned": summary.unassigned,
                  "covered": summary.covered, "rows_opened": len(changed)}  # fmt: skip
    uow.audit.append(AuditEvent(at, by, "assignment.run", "assignment_run", str(run.id),
                                after={**run.counts, "as_of": as_of,
                                       "rules_version": rules.version}))  # fmt: skip
    _handovers(uow, [(r, d) for r, d in changed if r.assignee_id and d.owner_id], users, at, by)
    return summary


def _facts(row: OpenAccount) -> AccountFacts:
    return AccountFacts(
        id=row.id, client=row.client, segment=row.segment, language=row.language,
        jurisdiction=row.jurisdiction, balance_minor=row.balance_minor,
        assignee_id=row.assignee_id, pinned=row.pinned,
    )  # fmt: skip


def _summarise(
    rows: Sequence[OpenAccount], decisions: Sequence[Decision], users: dict[int, UserRecord],
    summary: RunSummary,
) -> RunSummary:  # fmt: skip
    summary.accounts = len(rows)
    for decision in decisions:
        if decision.owner_id is None:
            summary.unassigned += 1
            summary.waiting[decision.reason.removeprefix("unassigned: ")] += 1
            continue
        summary.per_team[decision.team or "-"] += 1
        summary.per_collector[users[decision.owner_id].username] += 1
        if decision.covering_id is not None:
            summary.covered += 1
        if decision.previous_id is None:
            summary.new += 1
        elif decision.moved:
            summary.moved += 1
            summary.moves.append((decision.account_id, _name(users, decision.previous_id),
                                  _name(users, decision.owner_id), decision.reason))  # fmt: skip
        else:
            summary.kept += 1
    return summary


def _name(users: dict[int, UserRecord], user_id: int | None) -> str | None:
    user = users.get(user_id) if user_id is not None else None
    return user.username if user is not None else None


def _write(
    uow: UnitOfWork, rows: Sequence[OpenAccount], decisions: Sequence[Decision], run_id: int,
    at: datetime, by: str,
) -> list[tuple[OpenAccount, Decision]]:  # fmt: skip
    """Close and open ownership rows where owner, cover or team changed."""
    team_ids = {t.name: t.id for t in uow.assignment.teams()}
    closing: list[int] = []
    opening: list[dict[str, Any]] = []
    changed = []
    for row, decision in zip(rows, decisions, strict=True):
        team_id = team_ids.get(decision.team or "") if decision.owner_id is not None else None
        current = (row.assignee_id, row.covering_id, row.team_id if row.owner_row_id else None)
        if current == (decision.owner_id, decision.covering_id, team_id):
            continue
        if row.owner_row_id is None and row.assignee_id is None and decision.owner_id is None:
            continue
        if row.owner_row_id is not None:
            closing.append(row.owner_row_id)
        opening.append({"account_id": row.id, "team_id": team_id, "owner_id": decision.owner_id,
                        "covering_id": decision.covering_id, "rule": decision.rule,
                        "reason": decision.reason[:300], "pinned": row.pinned
                        and decision.reason.startswith("pinned"), "run_id": run_id,
                        "started_at": at, "ended_at": None, "actor": by})  # fmt: skip
        changed.append((row, decision))
    uow.assignment.hand_over(closing, opening, at)
    return changed


def _handovers(
    uow: UnitOfWork, moved: Sequence[tuple[OpenAccount, Decision]], users: dict[int, UserRecord],
    at: datetime, by: str,
) -> None:  # fmt: skip
    """An account taken from one collector and given to another: audited, with a briefing."""
    for row, decision in moved:
        if row.assignee_id == decision.owner_id:
            continue  # only the cover or the team changed
        account = uow.accounts.get(row.id)
        new, old = users[int(decision.owner_id or 0)], users.get(int(row.assignee_id or 0))
        _audit_move(uow, account, row.assignee_id, decision.owner_id, decision.reason, by, at)
        handover_task(uow=uow, account=account, to=new, previous=old, reason=decision.reason,
                      by=by, at=at)  # fmt: skip


def _audit_move(
    uow: UnitOfWork, account: AccountRecord, before: int | None, after: int | None, reason: str,
    by: str, at: datetime,
) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(at, by, "account.reassigned", "account", str(account.id),
                                before={"assignee_id": before},
                                after={"assignee_id": after, "reason": reason}))  # fmt: skip


@dataclass(frozen=True)
class Moved:
    account_id: int
    account_ref: str
    previous: str | None
    owner: str
    task_id: int


def move(
    *, uow: UnitOfWork, account_ids: Sequence[int], reason: str, by: str, at: datetime,
    to_user: str | None = None, to_team: str | None = None, default_capacity: int = 400,
) -> list[Moved]:  # fmt: skip
    """Hand accounts to a collector (``to_user``) or to a team's least loaded member.

    Each moved account is pinned to its new collector, audited, and briefed in a
    ``handover`` task for them. Accounts placed with an agency or closed cannot move.
    """
    if (to_user is None) == (to_team is None):
        raise InvalidInput("move to a collector or to a team (one of the two)")
    if not reason.strip():
        raise InvalidInput("a move needs a reason")
    accounts = [uow.accounts.get(i) for i in dict.fromkeys(account_ids)]
    for account in accounts:
        if account.status not in ASSIGNABLE:
            raise Conflict(f"account {account.account_ref} is {account.status}: it cannot move")
    if to_user is not None:
        target = _assignable_user(uow, to_user)
        owners = {a.id: target for a in accounts}
    else:
        owners = _by_team(uow, accounts, str(to_team), at.date(), default_capacity)
    return [_move_one(uow, a, owners[a.id], reason.strip(), by, at) for a in accounts]


def _assignable_user(uow: UnitOfWork, username: str) -> UserRecord:
    user = uow.users.by_username(username.strip().lower())
    if user is None:
        raise NotFound(f"no user '{username}'")
    if not user.active:
        raise Conflict(f"user '{username}' is disabled")
    if user.role not in ("collector", "supervisor"):
        raise InvalidInput(f"user '{username}' is a {user.role}: accounts go to collectors")
    return user


def _by_team(
    uow: UnitOfWork, accounts: Sequence[AccountRecord], team: str, day: date, capacity: int
) -> dict[int, UserRecord]:
    """The team's least loaded present members, balanced over what they already hold."""
    if uow.assignment.team_by_name(team) is None:
        raise NotFound(f"no team '{team}'")
    people, users = collectors_as_of(uow, day=day, default_capacity=capacity)
    rule = Rule("manual", team)
    facts = [AccountFacts(id=a.id, client="", balance_minor=_balance(a)) for a in accounts]
    held = uow.assignment.load(ASSIGNABLE)
    decisions = assign(facts, people, [rule], held=held)
    if any(d.owner_id is None for d in decisions):
        raise Conflict(f"team '{team}' has no present collector with room for "
                       f"{len(accounts)} more account(s)")  # fmt: skip
    return {d.account_id: users[d.owner_id] for d in decisions if d.owner_id is not None}


def _balance(account: AccountRecord) -> int:
    return (account.principal_minor + account.interest_minor + account.fees_minor
            + account.costs_minor)  # fmt: skip


def _move_one(
    uow: UnitOfWork, account: AccountRecord, to: UserRecord, reason: str, by: str, at: datetime
) -> Moved:
    current = uow.assignment.current(account.id)
    previous_id = account.assignee_id
    if current is not None:
        current.ended_at = at
    uow.assignment.hand_over([], [{
        "account_id": account.id, "team_id": to.team_id, "owner_id": to.id, "covering_id": None,
        "rule": None, "reason": f"moved by {by}: {reason}"[:300], "pinned": True, "run_id": None,
        "started_at": at, "ended_at": None, "actor": by,
    }], at)  # fmt: skip
    uow.session.refresh(account)
    previous = uow.users.get(previous_id) if previous_id is not None else None
    _audit_move(uow, account, previous_id, to.id, reason, by, at)
    task = handover_task(uow=uow, account=account, to=to, previous=previous, reason=reason,
                         by=by, at=at)  # fmt: skip
    return Moved(account.id, account.account_ref, previous.username if previous else None,
                 to.username, task.id)  # fmt: skip
