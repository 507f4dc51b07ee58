"""The daily resolution batch: what the calendar does to arrangements.

Run once a day for ``as_of`` (``arrears daily``), before the daily plan so the
planner sees today's events. In order:

1. **Deferrals** whose end date has passed are ended: hold lifted, status back.
2. **Promises** are judged (kept / partial / broken) once their grace period
   runs out; a failed promise returns the account to ``active`` and gives the
   planner the event ``promise_broken`` (``store.queries.planning``).
3. **Plans**: instalments become due or *missed* after the grace days
   (event ``instalment_missed``); the policy's number of misses breaks the
   plan (account ``active``). A broken settlement plan breaks the settlement.
4. **Lump-sum settlements** unpaid after their date and the promise grace are broken.
5. **Reminders** are queued N days before a promise or an instalment falls
   due (N from the client's policy), on the policy's reminder channels, with
   a deduplication key per promise or instalment so a re-run never sends twice.

Nothing here commits; a re-run of the same day changes nothing more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from arrears.core.promises import reminder_due
from arrears.payments import plans, promises, settlements
from arrears.payments.arrangements import queue
from arrears.payments.deferrals import end_deferral
from arrears.payments.policy import PolicyBook, ResolutionPolicy
from arrears.store.records import AccountRecord
from arrears.store.uow import UnitOfWork

PROMISE_REMINDER = {"sms": "promise_reminder_sms", "email": "promise_reminder_email"}
INSTALMENT_REMINDER = {"sms": "instalment_reminder_sms", "email": "instalment_reminder_email"}


@dataclass
class DailyReport:
    as_of: date
    counts: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        keys = (
            "deferrals_ended",
            "promises_kept",
            "promises_partial",
            "promises_broken",
            "instalments_missed",
            "plans_broken",
            "settlements_broken",
            "reminders_queued",
        )
        return f"{self.as_of}: " + ", ".join(f"{k} {self.counts[k]}" for k in keys)


class _Policies:
    """The policy of each account's client, merged once per client."""

    def __init__(self, uow: UnitOfWork, book: PolicyBook) -> None:
        self._uow, self._book, self._by_client = uow, book, dict[int, ResolutionPolicy]()

    def of(self, account: AccountRecord) -> ResolutionPolicy:
        if account.client_id not in self._by_client:
            client = self._uow.clients.get(account.client_id)
            self._by_client[account.client_id] = self._book.for_client(
                client.code, client.jurisdiction
            )
        return self._by_client[account.client_id]


def run_daily(
    *, uow: UnitOfWork, as_of: date, at: datetime, policies: PolicyBook, actor: str = "daily"
) -> DailyReport:
    """Evaluate every arrangement for ``as_of``; returns what changed (no commit)."""
    report, per_client = DailyReport(as_of), _Policies(uow, policies)
    _end_deferrals(uow, as_of, at, actor, report)
    _judge_promises(uow, as_of, at, actor, report)
    _review_plans(uow, as_of, at, actor, report)
    _lapse_lump_sums(uow, as_of, at, actor, per_client, report)
    _remind(uow, as_of, at, per_client, report)
    return report


def _end_deferrals(uow: UnitOfWork, as_of: date, at: datetime, actor: str,
                   report: DailyReport) -> None:  # fmt: skip
    for deferral in uow.resolution.deferrals_ending(as_of):
        end_deferral(uow=uow, deferral_id=deferral.id, by=actor, at=at, reason="end date reached")
        report.counts["deferrals_ended"] += 1


def _judge_promises(uow: UnitOfWork, as_of: date, at: datetime, actor: str,
                    report: DailyReport) -> None:  # fmt: skip
    for change in promises.evaluate_promises(uow=uow, as_of=as_of, at=at, actor=actor):
        report.counts[f"promises_{change.status}"] += 1


def _review_plans(uow: UnitOfWork, as_of: date, at: datetime, actor: str,
                  report: DailyReport) -> None:  # fmt: skip
    for plan in uow.resolution.open_plans():
        events = plans.review_plan(uow=uow, plan=plan, as_of=as_of, at=at, actor=actor)
        report.counts["instalments_missed"] += sum(
            e.startswith("instalment_missed") for e in events
        )
        if "plan_broken" not in events:
            continue
        report.counts["plans_broken"] += 1
        settlement = uow.resolution.open_settlement(plan.account_id)
        if plan.kind == "settlement" and settlement is not None:
            settlements.break_settlement(uow=uow, settlement=settlement, at=at, actor=actor,
                                         reason=f"plan {plan.id} broken")  # fmt: skip
            report.counts["settlements_broken"] += 1


def _lapse_lump_sums(uow: UnitOfWork, as_of: date, at: datetime, actor: str,
                     per_client: _Policies, report: DailyReport) -> None:  # fmt: skip
    for settlement in uow.resolution.accepted_lump_sums_due_before(as_of):
        account = uow.accounts.get(settlement.account_id)
        grace = per_client.of(account).promises.grace_days
        if settlement.due_on + timedelta(days=grace) < as_of:
            settlements.break_settlement(uow=uow, settlement=settlement, at=at, actor=actor,
                                         reason="not paid by the agreed date")  # fmt: skip
            report.counts["settlements_broken"] += 1


def _remind(uow: UnitOfWork, as_of: date, at: datetime, per_client: _Policies,
            report: DailyReport) -> None:  # fmt: skip
    for promise in uow.resolution.pending_promises():
        account = uow.accounts.get(promise.account_id)
        policy = per_client.of(account)
        if reminder_due(promise.due_on, as_of, policy.promises.reminder_days_before):
            report.counts["reminders_queued"] += len(queue(
                uow, account=account, channels=policy.reminders.channels,
                template=PROMISE_REMINDER, event="promise_reminder", parts=(str(promise.id),),
                at=at, details={"promise_id": promise.id, "amount_minor": promise.amount_minor,
                                "due_on": promise.due_on.isoformat()},
            ))  # fmt: skip
    for plan in uow.resolution.open_plans():
        account = uow.accounts.get(plan.account_id)
        days = per_client.of(account).plans.reminder_days_before
        for item in uow.resolution.instalments(plan.id):
            if item.paid_minor >= item.amount_minor or not reminder_due(item.due_on, as_of, days):
                continue
            report.counts["reminders_queued"] += len(queue(
                uow, account=account, channels=per_client.of(account).reminders.channels,
                template=INSTALMENT_REMINDER, event="instalment_reminder",
                parts=(str(plan.id), str(item.number)), at=at,
                details={"plan_id": plan.id, "instalment": item.number,
                         "amount_minor": item.amount_minor - item.paid_minor,
                         "due_on": item.due_on.isoformat()},
            ))  # fmt: skip
