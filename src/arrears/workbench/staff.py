"""Teams, what collectors can do, and when they are away.

* :func:`add_team` — a team with its targets (KPI name → value).
* :func:`set_skills` — the languages a user speaks, their skills and how many
  accounts they can hold; assignment rules match on them.
* :func:`add_absence` — a user away from one date to another, with an optional
  cover; the next rule run hands their accounts to the cover (or the least
  loaded teammate) for the absence and back afterwards.
* :func:`seed_demo_staff` — the demo's teams, collectors and supervisors, then a
  rule run, so the demo ends with assigned accounts.

Every change is audited. Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arrears.errors import InvalidInput, NotFound
from arrears.store.records import TeamRecord, UserRecord
from arrears.store.records.assignment import AbsenceRecord, CollectorProfileRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.workbench import users as user_service
from arrears.workbench.assignment import LANGUAGES, RunSummary, run_rules
from arrears.workbench.assignment_rules import AssignmentRules

MAX_ABSENCE_DAYS = 366


def add_team(
    *, uow: UnitOfWork, name: str, at: datetime, by: str, targets: dict[str, Any] | None = None
) -> TeamRecord:
    clean = name.strip()
    if not clean or len(clean) > 100:
        raise InvalidInput("a team name has 1 to 100 characters")
    team = uow.assignment.add_team(clean, dict(targets or {}), at)
    uow.audit.append(AuditEvent(at, by, "team.added", "team", str(team.id),
                                after={"name": clean, "targets": team.targets}))  # fmt: skip
    return team


def set_skills(
    *, uow: UnitOfWork, username: str, at: datetime, by: str,
    languages: Sequence[str] | None = None, skills: Sequence[str] | None = None,
    capacity: int | None = None,
) -> CollectorProfileRecord:  # fmt: skip
    """Set what is given (languages, skills, capacity); what is not given stays."""
    user = _user(uow, username)
    for language in languages or ():
        if language not in LANGUAGES:
            raise InvalidInput(f"language must be zh-CN or en-US, not '{language}'")
    if capacity is not None and capacity < 0:
        raise InvalidInput("capacity is a number of accounts, 0 or more")
    current = uow.assignment.profile(user.id)
    before = _profile_view(current)
    values = {
        "languages": sorted(set(languages)) if languages is not None else before["languages"],
        "skills": sorted({s.strip().lower() for s in skills if s.strip()})
        if skills is not None else before["skills"],
        "capacity": capacity if capacity is not None else before["capacity"],
    }  # fmt: skip
    profile = uow.assignment.set_profile(user.id, **values, updated_at=at)
    uow.audit.append(AuditEvent(at, by, "user.skills_set", "user", str(user.id),
                                before=before, after=_profile_view(profile)))  # fmt: skip
    return profile


def _profile_view(profile: CollectorProfileRecord | None) -> dict[str, Any]:
    if profile is None:
        return {"languages": [], "skills": [], "capacity": None}
    return {"languages": list(profile.languages), "skills": list(profile.skills),
            "capacity": profile.capacity}  # fmt: skip


def add_absence(
    *, uow: UnitOfWork, username: str, starts_on: date, ends_on: date, at: datetime, by: str,
    cover: str | None = None, reason: str | None = None,
) -> AbsenceRecord:  # fmt: skip
    """Record an absence; accounts are covered from the next rule run on."""
    user = _user(uow, username)
    if ends_on < starts_on:
        raise InvalidInput(f"the absence ends ({ends_on}) before it starts ({starts_on})")
    if (ends_on - starts_on).days >= MAX_ABSENCE_DAYS:
        raise InvalidInput("an absence is at most a year: record a longer one as disabling")
    cover_user = _user(uow, cover) if cover else None
    if cover_user is not None and (cover_user.id == user.id or not cover_user.active):
        raise InvalidInput(f"'{cover}' cannot cover for '{username}'")
    absence = uow.assignment.add_absence(
        user_id=user.id, starts_on=starts_on, ends_on=ends_on,
        cover_id=cover_user.id if cover_user else None, reason=reason, created_by=by,
        created_at=at,
    )  # fmt: skip
    uow.audit.append(AuditEvent(at, by, "user.absence_added", "user", str(user.id),
                                after={"from": starts_on, "to": ends_on, "cover": cover,
                                       "absence_id": absence.id}))  # fmt: skip
    return absence


def _user(uow: UnitOfWork, username: str) -> UserRecord:
    user = uow.users.by_username(username.strip().lower())
    if user is None:
        raise NotFound(f"no user '{username}'")
    return user


# -- the demo ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    username: str
    name: str
    role: str
    team: str
    languages: tuple[str, ...]
    skills: tuple[str, ...] = ()
    capacity: int | None = None


# Targets per collector and working day, as the supervisor console and the dashboards read them.
DEMO_TEAMS: dict[str, dict[str, Any]] = {
    "CN collections": {"accounts_worked_per_day": 60, "calls_per_day": 80, "rpc_per_day": 15,
                       "promises_per_day": 5, "kept_rate": 0.6,
                       "collected_per_day": {"CNY": 1_500_000}},
    "US agency": {"accounts_worked_per_day": 45, "calls_per_day": 60, "rpc_per_day": 10,
                  "promises_per_day": 3, "kept_rate": 0.55, "collected_per_day": {"USD": 150_000}},
    "B2B": {"accounts_worked_per_day": 25, "calls_per_day": 20, "rpc_per_day": 8,
            "promises_per_day": 2, "kept_rate": 0.7, "collected_per_day": {"CNY": 5_000_000}},
    "UK": {"accounts_worked_per_day": 45, "calls_per_day": 60, "rpc_per_day": 10,
           "promises_per_day": 3, "kept_rate": 0.55, "collected_per_day": {"GBP": 80_000}},
}  # fmt: skip
# Where each demo team sits: the zone its people's pages show times in.
TEAM_ZONES = {"CN collections": "Asia/Shanghai", "US agency": "America/New_York",
              "B2B": "Asia/Shanghai", "UK": "Europe/London"}  # fmt: skip
DEMO_STAFF: tuple[DemoPerson, ...] = (
    DemoPerson("zhang.wei", "张伟", "collector", "CN collections", ("zh-CN",), ("high_balance",)),
    DemoPerson("li.na", "李娜", "collector", "CN collections", ("zh-CN",)),
    DemoPerson("wang.fang", "王芳", "collector", "CN collections", ("zh-CN", "en-US")),
    DemoPerson("liu.yang", "刘洋", "collector", "CN collections", ("zh-CN",)),
    DemoPerson("chen.jing", "陈静", "supervisor", "CN collections", ("zh-CN",)),
    DemoPerson("maria.garcia", "Maria Garcia", "collector", "US agency", ("en-US",)),
    DemoPerson("james.smith", "James Smith", "collector", "US agency", ("en-US",)),
    DemoPerson("amy.lin", "Amy Lin", "collector", "US agency", ("en-US", "zh-CN")),
    DemoPerson("robert.jones", "Robert Jones", "supervisor", "US agency", ("en-US",)),
    DemoPerson("zhao.min", "赵敏", "collector", "B2B", ("zh-CN",), ("b2b",)),
    DemoPerson("sun.lei", "孙磊", "collector", "B2B", ("zh-CN", "en-US"), ("b2b",)),
    DemoPerson("zhou.qiang", "周强", "supervisor", "B2B", ("zh-CN",), ("b2b",)),
    DemoPerson("emma.taylor", "Emma Taylor", "collector", "UK", ("en-US",)),
    DemoPerson("oliver.brown", "Oliver Brown", "collector", "UK", ("en-US",)),
    DemoPerson("sophie.wilson", "Sophie Wilson", "supervisor", "UK", ("en-US",)),
)


@dataclass(frozen=True)
class DemoStaff:
    passwords: dict[str, str]  # one-time passwords of the users created now
    run: RunSummary


def seed_demo_staff(
    uow: UnitOfWork, *, rules: AssignmentRules, as_of: date, at: datetime, by: str = "demo",
    capacity: int | None = 3000, staff: Sequence[DemoPerson] = DEMO_STAFF,
    password: str | None = None,
) -> DemoStaff:  # fmt: skip
    """Create the demo teams and users (those missing), set their skills, run the rules.

    With ``password`` every user created now signs in with it (no change asked: a demo's
    known logins); without, each gets a one-time password, returned in ``passwords``.
    ``capacity`` sets every demo collector's capacity (20,000 demo accounts fit in 3,000);
    running it again creates nothing twice and keeps the accounts where they are.
    """
    if password is not None and len(password) < user_service.MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {user_service.MIN_PASSWORD} characters")
    for name, targets in DEMO_TEAMS.items():
        if uow.assignment.team_by_name(name) is None:
            add_team(uow=uow, name=name, targets=targets, at=at, by=by)
    passwords: dict[str, str] = {}
    for person in staff:
        if uow.users.by_username(person.username) is None:
            made = user_service.add_user(
                uow=uow, username=person.username, display_name=person.name, role=person.role,
                team=person.team, language=person.languages[0], at=at, by=by,
                time_zone=TEAM_ZONES.get(person.team),
            )  # fmt: skip
            passwords[person.username] = made.password
            if password is not None:
                made.user.password_hash = user_service.HASHER.hash(password)
                made.user.must_change_password = False
                passwords[person.username] = password
        # Supervisors hold only what is moved to them by hand (no capacity for the rules).
        held = person.capacity or capacity if person.role == "collector" else person.capacity
        set_skills(uow=uow, username=person.username, languages=person.languages,
                   skills=person.skills, capacity=held, at=at, by=by)  # fmt: skip
    run = run_rules(uow=uow, rules=rules, as_of=as_of, at=at, by=by)
    return DemoStaff(passwords, run)
