"""The supervisor's console: team figures against targets, today's queues, reassignment.

Who sees what is decided here, on the server, from the signed-in person
(:class:`~arrears.core.roles.Principal`): a supervisor sees their own team
(accounts whose assignee is in it); compliance and administrators see every
team (``accounts.all``). :func:`scope` turns a person into the team ids every
query filters on.

**Figures of a period** (:func:`dashboard`), per collector and summed per team,
each grouped in SQL (``store/queries/supervision.py``) and joined in Polars:

* accounts worked — distinct accounts with an interaction the collector recorded;
* calls and right-party contacts (RPC) — calls whose outcome reached the debtor
  (:data:`RPC_OUTCOMES`); RPC rate = RPC ÷ calls;
* promises taken and their amount (per currency);
* kept rate — kept ÷ (kept + partial + broken) of the promises judged in the period;
* collected — payments less reversals, attributed to whoever worked the account;
* compliance findings — planned actions on their accounts blocked, delayed or
  held for review.

**Targets** are a team's ``targets`` (TeamRecord), per collector and working day
(Monday to Friday), as the dashboards read them: ``accounts_worked_per_day``,
``calls_per_day``, ``rpc_per_day``, ``promises_per_day``, ``collected_per_day``
({currency: minor units}); ``kept_rate`` is a share (0.6). A period's target is
the daily target × its working days; a team's is the sum over its collectors.

The approvals are in :mod:`arrears.workbench.approvals`, the audit trail in
:mod:`arrears.workbench.trail`. Services never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl

from arrears.core.roles import Principal, Role
from arrears.errors import ArrearsError, InvalidInput, NotFound
from arrears.store.queries import supervision as q
from arrears.store.uow import UnitOfWork
from arrears.workbench import assignment

# The call outcomes that reached the debtor: the workbench's dispositions, and "conversation"
# as the analytics and imported histories record it.
RPC_OUTCOMES = ("conversation", "right_party", "promise", "plan", "settlement", "dispute",
                "call_back", "need_time", "refused", "do_not_call", "cease")  # fmt: skip
COUNTS = ("accounts_worked", "calls", "rpc", "promises", "kept", "partial", "broken",
          "blocked", "review", "delayed")  # fmt: skip
DAILY_TARGETS = ("accounts_worked", "calls", "rpc", "promises")
ONLINE_MINUTES = 10
CURRENT_MINUTES = 30


class NotAllowed(ArrearsError):
    """The signed-in person's role does not allow this (or not for this team)."""

    code = "not_allowed"
    http_status = 403


def scope(me: Principal) -> tuple[int, ...] | None:
    """The team ids ``me`` may see: None for every team, () for none."""
    if me.can("accounts.all"):
        return None
    if me.can("accounts.team"):
        return (me.team_id,) if me.team_id is not None else ()
    raise NotAllowed(f"{me.username} ({me.role.value}) may not see team figures")


def demand(me: Principal, permission: str) -> None:
    if not me.can(permission):
        raise NotAllowed(f"{me.username} ({me.role.value}) may not do this ({permission})")


# -- the period's figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @classmethod
    def month_to_date(cls, today: date) -> Period:
        return cls(today.replace(day=1), today)

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidInput(f"the period ends ({self.last}) before it starts ({self.first})")
        if (self.last - self.first).days > 366:
            raise InvalidInput("a period is at most a year")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    @property
    def working_days(self) -> int:
        days = (self.last - self.first).days + 1
        return sum((self.first + timedelta(d)).weekday() < 5 for d in range(days))


@dataclass(frozen=True)
class Target:
    kpi: str
    actual: float | int
    target: float | int
    currency: str | None = None

    @property
    def attainment(self) -> float | None:
        return self.actual / self.target if self.target else None


@dataclass
class Figures:
    """One collector's or one team's figures of a period."""

    key: int
    name: str
    team: str | None
    counts: dict[str, int]
    promised: dict[str, int] = field(default_factory=dict)  # currency -> minor units
    collected: dict[str, int] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    username: str | None = None
    role: str | None = None
    team_id: int | None = None
    members: int = 0  # a team's collectors

    @property
    def kept_rate(self) -> float | None:
        judged = self.counts["kept"] + self.counts["partial"] + self.counts["broken"]
        return self.counts["kept"] / judged if judged else None

    @property
    def rpc_rate(self) -> float | None:
        return self.counts["rpc"] / self.counts["calls"] if self.counts["calls"] else None


@dataclass(frozen=True)
class Dashboard:
    period: Period
    teams: list[Figures]
    collectors: list[Figures]


