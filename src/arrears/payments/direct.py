"""Payments a client's system reports directly (the JSON API), idempotent on the reference.

A client posts each payment once under its own reference, but networks fail
and clients retry. The digest of the request (its fields in a canonical form)
is stored with the payment (``row_hash``, as the file import does), so

- the same reference with the same request is the same payment: the first
  result is returned and nothing changes;
- the same reference with a different request is a conflict (HTTP 409),
  never a second payment and never an overwrite.

The account row is locked before the reference is looked up, so two retries
racing on PostgreSQL serialise and the second sees the first. Allocation,
balances, status and audit are :mod:`arrears.payments.service`'s; an
overpayment opens a refund task and each payment is on the account's timeline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.payments.effects import add_to_timeline, open_refund_task
from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.uow import UnitOfWork

EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Received:
    payment: PaymentRecord
    account: AccountRecord
    created: bool  # False: a repeat of an earlier request


def request_digest(fields: Mapping[str, object]) -> str:
    """SHA-256 of the request's fields in a canonical form (sorted keys, ISO dates)."""
    text = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_day(day: date, at: datetime, what: str) -> None:
    if day < EARLIEST or day > (at + timedelta(days=1)).date():
        raise InvalidInput(f"{what} must be a date between {EARLIEST} and today")


def receive_payment(
    *,
    uow: UnitOfWork,
    client_id: int,
    account_ref: str,
    payment: PaymentInput,
    at: datetime,
    actor: str,
) -> Received:
    """Record ``payment`` (its ``row_hash`` is the request digest) unless already recorded."""
    account = uow.payments.accounts_for_update(client_id, [account_ref]).get(account_ref)
    if account is None:
        raise NotFound(f"no account '{account_ref}'")
    existing = uow.payments.by_reference(client_id, payment.reference)
    if existing is not None:
        if existing.row_hash == payment.row_hash and existing.account_id == account.id:
            return Received(existing, account, created=False)
        raise Conflict(
            f"payment reference '{payment.reference}' is already used for another payment"
        )
    _check_day(payment.paid_on, at, "paid_on")
    record = record_payment(uow=uow, account=account, payment=payment, at=at, actor=actor)
    open_refund_task(
        uow=uow, account=account, payment=record, at=at, actor=actor, details={"source": "api"}
    )
    _timeline(uow, account, record, at, "payment_received")
    return Received(record, account, created=True)


def receive_reversal(
    *,
    uow: UnitOfWork,
    client_id: int,
    original_reference: str,
    reference: str,
    reversed_on: date,
    reason: str,
    digest: str,
    at: datetime,
    actor: str,
) -> Received:
    """Reverse the payment ``original_reference`` in full unless already reversed so."""
    original = uow.payments.by_reference(client_id, original_reference)
    if original is None or original.kind != "payment":
        raise NotFound(f"no payment '{original_reference}'")
    reversal = PaymentInput(
        reference=reference,
        amount_minor=original.amount_minor,
        currency=original.currency,
        paid_on=reversed_on,
        method=f"reversal:{reason}"[:32],
        row_hash=digest,
    )
    account = uow.gateway.account_for_update(original.account_id)
    if account is None:  # impossible under the foreign key
        raise NotFound(f"no account for payment '{original_reference}'")
    if original.reversed_by_id is not None:
        done = uow.gateway.payment(original.reversed_by_id)
        if done is not None and (done.reference, done.row_hash) == (
            reversal.reference,
            reversal.row_hash,
        ):
            return Received(done, account, created=False)
        raise Conflict(f"payment '{original_reference}' is already reversed")
    if uow.payments.by_reference(client_id, reversal.reference) is not None:
        raise Conflict(f"reference '{reversal.reference}' is already used for another payment")
    _check_day(reversal.paid_on, at, "reversed_on")
    record = reverse_payment(
        uow=uow, account=account, original=original, reversal=reversal, at=at, actor=actor
    )
    _timeline(uow, account, record, at, "payment_reversed")
    return Received(record, account, created=True)


def _timeline(
    uow: UnitOfWork, account: AccountRecord, record: PaymentRecord, at: datetime, outcome: str
) -> None:
    add_to_timeline(
        uow=uow,
        account=account,
        key=f"payment:{account.client_id}:{record.reference}",
        occurred_at=at,
        outcome=outcome,
        notes=f"{record.kind} {record.reference}: {record.amount_minor} {record.currency}",
        status=record.kind,
        details={
            "reference": record.reference,
            "source": "api",
            "paid_on": record.paid_on.isoformat(),
        },
    )
