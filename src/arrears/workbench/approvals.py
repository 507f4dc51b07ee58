"""Approvals: settlements above a collector's authority, overrides of compliance REVIEW findings.

**Settlements.** A proposal above the proposer's authority waits
(``pending_approval``). A supervisor decides it here with the *settlement
authority of their role* as the client's policy states it — the role read from
the signed-in person on the server (or, in the CLI, from the stored user),
never a role someone types. :func:`decide_settlement` calls
:func:`arrears.payments.settlements.approve_settlement` or ``reject_settlement``,
which check the authority matrix again; a discount above the supervisor's
limit stays waiting for a manager (the ``manager`` role, who sees every team's
queue and decides with the manager authority). Who *proposes* is read the same
way (:func:`proposer_role`).

**Overrides.** When a compliance rule answers REVIEW, the daily plan keeps the
action with status ``review`` and the dispatcher holds an outbox row ``held``:
nothing goes out until a person decides. A compliance officer
(``compliance.override``) approves or refuses one item with a reason
(:func:`decide_review`):

* approved — the REVIEW rules of that item are accepted *for that one action*.
  A planned message gets its outbox row (the plan's deduplication key), a held
  row is pending again; either way the dispatcher judges it once more at send
  time and lets through only a REVIEW of exactly those rules. A BLOCK, a DELAY
  or a new REVIEW found then still stops it. A planned call goes to the
  collector's queue, where the call panel checks again before dialling.
* refused — the action is suppressed (the planned action) or cancelled (the
  outbox row), with the reason.

A BLOCK is never overridable: a BLOCK is the law or the debtor saying no (a
cease request, a bankruptcy, quiet hours with no later window, an opt-out),
and nobody in the company may decide otherwise. An item with any BLOCK finding
is refused before anything changes. Every decision is an ``overrides`` row and
an audit event.

Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from arrears.core.dedup import planned_key
from arrears.core.roles import Principal, Role
from arrears.core.settlements import Role as SettlementRole
from arrears.core.settlements import may_approve
from arrears.errors import Conflict, InvalidInput
from arrears.payments import settlements as settlement_service
from arrears.payments.policy import PolicyBook
from arrears.store.records import OutboxRecord, PlannedActionRecord
from arrears.store.records.resolution import SettlementRecord
from arrears.store.records.supervision import OverrideRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.repositories.supervision import AccountContext
from arrears.store.uow import UnitOfWork
from arrears.workbench.supervision import NotAllowed, demand, scope

# The settlement authority each staff role with ``settlements.approve`` acts with.
SETTLEMENT_ROLES = {
    Role.SUPERVISOR: SettlementRole.SUPERVISOR,
    Role.MANAGER: SettlementRole.MANAGER,
}
# The authority a proposal carries: the proposer's stored role (a collector's when they have none).
PROPOSER_ROLES = {Role.COLLECTOR: SettlementRole.COLLECTOR, **SETTLEMENT_ROLES}
AUTOMATED = ("sms", "email", "letter")
REVIEW_DAYS = 7  # planned actions held for review stay on the list this long


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("a decision needs a reason")
    if len(text) > 2000:
        raise InvalidInput("a reason is at most 2,000 characters")
    return text


def _in_scope(me: Principal, context: AccountContext, what: str) -> None:
    teams = scope(me)
    if teams is not None and context.team_id not in teams:
        raise NotAllowed(f"{what} belongs to another team")


# -- settlements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettlementItem:
    settlement: SettlementRecord
    account: AccountContext
    may_approve: bool  # within the authority of ``me``'s role under the client's policy


def settlement_role(me: Principal) -> SettlementRole:
    demand(me, "settlements.approve")
    role = SETTLEMENT_ROLES.get(me.role)
    if role is None:
        raise NotAllowed(f"a {me.role.value} has no settlement authority")
    return role


def proposer_role(uow: UnitOfWork, username: str) -> SettlementRole:
    """The authority a settlement proposed by ``username`` carries: their stored role's, or a
    collector's for anyone else (a script, a name that is not a user) — never a role typed in."""
    user = uow.users.by_username(username.strip().lower())
    if user is None or not user.active:
        return SettlementRole.COLLECTOR
    return PROPOSER_ROLES.get(Role(user.role), SettlementRole.COLLECTOR)


def pending_settlements(
    *, uow: UnitOfWork, me: Principal, policies: PolicyBook
) -> list[SettlementItem]:
    """Settlements of ``me``'s teams waiting for approval, oldest first."""
    role = settlement_role(me)
    items = []
    for settlement, context in uow.supervision.pending_settlements(scope(me)):
        authority = policies.for_client(context.client_code, context.jurisdiction).authority
        allowed = may_approve(role, settlement.balance_minor, settlement.amount_minor, authority)
        items.append(SettlementItem(settlement, context, allowed))
    return items