def dashboard(*, uow: UnitOfWork, me: Principal, period: Period) -> Dashboard:
    """The teams ``me`` may see and their collectors, with figures and targets of ``period``."""
    teams = scope(me)
    session = uow.session
    people = q.staff(session, teams)
    if people.is_empty():
        return Dashboard(period, [], [])
    ids, names = people["user_id"].to_list(), people["username"].to_list()
    counts = _counts(session, people, ids, names, period)
    money = {
        "promised": q.promises_taken(session, names, period.start, period.end)
        .join(people.select("username", "user_id"), on="username")
        .select("user_id", "currency", pl.col("promised_minor").alias("minor")),
        "collected": q.collected(session, ids, period.first, period.last, few=teams is not None)
        .rename({"collected_minor": "minor"}),
    }  # fmt: skip
    team_rows = q.teams(session, teams)
    team_names = dict(zip(team_rows["team_id"], team_rows["team"], strict=True))
    targets = dict(zip(team_rows["team_id"], team_rows["targets"], strict=True))
    collectors = [
        _person(row, team_names, targets, money, period) for row in counts.iter_rows(named=True)
    ]
    return Dashboard(period, _teams(collectors, team_rows, targets, period), collectors)


def _counts(session: Any, people: pl.DataFrame, ids: list[int], names: list[str],
            period: Period) -> pl.DataFrame:  # fmt: skip
    work = q.work(session, ids, period.start, period.end, RPC_OUTCOMES)
    resolved = q.promises_resolved(session, names, period.first, period.last)
    taken = (
        q.promises_taken(session, names, period.start, period.end)
        .group_by("username").agg(pl.col("promises").sum())
    )  # fmt: skip
    findings = q.findings(session, ids, period.first, period.last)
    return (
        people.join(work, on="user_id", how="left")
        .join(taken, on="username", how="left")
        .join(resolved, on="username", how="left")
        .join(findings, on="user_id", how="left")
        .with_columns(pl.col(*COUNTS).fill_null(0))
    )


def _by_currency(frame: pl.DataFrame, user_id: int) -> dict[str, int]:
    mine = frame.filter(pl.col("user_id") == user_id)
    return {str(c): int(m) for c, m in mine.select("currency", "minor").iter_rows()}


def _person(row: dict[str, Any], team_names: dict[int, str], targets: dict[int, dict[str, Any]],
            money: dict[str, pl.DataFrame], period: Period) -> Figures:  # fmt: skip
    person = Figures(
        key=row["user_id"], name=row["name"], team=team_names.get(row["team_id"]),
        counts={k: int(row[k]) for k in COUNTS}, username=row["username"], role=row["role"],
        promised=_by_currency(money["promised"], row["user_id"]),
        collected=_by_currency(money["collected"], row["user_id"]), team_id=row["team_id"],
    )  # fmt: skip
    if row["role"] == "collector":
        person.targets = _targets(person, targets.get(row["team_id"]) or {}, period, 1)
    return person


def _targets(figures: Figures, wanted: dict[str, Any], period: Period, people: int) -> list[Target]:
    """The figures against the team's per-day targets × working days × ``people``."""
    days = period.working_days * people
    out = []
    for kpi in DAILY_TARGETS:
        per_day = wanted.get(f"{kpi}_per_day")
        if isinstance(per_day, int | float) and per_day > 0:
            out.append(Target(kpi, figures.counts[kpi], per_day * days))
    collected = wanted.get("collected_per_day")
    if isinstance(collected, dict):
        for currency, per_day in sorted(collected.items()):
            actual = figures.collected.get(currency, 0)
            out.append(Target("collected", actual, int(per_day) * days, currency))
    kept = wanted.get("kept_rate")
    if isinstance(kept, int | float) and figures.kept_rate is not None:
        out.append(Target("kept_rate", figures.kept_rate, float(kept)))
    return out


def _teams(collectors: list[Figures], team_rows: pl.DataFrame,
           targets: dict[int, dict[str, Any]], period: Period) -> list[Figures]:  # fmt: skip
    out = []
    for team_id, name in team_rows.select("team_id", "team").iter_rows():
        members = [c for c in collectors if c.team_id == team_id]
        team = Figures(key=team_id, name=name, team=name,
                       counts={k: sum(c.counts[k] for c in members) for k in COUNTS})  # fmt: skip
        for c in members:
            for kind in ("promised", "collected"):
                total = getattr(team, kind)
                for currency, minor in getattr(c, kind).items():
                    total[currency] = total.get(currency, 0) + minor
        team.members = sum(1 for c in members if c.role == "collector")
        team.targets = _targets(team, targets.get(team_id) or {}, period, team.members)
        out.append(team)
    return out


# -- today's queues ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueStatus:
    user_id: int
    username: str
    name: str
    team: str | None
    planned: int  # calls the plan gave them today
    worked: int  # accounts they worked today (planned or not)
    remaining: int  # planned calls not worked yet
    online: bool  # a session seen in the last minutes
    current: str | None  # the account they work now (work lock), else the last they opened
    overdue_tasks: int
    working: bool = False  # they hold a live work lock ("next account")


