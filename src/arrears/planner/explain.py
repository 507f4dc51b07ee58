"""Why an account gets what it gets today (DESIGN §4.5: every decision explainable).

The explanation is read back from the plan that was written: the account's
strategy and version, segment and experiment arm, and for each step due that
day its status, priority and expected value, the reason, and every compliance
finding with its rule, citation and message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from arrears.errors import NotFound
from arrears.store.uow import UnitOfWork


@dataclass
class Explanation:
    client: str
    account_ref: str
    status: str
    strategy: str | None
    segment: str | None
    arms: dict[str, Any]
    plan_date: date | None
    actions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "account": self.account_ref,
            "status": self.status,
            "strategy": self.strategy,
            "segment": self.segment,
            "arms": self.arms,
            "plan_date": self.plan_date.isoformat() if self.plan_date else None,
            "actions": self.actions,
        }

    def lines(self) -> list[str]:
        head = [
            f"account {self.account_ref} of {self.client} ({self.status})",
            f"  strategy {self.strategy or '-'}, segment {self.segment or '-'}"
            + (f", arms {self.arms}" if self.arms else ""),
        ]
        if self.plan_date is None:
            return [*head, "  not planned yet: run `arrears plan`"]
        head.append(f"  plan of {self.plan_date.isoformat()}:")
        if not self.actions:
            head.append("    nothing due that day: no step of the segment is due, nothing stopped")
        for action in self.actions:
            head.extend(_action_lines(action))
        return head


def _action_lines(action: dict[str, Any]) -> list[str]:
    lines = [
        f"    {action['step']} {action['action'] or ''} via {action['channel'] or '-'}: "
        f"{action['status'].upper()}"
        + (f" by {action['suppressed_by']}" if action["suppressed_by"] else "")
        + (f" from {action['not_before']}" if action["not_before"] else "")
        + f"  priority {action['priority']:.0f}, expected value {action['expected_value_minor']}",
        f"      why: {action['reason']}",
    ]
    for finding in action["findings"]:
        until = f" until {finding['until']}" if finding.get("until") else ""
        lines.append(
            f"      {finding['verdict']}{until} {finding['rule']} [{finding['citation']}]: "
            f"{finding['message']}"
        )
    return lines


def explain_account(
    *, uow: UnitOfWork, client: str | None, account_ref: str, plan_date: date | None
) -> Explanation:
    """The explanation of one account's plan (the latest plan when no date is given)."""
    account = uow.accounts.find(account_ref, client)
    if account is None:
        where = f" of client '{client}'" if client else ""
        raise NotFound(f"no account '{account_ref}'{where}")
    client_code = uow.clients.code_of(account.client_id)
    actions = uow.plans.for_account(account.id, plan_date)
    day = actions[0].plan_date if actions else (plan_date or uow.plans.latest_date())
    return Explanation(
        client=client_code,
        account_ref=account.account_ref,
        status=account.status,
        strategy=account.strategy,
        segment=account.segment,
        arms=dict(account.arms or {}),
        plan_date=day,
        actions=[_action(a) for a in actions],
    )


def _action(record: Any) -> dict[str, Any]:
    return {
        "step": record.step,
        "action": record.action,
        "channel": record.channel,
        "template": record.template,
        "to": record.contact_to,
        "status": record.status,
        "verdict": record.verdict,
        "not_before": record.not_before.isoformat() if record.not_before else None,
        "priority": record.priority,
        "expected_value_minor": record.expected_value_minor,
        "reason": record.reason,
        "suppressed_by": record.suppressed_by,
        "strategy_version": record.strategy_version,
        "experiment": record.experiment,
        "arm": record.arm,
        "findings": list(record.findings or []),
    }
