"""The dispatcher: claim, re-check, render, send, record — crash-safe.

One batch is three short transactions:

1. **claim** due rows (status ``sending``, a lease, ``attempts + 1``) and commit;
2. outside any transaction: read the accounts as they are now, render, ask the
   compliance engine about the real instant and text, send through the adapters;
3. **record** every outcome (outbox status, one attempt row each, an interaction
   per sent message, one audit event for the batch) and commit.

A crash between 1 and 3 leaves rows ``sending`` with a lease; when the lease
runs out any worker claims them again and sends with the same deduplication
key. The provider recognises the key (the SMS provider's ``reference``, the
e-mail's ``Message-ID``) and the interaction's unique key refuses a second
record, so nothing is sent or recorded twice and nothing is lost
(``tests/outbox/test_faults.py`` kills the worker at each point).
``checkpoint`` is how those tests stop the worker at a named point.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from arrears.channels.base import OutgoingMessage, SendResult, temporary
from arrears.compliance.rulebooks import Rulebooks
from arrears.outbox import staff_mail
from arrears.outbox.adapters import AdapterSet, NotConfigured
from arrears.outbox.compose import Composed, ComposeError, compose
from arrears.outbox.recheck import judge
from arrears.outbox.retry import RetryPolicy
from arrears.planner.contacts import jurisdictions
from arrears.planner.plan import finding_json
from arrears.store.queries import planning as queries
from arrears.store.queries.outreach import contacted_accounts, message_details
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.templates import TemplateCatalogue

Checkpoint = Callable[[str], None]
HISTORY_DAYS = 30
SNAPSHOT = ("id", "dedup_key", "account_id", "debtor_id", "client_id", "channel", "template",
            "contact_to", "attempts", "step", "strategy", "details", "kind")  # fmt: skip


@dataclass(frozen=True)
class DispatchSettings:
    worker: str = "worker-1"
    batch_size: int = 200
    lease: timedelta = timedelta(minutes=5)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    channels: tuple[str, ...] = ()  # empty: every automated channel


@dataclass
class DispatchReport:
    counts: Counter[str] = field(default_factory=Counter)  # sent moved held cancelled retry dead

    def add(self, other: DispatchReport) -> None:
        self.counts.update(other.counts)

    @property
    def claimed(self) -> int:
        return sum(self.counts.values())


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        adapters: AdapterSet,
        catalogue: TemplateCatalogue,
        rulebooks: Rulebooks,
        clock: Callable[[], datetime],
        settings: DispatchSettings | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self._uow = uow_factory
        self._adapters = adapters
        self._catalogue = catalogue
        self._rulebooks = rulebooks
        self._clock = clock
        self._settings = settings or DispatchSettings()
        self._checkpoint = checkpoint or (lambda name: None)

    def close(self) -> None:
        """Close the adapters' connections."""
        self._adapters.close()

    def run(self, limit: int | None = None) -> DispatchReport:
        """Send batches until nothing is due (or about ``limit`` rows were handled)."""
        report = DispatchReport()
        while limit is None or report.claimed < limit:
            batch = self.run_batch()
            if batch.claimed == 0:
                break
            report.add(batch)
        return report

    def run_batch(self) -> DispatchReport:
        now = self._clock()
        rows = self._claim(now)
        self._checkpoint("claimed")
        if not rows:
            return DispatchReport()
        outcomes = _Outcomes(now, self._settings)
        # Staff mail (scheduled reports) has no debtor: composed and sent on its own path,
        # without the debtor re-check; retries, attempts and audit are the same.
        staff = [r for r in rows if staff_mail.is_staff(r)]
        rows = [r for r in rows if not staff_mail.is_staff(r)]
        composed: dict[int, Composed] = {}
        if rows:
            accounts = [r["account_id"] for r in rows]
            with self._uow() as uow:
                details = message_details(uow.session, accounts)
                contacted = contacted_accounts(uow.session, accounts)
                frames = _frames(uow, rows, now)
            composed = self._compose_all(rows, details, contacted, now, outcomes)
        staff_messages = self._compose_staff(staff, outcomes)
        self._checkpoint("rendered")
        if rows:
            to_send = self._recheck(rows, composed, frames, now, outcomes)
            self._send(to_send, composed, outcomes)
        self._send_staff(staff, staff_messages, outcomes)
        self._checkpoint("sent")
        self._record(outcomes, now)
        return outcomes.report

    # 1. claim ----------------------------------------------------------------------------

    def _claim(self, now: datetime) -> list[dict[str, Any]]:
        s = self._settings
        with self._uow() as uow:
            claimed = uow.outbox.claim(s.worker, now, s.batch_size, s.lease, s.channels)
            rows = [{k: getattr(r, k) for k in SNAPSHOT} for r in claimed]
            uow.commit()
        return rows

    # 2. compose, re-check, send ----------------------------------------------------------

    def _compose_all(
        self,
        rows: list[dict[str, Any]],
        details_of: dict[int, dict[str, Any]],
        contacted: set[int],
        now: datetime,
        outcomes: _Outcomes,
    ) -> dict[int, Composed]:
        known = frozenset(self._rulebooks)
        composed: dict[int, Composed] = {}
        for row in rows:
            details = details_of.get(row["account_id"])
            try:
                _, config = self._adapters.adapter(row["client_id"], row["channel"])
                if details is None:
                    raise ComposeError("the account no longer exists")
                places = _jurisdictions(details.get("jurisdiction"), known)
                # The initial communication is a US notion (Reg F 1006.34): the first
                # message ever sent about the account.
                initial = "US" in places and row["account_id"] not in contacted
                composed[row["id"]] = compose(
                    row, details, self._catalogue, config.sender or "", now, places, initial
                )
            except (ComposeError, NotConfigured) as exc:
                outcomes.dead(row, str(exc))
        return composed

    def _recheck(
        self,
        rows: list[dict[str, Any]],
        composed: dict[int, Composed],
        frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
        now: datetime,
        outcomes: _Outcomes,
    ) -> list[dict[str, Any]]:
        ready = [r for r in rows if r["id"] in composed]
        if not ready:
            return []
        messages = pl.DataFrame(
            {
                "contact_id": [r["id"] for r in ready],
                "account_id": [r["account_id"] for r in ready],
                "debtor_id": [r["debtor_id"] for r in ready],
                "channel": [r["channel"] for r in ready],
                "to": [r["contact_to"] for r in ready],
                # The text itself was checked by the same content checker when it was
                # rendered a moment ago (templates.render); the engine judges the contact.
                "content": [None for _ in ready],
            },
            schema={"contact_id": pl.Int64, "account_id": pl.Int64, "debtor_id": pl.Int64,
                    "channel": pl.String, "to": pl.String, "content": pl.String},
        )  # fmt: skip
        accounts, points, history = frames
        verdicts = judge(messages, accounts, points, history, self._rulebooks, now)
        by_id = {v["contact_id"]: v for v in verdicts.to_dicts()}
        go = []
        for row in ready:
            verdict = by_id[row["id"]]
            if verdict["verdict"] in ("ALLOW", "REQUIRE") or _accepted(
                verdict, composed[row["id"]], row
            ):
                go.append(row)
            else:
                outcomes.judged(row, verdict)
        return go

    def _send(
        self, rows: list[dict[str, Any]], composed: dict[int, Composed], outcomes: _Outcomes
    ) -> None:
        groups: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[(row["client_id"], row["channel"])].append(row)
        for (client_id, channel), members in groups.items():
            adapter, _ = self._adapters.adapter(client_id, channel)
            messages = [composed[r["id"]].message for r in members]
            results = _send_safely(adapter.send_many, messages)
            for row, result in zip(members, results, strict=True):
                outcomes.sent_or_failed(row, result, composed[row["id"]])

    def _compose_staff(
        self, rows: list[dict[str, Any]], outcomes: _Outcomes
    ) -> dict[int, OutgoingMessage]:
        if not rows:
            return {}
        ready, failed = staff_mail.compose_all(self._uow, rows)
        for row in rows:
            if row["id"] in failed:
                outcomes.dead(row, failed[row["id"]])
        return ready

    def _send_staff(
        self, rows: list[dict[str, Any]], messages: dict[int, OutgoingMessage],
        outcomes: _Outcomes,
    ) -> None:  # fmt: skip
        ready = [r for r in rows if r["id"] in messages]
        if not ready:
            return
        try:  # the default e-mail adapter: staff rows have no client
            adapter, _ = self._adapters.adapter(ready[0]["client_id"], "email")
        except NotConfigured as exc:
            for row in ready:
                outcomes.dead(row, str(exc))
            return
        results = _send_safely(adapter.send_many, [messages[r["id"]] for r in ready])
        for row, result in zip(ready, results, strict=True):
            outcomes.sent_or_failed(row, result, None)

    # 3. record ---------------------------------------------------------------------------

    def _record(self, outcomes: _Outcomes, now: datetime) -> None:
        with self._uow() as uow:
            uow.outbox.settle(outcomes.changes)
            uow.outbox.log_attempts(outcomes.attempts)
            uow.interactions.add_unique(outcomes.interactions)
            uow.audit.append(
                AuditEvent(
                    occurred_at=now, actor=self._settings.worker, action="outbox.batch",
                    entity="outbox", entity_id=None,
                    after={"counts": dict(outcomes.report.counts),
                           "ids": [c["id"] for c in outcomes.changes]},
                )
            )  # fmt: skip
            self._checkpoint("recorded")
            uow.commit()


