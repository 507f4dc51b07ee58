"""Payments taken through a gateway: start a checkout, apply what the gateway reports.

**Starting.** :func:`start_checkout` asks the gateway for a hosted payment
page and records a *payment intent* under a new reference of ours. The amount
must be positive and at most what is owed (the balance less any credit): the
portal never invites a debtor to overpay. Money that arrives beyond the
balance anyway (two checkouts paid, a plan instalment after a lump sum)
is not refused — the gateway has taken it — and becomes a credit with a
refund task, like any overpayment.

**Applying.** :func:`apply_event` turns one verified webhook into its effect,
exactly once:

- the event id is claimed first (``gateway_events``, unique per gateway): a
  retried or replayed delivery returns the first result and changes nothing;
- the intent is locked, and ``succeeded`` records a payment only while the
  intent has none (so two different events saying "paid" pay once):
  :func:`arrears.payments.service.record_payment` with the intent's reference
  and the gateway's id, allocated by the waterfall; an overpayment opens one
  refund task (deduplicated by the payment's reference);
- ``failed`` and ``pending`` move an unpaid intent;
- ``refunded`` and ``chargeback`` reverse the payment in full
  (:func:`arrears.payments.service.reverse_payment`: the allocation is undone
  and a paid account re-opens); a partial refund is not guessed at: it opens a
  review task for a person.

Every change is audited and lands on the account's timeline as an interaction
on channel ``payment`` (keyed by the event, so once). Services never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Literal

from arrears.errors import Conflict, InvalidInput
from arrears.payments.effects import add_to_timeline, open_refund_task
from arrears.payments.gateways.base import Checkout, GatewayEvent, PaymentGateway
from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.records.gateway import PaymentIntentRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

Purpose = Literal["payment", "instalment", "settlement"]
PURPOSES: tuple[str, ...] = ("payment", "instalment", "settlement")
CLOSED_STATUSES = ("closed", "written_off", "recalled")


@dataclass(frozen=True, slots=True)
class EventResult:
    """What one webhook did: ``result`` is a short code, ``duplicate`` a repeat delivery."""

    event_id: str
    result: str
    duplicate: bool = False
    reference: str | None = None  # the intent's (and payment's) reference
    payment_id: int | None = None


def owed(account: AccountRecord) -> int:
    """What the debtor owes now, in minor units (components less the credit)."""
    total = (
        account.principal_minor + account.interest_minor + account.fees_minor + account.costs_minor
    )
    return max(total - account.credit_minor, 0)


def new_reference() -> str:
    """Our reference for a gateway payment: random, so it says nothing about the debtor."""
    return f"GW-{secrets.token_hex(8).upper()}"


def start_checkout(
    *,
    uow: UnitOfWork,
    gateway: PaymentGateway,
    account: AccountRecord,
    amount_minor: int,
    purpose: Purpose,
    return_url: str,
    locale: str,
    at: datetime,
    actor: str,
    plan_id: int | None = None,
    settlement_id: int | None = None,
) -> Checkout:
    """A hosted payment page for ``amount_minor`` of ``account``, recorded as an intent."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise InvalidInput("the amount must be a positive whole number of minor units")
    if purpose not in PURPOSES:
        raise InvalidInput(f"purpose must be one of {', '.join(PURPOSES)}")
    if account.status in CLOSED_STATUSES:
        raise Conflict(f"account {account.account_ref} is {account.status}: it takes no payments")
    due = owed(account)
    if due == 0:
        raise Conflict(f"nothing is owed on account {account.account_ref}")
    if amount_minor > due:
        raise InvalidInput(f"the amount is more than the {due} minor units owed")
    reference = new_reference()
    checkout = gateway.create_checkout(
        amount_minor=amount_minor,
        currency=account.currency,
        reference=reference,
        description=f"Account {account.account_ref}",
        return_url=return_url,
        locale=locale,
    )
    intent = uow.gateway.add_intent(
        gateway=gateway.name,
        intent_id=checkout.intent_id,
        reference=reference,
        client_id=account.client_id,
        account_id=account.id,
        amount_minor=amount_minor,
        currency=account.currency,
        purpose=purpose,
        plan_id=plan_id,
        settlement_id=settlement_id,
        status=_intent_status(checkout.status),
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    _audit(uow, intent, "payment_intent.created", None, at, actor)
    return checkout


def _intent_status(status: str) -> str:
    return status if status in ("open", "pending") else "open"


def apply_event(
    *, uow: UnitOfWork, gateway_name: str, event: GatewayEvent, at: datetime, actor: str
) -> EventResult:
    """Apply one verified gateway event, at most once (see the module's docstring)."""
    row_id = uow.gateway.claim_event(
        gateway=gateway_name,
        event_id=event.id,
        kind=event.kind,
        intent_id=event.intent_id,
        payload=_payload(event),
        received_at=at,
    )
    if row_id is None:
        seen = uow.gateway.event(gateway_name, event.id)
        return EventResult(event.id, seen.result if seen else "duplicate", duplicate=True)
    if event.kind == "ignored":
        uow.gateway.set_event_result(row_id, "ignored")
        return EventResult(event.id, "ignored")
    intent = uow.gateway.find_intent(gateway_name, event.intent_id, event.reference, lock=True)
    if intent is None:
        uow.gateway.set_event_result(row_id, "unknown_intent")
        return EventResult(event.id, "unknown_intent")
    if event.intent_id != intent.intent_id and intent.provider_payment_id is None:
        intent.provider_payment_id = event.intent_id
    account = _account(uow, intent)
    result, payment = _HANDLERS[event.kind](uow, intent, account, event, at, actor)
    uow.gateway.set_event_result(row_id, result)
    _timeline(uow, gateway_name, intent, account, event, result, at)
    return EventResult(
        event.id, result, reference=intent.reference, payment_id=payment.id if payment else None
    )


Outcome = tuple[str, PaymentRecord | None]


def _succeeded(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    event: GatewayEvent,
    at: datetime,
    actor: str,
) -> Outcome:
    if intent.payment_id is not None:
        return "already_paid", None
    if event.currency != intent.currency:
        _move(uow, intent, "failed", at, actor, event)
        _review_task(uow, intent, account, at, actor, event, "currency differs from the intent")
        return "currency_mismatch", None
    payment = record_payment(
        uow=uow,
        account=account,
        at=at,
        actor=actor,
        payment=PaymentInput(
            reference=intent.reference,
            amount_minor=event.amount_minor,
            currency=event.currency,
            paid_on=event.occurred_at.date(),
            method=f"gateway:{intent.gateway}",
            gateway_id=event.intent_id,
        ),
    )
    intent.payment_id = payment.id
    _move(uow, intent, "succeeded", at, actor, event)
    details = {"gateway": intent.gateway, "intent_id": intent.intent_id}
    if open_refund_task(
        uow=uow, account=account, payment=payment, at=at, actor=actor, details=details
    ):
        return "paid_with_credit", payment
    return "paid", payment


def _failed(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    event: GatewayEvent,
    at: datetime,
    actor: str,
) -> Outcome:
    if intent.payment_id is not None or intent.status in ("succeeded", "refunded", "chargeback"):
        return "already_paid", None
    _move(uow, intent, "failed", at, actor, event)
    return "failed", None


def _pending(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    event: GatewayEvent,
    at: datetime,
    actor: str,
) -> Outcome:
    if intent.status != "open":
        return f"already_{intent.status}", None
    _move(uow, intent, "pending", at, actor, event)
    return "pending", None


def _reversed(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    event: GatewayEvent,
    at: datetime,
    actor: str,
) -> Outcome:
    if intent.payment_id is None:
        return "not_paid", None
    original = uow.gateway.payment(intent.payment_id)
    if original is None or original.reversed_by_id is not None:
        return "already_reversed", None
    if event.amount_minor < original.amount_minor:
        _review_task(
            uow,
            intent,
            account,
            at,
            actor,
            event,
            f"partial {event.kind} of {event.amount_minor} minor units",
        )
        return f"partial_{event.kind}_review", None
    suffix = "CB" if event.kind == "chargeback" else "RF"
    reversal = reverse_payment(
        uow=uow,
        account=account,
        original=original,
        at=at,
        actor=actor,
        reversal=PaymentInput(
            reference=f"{intent.reference}-{suffix}",
            amount_minor=original.amount_minor,
            currency=original.currency,
            paid_on=event.occurred_at.date(),
            method=f"gateway:{event.kind}",
            gateway_id=event.id[:100],
        ),
    )
    _move(uow, intent, event.kind, at, actor, event)
    return event.kind, reversal


_HANDLERS = {
    "succeeded": _succeeded,
    "failed": _failed,
    "pending": _pending,
    "refunded": _reversed,
    "chargeback": _reversed,
}


def _account(uow: UnitOfWork, intent: PaymentIntentRecord) -> AccountRecord:
    account = uow.gateway.account_for_update(intent.account_id)
    if account is None:  # the foreign key makes this impossible; say so clearly anyway
        raise Conflict(f"payment intent {intent.reference} has no account")
    return account


def _move(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    status: str,
    at: datetime,
    actor: str,
    event: GatewayEvent,
) -> None:
    before = _snapshot(intent)
    intent.status, intent.updated_at = status, at
    _audit(uow, intent, f"payment_intent.{status}", before, at, actor, event.id)


def _review_task(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    at: datetime,
    actor: str,
    event: GatewayEvent,
    why: str,
) -> None:
    uow.tasks.add(
        kind="review",
        client_id=account.client_id,
        account_id=account.id,
        debtor_id=account.debtor_id,
        title=f"Gateway payment {intent.reference} needs a look: {why}",
        details={
            "gateway": intent.gateway,
            "event_id": event.id,
            "kind": event.kind,
            "amount_minor": event.amount_minor,
            "currency": event.currency,
        },
        role="supervisor",
        due_at=None,
        dedup_key=f"gateway-review:{intent.gateway}:{event.id}"[:200],
        created_by=actor,
        created_at=at,
    )


def _timeline(
    uow: UnitOfWork,
    gateway_name: str,
    intent: PaymentIntentRecord,
    account: AccountRecord,
    event: GatewayEvent,
    result: str,
    at: datetime,
) -> None:
    add_to_timeline(
        uow=uow,
        account=account,
        key=f"gateway:{gateway_name}:{event.id}",
        occurred_at=event.occurred_at,
        outcome=f"payment_{event.kind}",
        notes=f"{gateway_name}: {event.kind}, {event.amount_minor} {event.currency} "
        f"({intent.reference}): {result}",
        status=result,
        details={
            "reference": intent.reference,
            "result": result,
            "gateway": gateway_name,
            "intent_id": intent.intent_id,
            "recorded_at": at.isoformat(),
        },
    )


def _snapshot(intent: PaymentIntentRecord) -> dict[str, object]:
    return {
        "status": intent.status,
        "payment_id": intent.payment_id,
        "provider_payment_id": intent.provider_payment_id,
    }


def _audit(
    uow: UnitOfWork,
    intent: PaymentIntentRecord,
    action: str,
    before: dict[str, object] | None,
    at: datetime,
    actor: str,
    event_id: str | None = None,
) -> None:
    after: dict[str, object] = {
        **_snapshot(intent),
        "reference": intent.reference,
        "gateway": intent.gateway,
        "intent_id": intent.intent_id,
        "account_id": intent.account_id,
        "amount_minor": intent.amount_minor,
        "currency": intent.currency,
        "purpose": intent.purpose,
        "plan_id": intent.plan_id,
        "settlement_id": intent.settlement_id,
    }
    if event_id is not None:
        after["event_id"] = event_id
    uow.audit.append(
        AuditEvent(
            occurred_at=at,
            actor=actor,
            action=action,
            entity="payment_intent",
            entity_id=str(intent.id),
            before=before,
            after=after,
        )
    )


def _payload(event: GatewayEvent) -> dict[str, object]:
    data = asdict(event)
    data["occurred_at"] = event.occurred_at.isoformat()
    return data
