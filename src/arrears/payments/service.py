"""Record payments and reversals against an account's balance.

A payment is allocated with the client's waterfall (default costs -> fees ->
interest -> principal, ``core.allocation``); an overpayment becomes a credit
on the account. A reversal (bounced transfer, chargeback) undoes exactly the
allocation of the payment it reverses and re-opens a paid account. Every
change of balance or status is audited with the values before and after.
Services never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from arrears.core.accounts import AccountStatus, can_transition
from arrears.core.allocation import DEFAULT_WATERFALL, Allocation, Balance, Waterfall, allocate
from arrears.core.allocation import reverse as undo_allocation
from arrears.core.money import Money
from arrears.errors import Conflict, CurrencyMismatch
from arrears.payments.plans import credit_plan, debit_plan
from arrears.payments.promises import refresh_promises
from arrears.payments.settlements import credit_settlement, debit_settlement
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


class PaymentAlreadyReversed(Conflict):
    code = "payment_already_reversed"


@dataclass(frozen=True)
class PaymentInput:
    reference: str
    amount_minor: int
    currency: str
    paid_on: date
    method: str | None = None
    gateway_id: str | None = None
    import_id: int | None = None
    row_hash: str | None = None


def balance_of(account: AccountRecord) -> Balance:
    return Balance(
        currency=account.currency,
        principal=account.principal_minor,
        interest=account.interest_minor,
        fees=account.fees_minor,
        costs=account.costs_minor,
    )


def _snapshot(account: AccountRecord) -> dict[str, object]:
    return {
        "principal_minor": account.principal_minor,
        "interest_minor": account.interest_minor,
        "fees_minor": account.fees_minor,
        "costs_minor": account.costs_minor,
        "credit_minor": account.credit_minor,
        "status": account.status,
    }


def _set_balance(account: AccountRecord, balance: Balance) -> None:
    account.principal_minor = balance.principal
    account.interest_minor = balance.interest
    account.fees_minor = balance.fees
    account.costs_minor = balance.costs


def _reage(uow: UnitOfWork, account: AccountRecord, reversed_: PaymentRecord) -> None:
    """A reversed payment no longer counts as the last one received: the account's last
    payment goes back to the latest one still standing (none: the date is cleared)."""
    if account.last_payment_on != reversed_.paid_on:
        return  # a later payment is the last one; nothing changes
    standing = uow.payments.latest_standing(account.id)
    account.last_payment_on = standing.paid_on if standing is not None else None
    account.last_payment_minor = standing.amount_minor if standing is not None else None


def _move(account: AccountRecord, target: AccountStatus) -> None:
    """Change status when the lifecycle allows it; otherwise keep it (a legal
    or placed account stays where it is when its balance reaches zero)."""
    if account.status != target and can_transition(account.status, target):
        account.status = target.value


def record_payment(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    payment: PaymentInput,
    at: datetime,
    actor: str,
    waterfall: Waterfall = DEFAULT_WATERFALL,
) -> PaymentRecord:
    """Allocate a payment to the account's balance and store it."""
    if payment.currency != account.currency:
        raise CurrencyMismatch(account.currency, payment.currency)
    before = _snapshot(account)
    allocation, remaining = allocate(
        balance_of(account), Money(payment.amount_minor, payment.currency), waterfall
    )
    _set_balance(account, remaining)
    account.credit_minor += allocation.credit
    if account.last_payment_on is None or payment.paid_on >= account.last_payment_on:
        account.last_payment_on = payment.paid_on
        account.last_payment_minor = payment.amount_minor
    if remaining.total == 0:
        _move(account, AccountStatus.PAID)
    account.updated_at = at
    record = uow.payments.add(
        client_id=account.client_id,
        account_id=account.id,
        kind="payment",
        allocation=allocation.to_dict(),
        created_at=at,
        **_columns(payment),
    )
    _audit(uow, account, "payment.recorded", before, at, actor, payment.reference)
    _credit_arrangements(uow, account, payment, at, actor)
    return record


def _credit_arrangements(
    uow: UnitOfWork, account: AccountRecord, payment: PaymentInput, at: datetime, actor: str
) -> None:
    """The payment counts toward the running plan, an accepted settlement and promises."""
    amount, paid_on = payment.amount_minor, payment.paid_on
    credit_plan(uow=uow, account=account, amount_minor=amount, paid_on=paid_on, at=at, actor=actor)
    credit_settlement(
        uow=uow, account=account, amount_minor=amount, paid_on=paid_on, at=at, actor=actor
    )
    as_of = max(paid_on, at.date())
    refresh_promises(uow=uow, account=account, as_of=as_of, at=at, actor=actor)


def reverse_payment(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    original: PaymentRecord,
    reversal: PaymentInput,
    at: datetime,
    actor: str,
) -> PaymentRecord:
    """Undo the allocation of ``original`` and store the reversal."""
    if original.reversed_by_id is not None:
        raise PaymentAlreadyReversed(f"payment {original.reference} is already reversed")
    if reversal.currency != account.currency:
        raise CurrencyMismatch(account.currency, reversal.currency)
    before = _snapshot(account)
    allocation = Allocation.from_dict(account.currency, original.allocation)
    _set_balance(account, undo_allocation(balance_of(account), allocation))
    # A credit that was already refunded cannot be taken back from the credit:
    # the debtor owes that part again as principal.
    taken = min(account.credit_minor, allocation.credit)
    account.credit_minor -= taken
    account.principal_minor += allocation.credit - taken
    if account.status in (AccountStatus.PAID, AccountStatus.SETTLED):
        _move(account, AccountStatus.ACTIVE)
    account.updated_at = at
    record = uow.payments.add(
        client_id=account.client_id,
        account_id=account.id,
        kind="reversal",
        allocation={k: -v for k, v in original.allocation.items()},
        reverses_id=original.id,
        created_at=at,
        **_columns(reversal),
    )
    uow.payments.mark_reversed(original.id, record.id)
    _reage(uow, account, original)
    _audit(uow, account, "payment.reversed", before, at, actor, reversal.reference)
    _debit_arrangements(uow, account, original, at, actor)
    return record


def _debit_arrangements(
    uow: UnitOfWork, account: AccountRecord, original: PaymentRecord, at: datetime, actor: str
) -> None:
    """Take the reversed money back from a settlement, the plan and the promises it kept."""
    amount = original.amount_minor
    debit_settlement(uow=uow, account=account, amount_minor=amount, at=at, actor=actor)
    debit_plan(uow=uow, account=account, amount_minor=amount, on=at.date(), at=at, actor=actor)
    refresh_promises(
        uow=uow, account=account, as_of=at.date(), at=at, actor=actor, reopen_since=original.paid_on
    )


def _columns(payment: PaymentInput) -> dict[str, object]:
    return {
        "reference": payment.reference,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "paid_on": payment.paid_on,
        "method": payment.method,
        "gateway_id": payment.gateway_id,
        "import_id": payment.import_id,
        "row_hash": payment.row_hash,
    }


def _audit(
    uow: UnitOfWork,
    account: AccountRecord,
    action: str,
    before: dict[str, object],
    at: datetime,
    actor: str,
    reference: str,
) -> None:
    uow.audit.append(
        AuditEvent(
            occurred_at=at,
            actor=actor,
            action=action,
            entity="account",
            entity_id=str(account.id),
            before=before,
            after={**_snapshot(account), "reference": reference},
        )
    )