def _accepted(verdict: dict[str, Any], composed: Composed, row: dict[str, Any]) -> bool:
    """A REVIEW only of rules a person already accepted: for this template (``reviewed:``), or
    for this one message (a compliance officer's override, ``details.overridden_rules``)."""
    rules = set(verdict["rules"] or [])
    accepted = composed.reviewed | set((row.get("details") or {}).get("overridden_rules") or ())
    return verdict["verdict"] == "REVIEW" and bool(rules) and rules <= accepted


def _send_safely(
    send_many: Callable[[list[OutgoingMessage]], list[SendResult]],
    messages: list[OutgoingMessage],
) -> list[SendResult]:
    """An adapter must not raise, but if one does the batch is retried, not lost."""
    try:
        return send_many(messages)
    except Exception as exc:  # any adapter failure is a temporary one here: retried, not lost
        return [temporary(f"adapter error: {exc}") for _ in messages]


def _frames(
    uow: UnitOfWork, rows: list[dict[str, Any]], now: datetime
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    debtors = sorted({r["debtor_id"] for r in rows})
    session = uow.session
    accounts = queries.open_accounts(session, account_ids=sorted({r["account_id"] for r in rows}))
    points = queries.contact_points(session, debtor_ids=debtors)
    since = now - timedelta(days=HISTORY_DAYS)
    history = queries.interactions(session, since=since, debtor_ids=debtors)
    return accounts, points, history


@functools.cache
def _jurisdictions(jurisdiction: str | None, known: frozenset[str]) -> tuple[str, ...]:
    frame = pl.DataFrame({"jurisdiction": [jurisdiction]}, schema={"jurisdiction": pl.String})
    return tuple(frame.select(jurisdictions(known))["jurisdictions"][0].to_list())


class _Outcomes:
    """What a batch decided for each row, as store changes, attempts and interactions."""

    def __init__(self, now: datetime, settings: DispatchSettings) -> None:
        self.now = now
        self.settings = settings
        self.report = DispatchReport()
        self.changes: list[dict[str, Any]] = []
        self.attempts: list[dict[str, Any]] = []
        self.interactions: list[dict[str, Any]] = []

    def _change(self, row: dict[str, Any], result: str, **values: Any) -> None:
        self.report.counts[result] += 1
        self.changes.append({"id": row["id"], "updated_at": self.now, "lease_owner": None,
                             "lease_until": None, **values})  # fmt: skip

    def _attempt(
        self, row: dict[str, Any], result: str, provider_id: str | None, error: str | None
    ) -> None:
        self.attempts.append({"outbox_id": row["id"], "attempt": row["attempts"],
                              "worker": self.settings.worker, "at": self.now, "result": result,
                              "provider_id": provider_id, "error": error})  # fmt: skip

    def dead(self, row: dict[str, Any], reason: str) -> None:
        self._change(row, "dead", status="dead", last_error=reason)
        self._attempt(row, "dead", None, reason)

    def judged(self, row: dict[str, Any], verdict: dict[str, Any]) -> None:
        findings = [finding_json(f) for f in verdict.get("findings") or []]
        rules = ", ".join(verdict["rules"] or [])
        why = verdict.get("stop_reason") or rules
        if verdict["verdict"] == "DELAY":
            # Quiet hours move the row, they never drop it; a move is not an attempt.
            self._change(row, "moved", status="pending", not_before=verdict["until"],
                         attempts=row["attempts"] - 1, findings=findings,
                         last_error=f"moved by {rules}")  # fmt: skip
            self._attempt(
                row, "moved", None, f"until {verdict['until']:%Y-%m-%d %H:%M} UTC: {rules}"
            )
        elif verdict["verdict"] == "REVIEW":
            self._change(
                row, "held", status="held", findings=findings, last_error=f"review: {rules}"
            )
            self._attempt(row, "held", None, rules)
        else:
            self._change(row, "cancelled", status="cancelled", findings=findings, last_error=why)
            self._attempt(row, "cancelled", None, why)

    def sent_or_failed(
        self, row: dict[str, Any], result: SendResult, composed: Composed | None
    ) -> None:
        """``composed`` is None for staff mail, which is no interaction with a debtor."""
        self._attempt(row, result.status, result.provider_id, result.error)
        if result.status == "sent":
            self._change(row, "sent", status="sent", provider_id=result.provider_id,
                         sent_at=self.now, last_error=None)  # fmt: skip
            if composed is not None:
                self.interactions.append(self._interaction(row, result, composed))
            return
        retry_at = None
        if result.status == "temporary_failure":
            retry_at = self.settings.retry.next_try(row["attempts"], self.now)
        if retry_at is None:
            self._change(row, "dead", status="dead", last_error=result.error)
        else:
            self._change(
                row, "retry", status="pending", not_before=retry_at, last_error=result.error
            )

    def _interaction(
        self, row: dict[str, Any], result: SendResult, composed: Composed
    ) -> dict[str, Any]:
        return {
            "account_id": row["account_id"], "debtor_id": row["debtor_id"],
            "channel": row["channel"], "direction": "out", "occurred_at": self.now,
            "contact_value": row["contact_to"], "outcome": None, "template": row["template"],
            "dedup_key": row["dedup_key"], "status": "sent",
            "details": {"outbox_id": row["id"], "provider_id": result.provider_id,
                        "locale": composed.locale, "subject": composed.message.subject},
        }  # fmt: skip