def decide_settlement(
    *, uow: UnitOfWork, me: Principal, settlement_id: int, approve: bool, reason: str | None,
    at: datetime, policies: PolicyBook,
) -> SettlementRecord:  # fmt: skip
    """Approve or refuse a waiting settlement with ``me``'s authority; the reason is kept."""
    role = settlement_role(me)
    text = _reason(reason)
    settlement, context = uow.supervision.settlement_context(settlement_id)
    _in_scope(me, context, f"settlement {settlement_id}")
    policy = policies.for_client(context.client_code, context.jurisdiction)
    if approve:
        settlement = settlement_service.approve_settlement(
            uow=uow, settlement_id=settlement_id, by=me.actor, role=role, at=at, policy=policy
        )
        settlement.reason = text
    else:
        settlement = settlement_service.reject_settlement(
            uow=uow, settlement_id=settlement_id, by=me.actor, role=role, at=at, reason=text,
            policy=policy,
        )  # fmt: skip
    uow.audit.append(AuditEvent(
        at, me.actor, "settlement.approved" if approve else "settlement.refused", "settlement",
        str(settlement.id), before={"status": "pending_approval"},
        after={"status": settlement.status, "reason": text, "role": role.value,
               "account_ref": context.account_ref, "discount": settlement.discount},
    ))  # fmt: skip
    return settlement


# -- REVIEW overrides ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    kind: str  # planned | outbox
    id: int
    account: AccountContext
    channel: str | None
    when: Any  # the plan date or when the dispatcher held it
    rules: list[str]  # the REVIEW rules a decision would cover
    findings: list[dict[str, Any]]
    blocked: bool  # a BLOCK finding: it cannot be overridden

    @property
    def overridable(self) -> bool:
        return bool(self.rules) and not self.blocked


def _review_rules(findings: list[dict[str, Any]]) -> tuple[list[str], bool]:
    rules = sorted({str(f.get("rule")) for f in findings if f.get("verdict") == "REVIEW"})
    return rules, any(f.get("verdict") == "BLOCK" for f in findings)


def review_items(*, uow: UnitOfWork, me: Principal, today: Any) -> list[ReviewItem]:
    """Planned actions held for review (the last days) and outbox rows held at send time."""
    demand(me, "compliance.override")
    teams, items = scope(me), []
    since = today - timedelta(days=REVIEW_DAYS)
    for action, context in uow.supervision.review_actions(teams, since):
        rules, blocked = _review_rules(list(action.findings or []))
        items.append(ReviewItem("planned", action.id, context, action.channel, action.plan_date,
                                rules, list(action.findings or []), blocked))  # fmt: skip
    for row, context in uow.supervision.held_messages(teams):
        rules, blocked = _review_rules(list(row.findings or []))
        items.append(ReviewItem("outbox", row.id, context, row.channel, row.updated_at, rules,
                                list(row.findings or []), blocked))  # fmt: skip
    return items


def decide_review(
    *, uow: UnitOfWork, me: Principal, kind: str, item_id: int, approve: bool, reason: str | None,
    at: datetime,
) -> OverrideRecord:  # fmt: skip
    """Approve (let this one action through its REVIEW rules) or refuse a held item."""
    demand(me, "compliance.override")
    text = _reason(reason)
    if kind == "planned":
        action = uow.supervision.planned_action(item_id)
        if action.status != "review":
            raise Conflict(f"planned action {item_id} is {action.status}, not held for review")
        return _decide_planned(uow, me, action, approve, text, at)
    if kind == "outbox":
        row = uow.supervision.outbox_row(item_id)
        if row.status != "held":
            raise Conflict(f"message {item_id} is {row.status}, not held for review")
        return _decide_held(uow, me, row, approve, text, at)
    raise InvalidInput(f"'{kind}' is not a kind of review item (planned, outbox)")


def _checked(findings: list[dict[str, Any]], what: str) -> list[str]:
    rules, blocked = _review_rules(findings)
    if blocked:
        raise Conflict(f"{what} has a BLOCK finding: a BLOCK cannot be overridden")
    if not rules:
        raise Conflict(f"{what} has no REVIEW finding to decide")
    return rules


