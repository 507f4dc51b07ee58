"""What follows a payment however it arrived: the refund task and the account's timeline.

An overpayment (money beyond the balance, kept as the account's credit) opens
one refund task for a supervisor; the task's key is the payment's reference, so
a retried webhook or request never asks for two refunds. Each payment event is
an interaction on channel ``payment`` of the account's timeline, keyed so it
is recorded once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.uow import UnitOfWork


def open_refund_task(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    payment: PaymentRecord,
    at: datetime,
    actor: str,
    details: Mapping[str, object] | None = None,
) -> bool:
    """A refund task when ``payment`` left a credit; True when there is one."""
    credit = int(payment.allocation.get("credit", 0))
    if credit <= 0:
        return False
    uow.tasks.add(
        kind="refund",
        client_id=account.client_id,
        account_id=account.id,
        debtor_id=account.debtor_id,
        title=f"Refund overpayment of {credit} minor units {account.currency} "
        f"on account {account.account_ref}",
        details={
            "payment_reference": payment.reference,
            "credit_minor": credit,
            "currency": account.currency,
            **(details or {}),
        },
        role="supervisor",
        due_at=None,
        dedup_key=f"refund:{account.client_id}:{payment.reference}"[:200],
        created_by=actor,
        created_at=at,
    )
    return True


def add_to_timeline(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    key: str,
    occurred_at: datetime,
    outcome: str,
    notes: str,
    status: str,
    details: Mapping[str, object],
) -> None:
    """One ``payment`` interaction on the account's timeline (once per ``key``)."""
    uow.interactions.add_unique(
        [
            {
                "account_id": account.id,
                "debtor_id": account.debtor_id,
                "channel": "payment",
                "direction": "in",
                "occurred_at": occurred_at,
                "user_id": None,
                "contact_value": None,
                "outcome": outcome[:32],
                "notes": notes,
                "template": None,
                "dedup_key": key[:200],
                "status": status[:24],
                "details": dict(details),
            }
        ]
    )
