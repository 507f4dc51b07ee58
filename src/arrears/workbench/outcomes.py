"""Recording a call: one disposition, and everything it implies, in one step.

A collector ends a call by choosing a disposition code and, for some, the
figures agreed. :func:`record_outcome` then writes, in the caller's
transaction:

* the call on the timeline (an interaction: channel ``call``, the number,
  the collector, the disposition as its ``outcome``, the note);
* what the disposition creates, through the same services every other
  channel uses — a promise (:func:`arrears.payments.promises.take_promise`),
  a plan, a settlement request (above the collector's authority it waits for a
  supervisor), a dispute (which holds the account), a follow-up task;
* what compliance must know from now on: a wrong number is marked as not the
  debtor's, "do not call this number" is an opt-out of calls to it, a cease
  request, a death or a bankruptcy puts a hold on the account (the engine
  reads holds and opt-outs for every later contact, planned or by hand);
* an audit event, and the end of the collector's lock on the account.

The form carries a one-time token: the same form sent twice records once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from arrears.core.accounts import AccountStatus, can_transition
from arrears.core.roles import Principal
from arrears.errors import InvalidInput
from arrears.payments import disputes, plans, promises, settlements
from arrears.payments.policy import ResolutionPolicy
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_
from arrears.workbench.service import add_task, visible_account

# Disposition -> what it needs: (connected, permission).
DISPOSITIONS: dict[str, tuple[bool, str]] = {
    "right_party": (True, "outcomes.record"),
    "promise": (True, "promises.take"),
    "plan": (True, "plans.create"),
    "settlement": (True, "settlements.propose"),
    "dispute": (True, "outcomes.record"),
    "call_back": (True, "outcomes.record"),
    "need_time": (True, "outcomes.record"),
    "refused": (True, "outcomes.record"),
    "third_party": (True, "outcomes.record"),
    "no_answer": (False, "outcomes.record"),
    "voicemail": (False, "outcomes.record"),
    "busy": (False, "outcomes.record"),
    "wrong_number": (True, "outcomes.record"),
    "do_not_call": (True, "outcomes.record"),
    "cease": (True, "outcomes.record"),
    "deceased": (True, "outcomes.record"),
    "bankrupt": (True, "outcomes.record"),
}
HOLDS = {"cease": "cease", "deceased": "deceased", "bankrupt": "bankruptcy"}
# "Time to think" gets a deadline (PRODUCT C3): this many days when none is given.
THINK_DAYS = 3
NOTE_MAX = 2000


@dataclass(frozen=True)
class Outcome:
    """What the collector entered at the end of a call."""

    disposition: str
    token: str  # one per form: the same form sent twice records once
    point_id: int | None = None
    note: str = ""
    amount_minor: int | None = None  # promise, settlement
    due_on: date | None = None  # promise date
    count: int | None = None  # plan instalments
    frequency: str = "monthly"
    first_due_on: date | None = None
    reason: str = "other"  # dispute reason
    follow_up_at: datetime | None = None  # call back / deadline of "time to think"


@dataclass(frozen=True)
class Recorded:
    interaction_id: int
    created: dict[str, int]  # what was made: {"promise": id, "task": id, ...}
    repeated: bool = False


def record_outcome(
    *, uow: UnitOfWork, me: Principal, account_id: int, outcome: Outcome, at: datetime,
    policy: ResolutionPolicy,
) -> Recorded:  # fmt: skip
    """Record the call and everything its disposition creates (see the module docstring)."""
    if outcome.disposition not in DISPOSITIONS:
        raise InvalidInput(N_("disposition '%(code)s' is not one of %(known)s"),
                           code=outcome.disposition, known=", ".join(DISPOSITIONS))  # fmt: skip
    if not me.can(DISPOSITIONS[outcome.disposition][1]):
        raise InvalidInput(N_("your role may not record '%(code)s'"), code=outcome.disposition)
    account = visible_account(uow=uow, me=me, account_id=account_id, at=at)
    key = f"workbench:{outcome.token}"
    done = uow.interactions.by_key(key)
    if done is not None:
        return Recorded(done.id, dict(done.details.get("created") or {}), repeated=True)
    point = (uow.workbench.contact_point(account.debtor_id, outcome.point_id)
             if outcome.point_id is not None else None)  # fmt: skip
    created = _consequences(uow, me, account, point, outcome, at, policy)
    note = " ".join(outcome.note.split())[:NOTE_MAX]
    uow.interactions.add_unique([{
        "account_id": account.id, "debtor_id": account.debtor_id, "channel": "call",
        "direction": "out", "occurred_at": at, "user_id": me.user_id,
        "contact_value": point.value if point is not None else None,
        "outcome": outcome.disposition, "notes": note or None, "template": None,
        "dedup_key": key, "status": "recorded",
        "details": {"by": me.username, "connected": DISPOSITIONS[outcome.disposition][0],
                    "created": created},
    }])  # fmt: skip
    interaction = uow.interactions.by_key(key)
    assert interaction is not None  # just written in this transaction
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action="outcome.recorded",
                                entity="account", entity_id=str(account.id),
                                after={"disposition": outcome.disposition, "created": created,
                                       "interaction_id": interaction.id}))  # fmt: skip
    uow.workbench.release(user_id=me.user_id, account_id=account.id)
    return Recorded(interaction.id, created)


def _consequences(
    uow: UnitOfWork, me: Principal, account: Any, point: Any, outcome: Outcome, at: datetime,
    policy: ResolutionPolicy,
) -> dict[str, int]:  # fmt: skip
    kind = outcome.disposition
    common = {"uow": uow, "account": account, "at": at}
    if kind == "promise":
        amount, due = (
            _need(outcome.amount_minor, N_("an amount")),
            _need(outcome.due_on, N_("a date")),
        )
        made = promises.take_promise(**common, amount_minor=amount, due_on=due, channel="phone",
                                     taken_by=me.actor, policy=policy)  # fmt: skip
        return {"promise": made.id}
    if kind == "plan":
        terms = plans.terms_from(account=account, policy=policy,
                                 count=_need(outcome.count, N_("the number of instalments")),
                                 frequency=outcome.frequency, down_payment_minor=None,
                                 first_due_on=outcome.first_due_on, as_of=at.date())  # fmt: skip
        plan = plans.create_plan(**common, terms=terms, channel="phone", created_by=me.actor,
                                 policy=policy)  # fmt: skip
        return {"plan": plan.id}
    if kind == "settlement":
        proposed = settlements.propose_settlement(
            **common, amount_minor=_need(outcome.amount_minor, N_("an amount")), by=me.actor,
            role=me.role.value, channel="phone", policy=policy)  # fmt: skip
        return {"settlement": proposed.id}
    if kind == "dispute":
        opened = disputes.open_dispute(**common, reason=outcome.reason,
                                       details=outcome.note or None, channel="phone",
                                       by=me.actor)  # fmt: skip
        return {"dispute": opened.dispute.id}
    return _follow_up_or_compliance(uow, me, account, point, outcome, at)


def _follow_up_or_compliance(
    uow: UnitOfWork, me: Principal, account: Any, point: Any, outcome: Outcome, at: datetime
) -> dict[str, int]:
    kind = outcome.disposition
    if kind in ("call_back", "need_time"):
        when = outcome.follow_up_at or (_deadline(at) if kind == "need_time" else None)
        if when is None:
            raise InvalidInput(N_("a call back needs a date and time"))
        title = "Call back" if kind == "call_back" else "Decision due (time to think)"
        task = add_task(uow=uow, me=me, account_id=account.id, title=title, due_at=when, at=at,
                        kind="call_back" if kind == "call_back" else "follow_up",
                        key=f"workbench:{outcome.token}:task",
                        details={"disposition": kind})  # fmt: skip
        return {"task": task.id}
    if kind in ("wrong_number", "do_not_call"):
        return _number(uow, me, _need(point, N_("the number called")), kind, at)
    if kind in HOLDS:
        _hold(uow, me, account, HOLDS[kind], at)
    return {}


def _deadline(at: datetime) -> datetime:
    """The default answer-by time of "time to think": noon, :data:`THINK_DAYS` days on."""
    return datetime.combine(at.date() + timedelta(days=THINK_DAYS), time(12), tzinfo=at.tzinfo)


def _number(uow: UnitOfWork, me: Principal, point: Any, kind: str, at: datetime) -> dict[str, int]:
    """A wrong number is not the debtor's; "do not call" opts that number out of calls."""
    if kind == "wrong_number":
        uow.inbound.mark_wrong_party(point.id)
        action, after = "contact.wrong_party", {"by": "workbench"}
    else:
        uow.inbound.add_opt_out(point.value, "call", at, f"workbench:{me.username}")
        action, after = "contact.opt_out", {"channel": "call", "by": "workbench"}
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action=action,
                                entity="contact_point", entity_id=str(point.id),
                                after=after))  # fmt: skip
    return {}


def _hold(uow: UnitOfWork, me: Principal, account: Any, kind: str, at: datetime) -> None:
    """Put a hold the compliance engine honours (cease, deceased, bankruptcy) on the account."""
    holds = list(account.holds or [])
    if any(isinstance(h, dict) and h.get("kind") == kind for h in holds):
        return
    before = {"status": account.status, "holds": holds}
    account.holds = [*holds, {"kind": kind, "since": at.isoformat(),
                              "source": f"workbench:{me.username}"}]  # fmt: skip
    if can_transition(account.status, AccountStatus.ON_HOLD):
        account.status = AccountStatus.ON_HOLD.value
    account.updated_at = at
    uow.audit.append(AuditEvent(occurred_at=at, actor=me.actor, action=f"account.hold.{kind}",
                                entity="account", entity_id=str(account.id), before=before,
                                after={"status": account.status,
                                       "holds": list(account.holds)}))  # fmt: skip


def _need(value: Any, what: str) -> Any:
    if value is None:
        raise InvalidInput(N_("this disposition needs %(what)s"), what=what)
    return value
