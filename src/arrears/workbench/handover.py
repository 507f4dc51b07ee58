"""What a collector taking an account over needs to know, gathered in one task.

A handover must not lose what the last collector knew. :func:`handover_task`
creates a ``handover`` task for the new collector whose details summarise the
account's history: the latest contacts and their outcomes, promises, the
running plan, disputes, notes, today's planned actions and who had the account
before. The full timeline stays on the account; the task is the briefing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arrears.store.records import AccountRecord, TaskRecord, UserRecord
from arrears.store.uow import UnitOfWork

LAST = 5
NOTE_CHARS = 300


def summary(uow: UnitOfWork, account: AccountRecord) -> dict[str, Any]:
    """The account's history in brief, JSON-safe."""
    interactions = uow.interactions.of_account(account.id, limit=50)
    contacts = [{"at": i.occurred_at.isoformat(), "channel": i.channel, "direction": i.direction,
                 "outcome": i.outcome} for i in interactions[:LAST]]  # fmt: skip
    notes = [{"at": i.occurred_at.isoformat(), "text": (i.notes or "")[:NOTE_CHARS]}
             for i in interactions if i.notes][:3]  # fmt: skip
    promises = [{"amount_minor": p.amount_minor, "currency": p.currency,
                 "due_on": p.due_on.isoformat(), "status": p.status}
                for p in uow.resolution.promises(account_id=account.id, limit=LAST)]  # fmt: skip
    plan = uow.resolution.open_plan(account.id)
    disputes = [{"reason": d.reason, "status": d.status, "opened_at": d.opened_at.isoformat()}
                for d in uow.disputes.of_account(account.id)]  # fmt: skip
    planned = [{"date": a.plan_date.isoformat(), "step": a.step, "channel": a.channel,
                "status": a.status, "reason": a.reason[:NOTE_CHARS]}
               for a in uow.plans.for_account(account.id)[:LAST]]  # fmt: skip
    owners = [{"owner": _username(uow, o.owner_id), "covering": _username(uow, o.covering_id),
               "reason": o.reason,
               "from": o.started_at.isoformat(),
               "to": o.ended_at.isoformat() if o.ended_at else None}
              for o in uow.assignment.history(account.id)]  # fmt: skip
    balance = (account.principal_minor + account.interest_minor + account.fees_minor
               + account.costs_minor)  # fmt: skip
    return {
        "status": account.status, "balance_minor": balance, "currency": account.currency,
        "holds": [h.get("kind") for h in account.holds or []], "contacts": contacts,
        "promises": promises, "disputes": disputes, "notes": notes, "planned": planned,
        "plan": None if plan is None else {"status": plan.status, "count": plan.count,
                                           "frequency": plan.frequency,
                                           "total_minor": plan.total_minor},
        "owners": owners,
    }  # fmt: skip


def handover_task(
    *, uow: UnitOfWork, account: AccountRecord, to: UserRecord, previous: UserRecord | None,
    reason: str, by: str, at: datetime,
) -> TaskRecord:  # fmt: skip
    """A ``handover`` task for ``to`` with the account's history (once per move)."""
    key = f"handover:{account.id}:{to.id}:{at.isoformat()}"
    source = f" from {previous.username}" if previous is not None else ""
    title = f"Handover of {account.account_ref}{source}: {reason}"[:300]
    details = {"reason": reason, "from": previous.username if previous else None,
               "history": summary(uow, account)}  # fmt: skip
    return uow.tasks.add(
        kind="handover", client_id=account.client_id, account_id=account.id,
        debtor_id=account.debtor_id, title=title, details=details, role=None,
        assignee_id=to.id, due_at=None, status="open", dedup_key=key[:200], created_by=by,
        created_at=at,
    )  # fmt: skip


def _username(uow: UnitOfWork, user_id: int | None) -> str | None:
    return uow.users.get(user_id).username if user_id is not None else None
