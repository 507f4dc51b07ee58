"""What happens when a debtor replies: recorded once, matched, understood, acted on.

A reply (an SMS through the provider's webhook, an e-mail through the SMTP
receiver) is stored once per provider id, matched to the debtor and account
(:mod:`arrears.store.repositories.inbound`), classified
(:mod:`arrears.inbound.intent`) and recorded as an inbound interaction on the
account's timeline. Then its consequences, automatic and audited:

- ``stop``: the opt-out of that channel at that address is recorded at once,
  whatever else is unclear (matched or not, sure or not). STOP is always
  honoured (TCPA revocation "by any reasonable means"; Reg F 1006.6(e);
  China's 退订 convention).
- ``dispute``: a dispute hold on the account, which moves to ``disputed``;
  collection pauses until the dispute is answered (FDCPA 809(b)).
- ``promise``: a promise record with the amount and date the reply names
  (the balance when it names no amount); the account moves to ``promised``.
- ``wrong_person``: the contact point is marked as someone else's; it is no
  longer used.
- ``hardship``: the debtor is flagged so strategies route to forbearance.
- ``paid``, ``callback``, ``question``, ``other``: recorded and queued for a
  person (a claimed payment must be verified; a call back must be made).

Anything the model is not sure of (below the threshold) waits in the review
queue with no consequence but STOP; a person resolves it with the intent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arrears.core.accounts import can_transition
from arrears.core.dedup import event_key
from arrears.errors import NotFound
from arrears.inbound.intent import classify
from arrears.inbound.intent.result import Intent
from arrears.payments.disputes import open_dispute
from arrears.store.records import AccountRecord, InboundMessageRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

Classifier = Callable[[str, date, str | None, str | None], Intent]
QUEUED = frozenset({"paid", "callback", "question", "other"})


@dataclass(frozen=True)
class Reply:
    channel: str  # sms | email
    provider_id: str  # the provider's message id, or the e-mail's Message-ID
    sender: str  # normalised number or e-mail address
    body: str
    received_at: datetime
    recipient: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Received:
    message_id: int
    new: bool
    status: str  # applied | review | unmatched
    intent: str | None
    actions: tuple[str, ...]


def default_classifier(
    text: str, as_of: date, currency: str | None, language: str | None
) -> Intent:
    """The shipped classifier (rules, then the trained model) as a :data:`Classifier`."""
    return classify(text, as_of=as_of, currency=currency, locale=language or "zh-CN")


def receive(uow: UnitOfWork, reply: Reply, classify: Classifier, actor: str) -> Received:
    """Store, match, classify and act on one reply (idempotent on the provider id)."""
    record, new = uow.inbound.add(
        channel=reply.channel, provider_id=reply.provider_id, sender=reply.sender,
        recipient=reply.recipient, subject=reply.subject, body=reply.body,
        received_at=reply.received_at, status="received", actions=[],
    )  # fmt: skip
    if not new:
        return Received(record.id, False, record.status, record.intent, tuple(record.actions))
    account = _match(uow, record)
    text = "\n".join(p for p in (reply.subject, reply.body) if p)
    language = _language(uow, record)
    intent = classify(
        text, reply.received_at.date(), account.currency if account else None, language
    )
    record.intent, record.confidence = intent.intent, intent.confidence
    record.amount_minor, record.currency, record.stated_date = (
        intent.amount_minor, intent.currency, intent.date,
    )  # fmt: skip
    actions = _stop(uow, record, actor) if intent.intent == "stop" else []
    if account is None:
        record.status = "unmatched"
    elif intent.needs_review and intent.intent != "stop":
        record.status = "review"
    else:
        actions += apply_intent(uow, record, account, intent.intent, actor)
        record.status = "review" if intent.intent in QUEUED else "applied"
    record.actions = actions
    _timeline(uow, record, account)
    _audit(uow, record, actor, "inbound.received")
    return Received(record.id, True, record.status, record.intent, tuple(actions))


def resolve(uow: UnitOfWork, message_id: int, intent: str, actor: str, at: datetime) -> list[str]:
    """A person decides what a queued reply means; its consequences follow."""
    record = uow.inbound.get(message_id)
    if record is None or record.account_id is None:
        raise NotFound(f"inbound message {message_id} does not exist or has no account")
    account = uow.inbound.account(record.account_id)
    if account is None:
        raise NotFound(f"account {record.account_id} of inbound message {message_id} is gone")
    record.intent = intent
    actions = _stop(uow, record, actor) if intent == "stop" else []
    actions += apply_intent(uow, record, account, intent, actor)
    record.actions = [*record.actions, *actions]
    record.status, record.reviewed_by, record.reviewed_at = "reviewed", actor, at
    _audit(uow, record, actor, "inbound.resolved")
    return actions


def apply_intent(
    uow: UnitOfWork, record: InboundMessageRecord, account: AccountRecord, intent: str, actor: str
) -> list[str]:
    at = record.received_at
    if intent == "dispute":
        return _dispute(uow, account, record, actor)
    if intent == "promise":
        return _promise(uow, account, record, actor)
    if intent == "wrong_person":
        return _wrong_party(uow, record, actor)
    if intent == "hardship":
        return _hardship(uow, account, record, actor, at)
    if intent in QUEUED:
        return [f"queued for a person: {intent}"]
    return []


def _match(uow: UnitOfWork, record: InboundMessageRecord) -> AccountRecord | None:
    points = uow.inbound.points_with_value(record.sender)
    if not points:
        return None
    debtors = sorted({p.debtor_id for p in points})
    last = uow.inbound.last_outbound(record.sender, debtors)
    debtor_id = last.debtor_id if last is not None else debtors[0]
    account = None
    if last is not None and last.account_id is not None:
        account = uow.inbound.account(last.account_id)
    account = account or uow.inbound.main_account(debtor_id)
    point = next(p for p in points if p.debtor_id == debtor_id)
    record.debtor_id, record.contact_point_id = debtor_id, point.id
    record.account_id = account.id if account is not None else None
    return account


def _language(uow: UnitOfWork, record: InboundMessageRecord) -> str | None:
    debtor = uow.inbound.debtor(record.debtor_id) if record.debtor_id else None
    return debtor.language if debtor is not None else None


def _stop(uow: UnitOfWork, record: InboundMessageRecord, actor: str) -> list[str]:
    changed = uow.inbound.add_opt_out(record.sender, record.channel, record.received_at,
                                      f"inbound:{record.id}")  # fmt: skip
    if changed:
        uow.audit.append(AuditEvent(
            occurred_at=record.received_at, actor=actor, action="contact.opt_out",
            entity="contact_point", entity_id=",".join(map(str, changed)),
            after={"channel": record.channel, "inbound_id": record.id},
        ))  # fmt: skip
    return [f"opted out of {record.channel} at this address ({len(changed)} contact point(s))"]


def _dispute(
    uow: UnitOfWork, account: AccountRecord, record: InboundMessageRecord, actor: str
) -> list[str]:
    """A dispute by reply is a dispute like any other: recorded, held, reviewed, resolvable."""
    if any(d.status == "open" for d in uow.disputes.of_account(account.id)):
        return ["the account already has an open dispute; collection stays paused"]
    opened = open_dispute(uow=uow, account=account, reason="other", details=record.body[:2000],
                          channel=record.channel, by=actor, at=record.received_at)  # fmt: skip
    return [f"dispute {opened.dispute.id} opened: dispute hold on the account; "
            f"status {account.status}"]  # fmt: skip


def _promise(
    uow: UnitOfWork, account: AccountRecord, record: InboundMessageRecord, actor: str
) -> list[str]:
    if record.stated_date is None:
        return ["promise without a date: queued for a person"]
    balance = (
        account.principal_minor + account.interest_minor + account.fees_minor + account.costs_minor
    )
    amount = record.amount_minor if record.amount_minor else balance
    promise = uow.inbound.add_promise(
        account_id=account.id, debtor_id=account.debtor_id, amount_minor=amount,
        currency=account.currency, due_on=record.stated_date, channel=record.channel,
        taken_by="inbound", source_id=str(record.id), created_at=record.received_at,
        updated_at=record.received_at,
    )  # fmt: skip
    before = {"status": account.status}
    if account.status != "promised" and can_transition(account.status, "promised"):
        account.status = "promised"
    _account_audit(uow, account, before, record, actor, "account.promise")
    return [
        f"promise {promise.id}: {amount} {account.currency} by {record.stated_date.isoformat()}"
    ]


def _wrong_party(uow: UnitOfWork, record: InboundMessageRecord, actor: str) -> list[str]:
    if record.contact_point_id is None:
        return []
    uow.inbound.mark_wrong_party(record.contact_point_id)
    uow.audit.append(AuditEvent(
        occurred_at=record.received_at, actor=actor, action="contact.wrong_party",
        entity="contact_point", entity_id=str(record.contact_point_id),
        after={"inbound_id": record.id},
    ))  # fmt: skip
    return ["contact point marked as not the debtor's"]


def _hardship(
    uow: UnitOfWork, account: AccountRecord, record: InboundMessageRecord, actor: str, at: datetime
) -> list[str]:
    debtor = uow.inbound.debtor(account.debtor_id)
    if debtor is not None and "hardship" not in (debtor.risk_flags or []):
        debtor.risk_flags = [*(debtor.risk_flags or []), "hardship"]
        uow.audit.append(AuditEvent(
            occurred_at=at, actor=actor, action="debtor.hardship", entity="debtor",
            entity_id=str(debtor.id), after={"inbound_id": record.id},
        ))  # fmt: skip
    return ["debtor flagged for hardship (forbearance review)"]


def _timeline(uow: UnitOfWork, record: InboundMessageRecord, account: AccountRecord | None) -> None:
    if record.debtor_id is None:
        return
    row: dict[str, Any] = {
        "account_id": account.id if account is not None else None,
        "debtor_id": record.debtor_id, "channel": record.channel, "direction": "in",
        "occurred_at": record.received_at, "contact_value": record.sender,
        "outcome": record.intent, "notes": record.body[:2000], "template": None,
        "dedup_key": event_key("inbound", record.channel, record.provider_id)[:200],
        "status": record.status, "details": {"inbound_id": record.id, "actions": record.actions},
    }  # fmt: skip
    uow.interactions.add_unique([row])


def _account_audit(
    uow: UnitOfWork, account: AccountRecord, before: dict[str, Any],
    record: InboundMessageRecord, actor: str, action: str,
) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(
        occurred_at=record.received_at, actor=actor, action=action, entity="account",
        entity_id=str(account.id), before=before,
        after={"status": account.status, "holds": list(account.holds or []),
               "inbound_id": record.id},
    ))  # fmt: skip


def _audit(uow: UnitOfWork, record: InboundMessageRecord, actor: str, action: str) -> None:
    uow.audit.append(AuditEvent(
        occurred_at=record.received_at, actor=actor, action=action, entity="inbound_message",
        entity_id=str(record.id),
        after={"intent": record.intent, "status": record.status, "account_id": record.account_id,
               "actions": record.actions},
    ))  # fmt: skip