def _decide_planned(uow: UnitOfWork, me: Principal, action: PlannedActionRecord, approve: bool,
                    reason: str, at: datetime) -> OverrideRecord:  # fmt: skip
    findings = list(action.findings or [])
    rules = _checked(findings, f"planned action {action.id}")
    record = _record(uow, me, action.account_id, action.channel, rules, findings, approve,
                     reason, at, planned_action_id=action.id)  # fmt: skip
    before = {"status": action.status}
    if approve:
        action.status = "planned"
        action.reason = f"{action.reason}; REVIEW of {', '.join(rules)} overridden by " \
                        f"{me.actor} (override {record.id})"  # fmt: skip
        if action.channel in AUTOMATED and action.contact_to:
            record.outbox_id = _enqueue(uow, action, rules, record.id, at)
    else:
        action.status, action.suppressed_by = "suppressed", rules[0]
        action.reason = f"{action.reason}; review refused by {me.actor}: {reason}"
    _audit(uow, me, record, "planned_action", action.id, before, {"status": action.status}, at)
    return record


def _enqueue(uow: UnitOfWork, action: PlannedActionRecord, rules: list[str], override_id: int,
             at: datetime) -> int | None:  # fmt: skip
    template = action.template
    if template is None and action.action and ":" in action.action:
        template = action.action.split(":", 1)[1]
    not_before = max(action.not_before or at, at)
    return uow.outbox.add(
        dedup_key=planned_key(action.plan_date, action.account_id, action.step,
                              str(action.channel)),
        plan_date=action.plan_date, partition=action.partition, account_id=action.account_id,
        debtor_id=action.debtor_id, client_id=action.client_id, channel=action.channel,
        template=template, step=action.step, strategy=action.strategy,
        strategy_version=action.strategy_version, contact_to=action.contact_to,
        priority=action.priority, not_before=not_before, created_at=at, updated_at=at,
        details={"override_id": override_id, "overridden_rules": rules},
    )  # fmt: skip


def _decide_held(uow: UnitOfWork, me: Principal, row: OutboxRecord, approve: bool, reason: str,
                 at: datetime) -> OverrideRecord:  # fmt: skip
    if row.account_id is None:  # staff mail (reports) is never held for a compliance review
        raise Conflict(f"message {row.id} is not a message to a debtor")
    findings = list(row.findings or [])
    rules = _checked(findings, f"message {row.id}")
    record = _record(uow, me, row.account_id, row.channel, rules, findings, approve, reason, at,
                     outbox_id=row.id)  # fmt: skip
    before = {"status": row.status}
    if approve:
        accepted = sorted(set((row.details or {}).get("overridden_rules") or ()) | set(rules))
        row.details = {**(row.details or {}), "override_id": record.id,
                       "overridden_rules": accepted}  # fmt: skip
        row.status, row.not_before, row.last_error = "pending", at, None
    else:
        row.status, row.last_error = "cancelled", f"review refused by {me.actor}: {reason}"
    row.updated_at = at
    _audit(uow, me, record, "outbox", row.id, before, {"status": row.status}, at)
    return record


def _record(uow: UnitOfWork, me: Principal, account_id: int, channel: str | None,
            rules: list[str], findings: list[dict[str, Any]], approve: bool, reason: str,
            at: datetime, **item: int) -> OverrideRecord:  # fmt: skip
    return uow.supervision.add_override(
        account_id=account_id, channel=channel, rules=rules, findings=findings,
        decision="approved" if approve else "refused", reason=reason, decided_by=me.actor,
        decided_role=me.role.value, decided_at=at, **item,
    )  # fmt: skip


def _audit(uow: UnitOfWork, me: Principal, record: OverrideRecord, entity: str, entity_id: int,
           before: dict[str, Any], after: dict[str, Any], at: datetime) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(
        at, me.actor, f"override.{record.decision}", entity, str(entity_id), before=before,
        after={**after, "override_id": record.id, "rules": record.rules, "reason": record.reason,
               "account_id": record.account_id, "outbox_id": record.outbox_id},
    ))  # fmt: skip


def overrides(
    *, uow: UnitOfWork, me: Principal, limit: int = 100, offset: int = 0
) -> list[tuple[OverrideRecord, AccountContext]]:
    """Every decision on a REVIEW item, newest first (those ``me`` may see)."""
    if not (me.can("compliance.override") or me.can("audit.read")):
        raise NotAllowed(f"{me.username} may not see overrides")
    return uow.supervision.overrides(scope_or_all(me), limit, offset)


def scope_or_all(me: Principal) -> tuple[int, ...] | None:
    """Like :func:`scope`; people who read the trail without team figures (legal) see all."""
    return scope(me) if me.can("accounts.team") or me.can("accounts.all") else None
