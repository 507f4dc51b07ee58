"""The facts of a payment receipt, gathered from the store.

The PDF itself is laid out by :func:`arrears.channels.letters.receipt.receipt_pdf`
(channels renders documents; payments knows the money). Callers above both
(the portal, the workbench) do::

    from arrears.channels.letters.receipt import Receipt, receipt_pdf
    pdf = receipt_pdf(Receipt(**receipt_facts(uow, account, payment, locale, issued_on)))
"""

from __future__ import annotations

from datetime import date
from typing import Any

from arrears.errors import NotFound
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.uow import UnitOfWork


def receipt_facts(
    uow: UnitOfWork, account: AccountRecord, payment: PaymentRecord, locale: str, issued_on: date
) -> dict[str, Any]:
    """The fields of a ``Receipt`` for ``payment`` of ``account`` (NotFound across accounts)."""
    if payment.account_id != account.id:
        raise NotFound(f"no payment {payment.reference} on this account")
    client = uow.clients.get(account.client_id)
    remaining = (account.principal_minor + account.interest_minor + account.fees_minor
                 + account.costs_minor)  # fmt: skip
    return {
        "reference": payment.reference, "creditor": client.name,
        "account_ref": account.account_ref, "paid_on": payment.paid_on,
        "amount_minor": payment.amount_minor, "currency": payment.currency,
        "allocation": {k: int(v) for k, v in (payment.allocation or {}).items()},
        "remaining_minor": remaining, "issued_on": issued_on, "locale": locale,
        "method": payment.method, "reversal": payment.kind == "reversal",
    }  # fmt: skip