def queue_status(*, uow: UnitOfWork, me: Principal, now: datetime) -> list[QueueStatus]:
    """Per collector of ``me``'s teams: today's planned calls, worked, remaining, now, overdue."""
    teams = scope(me)
    session = uow.session
    people = q.staff(session, teams)
    if people.is_empty():
        return []
    ids = people["user_id"].to_list()
    today = Period(now.date(), now.date())
    frame = (
        people.join(q.planned_calls(session, ids, today.first, today.start, today.end),
                    on="user_id", how="left")
        .join(q.work(session, ids, today.start, today.end, RPC_OUTCOMES)
              .select("user_id", "accounts_worked"), on="user_id", how="left")
        .join(q.overdue_tasks(session, ids, now), on="user_id", how="left")
        .join(q.online(session, ids, now - timedelta(minutes=ONLINE_MINUTES)),
              on="user_id", how="left")
        .with_columns(pl.col("planned", "planned_worked", "accounts_worked", "overdue_tasks")
                      .fill_null(0), pl.format("user:{}", "username").alias("actor"))
    )  # fmt: skip
    current = q.current_accounts(session, frame["actor"].to_list(),
                                 now - timedelta(minutes=CURRENT_MINUTES))  # fmt: skip
    frame = frame.join(current.select("actor", "account_ref"), on="actor", how="left").join(
        q.working(session, ids, now), on="user_id", how="left"
    )
    teams_of = dict(zip(*q.teams(session, teams).select("team_id", "team"), strict=True))
    return [
        QueueStatus(
            r["user_id"],
            r["username"],
            r["name"],
            teams_of.get(r["team_id"]),
            r["planned"],
            r["accounts_worked"],
            max(0, r["planned"] - r["planned_worked"]),
            r["last_seen_at"] is not None,
            r["locked_ref"] or r["account_ref"],
            r["overdue_tasks"],
            r["locked_ref"] is not None,
        )
        for r in frame.sort("username").iter_rows(named=True)
    ]


# -- reassignment --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilter:
    assignee: str | None = None
    client: str | None = None
    status: str | None = None
    segment: str | None = None
    ref: str | None = None
    min_dpd: int | None = None


def select_accounts(
    *, uow: UnitOfWork, me: Principal, where: AccountFilter, today: date, limit: int = 500
) -> list[dict[str, Any]]:
    """Open accounts of ``me``'s teams matching ``where`` (at most ``limit``)."""
    if where.min_dpd is not None and where.min_dpd < 0:
        raise InvalidInput("days past due is 0 or more")
    due = today - timedelta(days=where.min_dpd) if where.min_dpd else None
    frame = q.accounts(
        uow.session, scope(me), assignee=where.assignee, client=where.client,
        status=where.status, segment=where.segment, ref=where.ref, min_dpd_due=due,
        statuses=assignment.ASSIGNABLE, limit=limit,
    )  # fmt: skip
    return frame.to_dicts()


def reassign(
    *, uow: UnitOfWork, me: Principal, account_ids: Sequence[int], reason: str, at: datetime,
    to_user: str | None = None, to_team: str | None = None,
) -> list[assignment.Moved]:  # fmt: skip
    """Move accounts of ``me``'s teams to a collector or a team (audited, with a handover task)."""
    demand(me, "accounts.reassign")
    if not account_ids:
        raise InvalidInput("choose at least one account to move")
    teams = scope(me)
    if teams is not None:
        outside = [i for i, t in q.account_teams(uow.session, account_ids).items()
                   if t not in teams]  # fmt: skip
        if outside or len(set(account_ids)) != len(q.account_teams(uow.session, account_ids)):
            raise NotAllowed(f"{me.username} may move only their own team's accounts")
    return assignment.move(uow=uow, account_ids=account_ids, reason=reason, by=me.actor, at=at,
                           to_user=to_user or None, to_team=to_team or None)  # fmt: skip


def targets_for_moves(*, uow: UnitOfWork, me: Principal) -> tuple[list[str], list[str]]:
    """Who accounts may be moved to: the active collectors of ``me``'s teams, and every team."""
    people = q.staff(uow.session, scope(me))
    teams = q.teams(uow.session, None)["team"].to_list()
    return people["username"].to_list(), teams


def user_principal(uow: UnitOfWork, username: str) -> Principal:
    """The stored user ``username`` as a principal (the CLI: the role comes from the store)."""
    user = uow.users.by_username(username.strip().lower())
    if user is None or not user.active:
        raise NotFound(f"no active user '{username}'")
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                     role=Role(user.role), team_id=user.team_id, locale=user.language or "en-US",
                     csrf="")  # fmt: skip
