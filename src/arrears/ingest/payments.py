"""Applying a batch of imported payment rows.

A payment's ``reference`` is unique per client: a row whose reference is
already recorded with the same content is unchanged; with different content it
is rejected (a recorded payment is never edited — send a reversal instead).
A reversal names the payment it undoes in ``reverses``; without it, the latest
unreversed payment of the same account and amount is taken.
"""

from __future__ import annotations

from arrears.errors import ArrearsError
from arrears.ingest.rows import PaymentRow, Rejection
from arrears.ingest.service import BatchCounts, Context
from arrears.payments.effects import open_refund_task
from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import AccountRecord


def apply_payments(
    ctx: Context, rows: list[PaymentRow]
) -> tuple[BatchCounts, list[tuple[PaymentRow, Rejection]]]:
    """Record the payments of a batch, in file order."""
    counts = BatchCounts()
    rejected: list[tuple[PaymentRow, Rejection]] = []
    known = ctx.uow.payments.known(ctx.client_id, [r.reference for r in rows])
    accounts = ctx.uow.payments.accounts_for_update(ctx.client_id, [r.account_ref for r in rows])
    for row in rows:
        problem = _apply_one(ctx, row, known, accounts)
        if problem == "unchanged":
            counts.unchanged += 1
        elif problem == "inserted":
            counts.inserted += 1
        else:
            rejected.append((row, Rejection(row.row, *problem)))
    ctx.uow.session.flush()
    return counts, rejected


def _apply_one(
    ctx: Context,
    row: PaymentRow,
    known: dict[str, str | None],
    accounts: dict[str, AccountRecord],
) -> str | tuple[str, str | None, str]:
    """``"inserted"``, ``"unchanged"`` or the (field, value, reason) of a rejection."""
    if row.reference in known:
        if known[row.reference] == row.row_hash:
            return "unchanged"
        return ("reference", row.reference, "reference already recorded with other values")
    account = accounts.get(row.account_ref)
    if account is None:
        return ("account_ref", row.account_ref, "no such account for this client")
    if account.currency != row.currency:
        return ("currency", row.currency, f"the account is in {account.currency}")
    payment = PaymentInput(
        reference=row.reference,
        amount_minor=row.amount,
        currency=row.currency,
        paid_on=row.paid_on,
        method=row.method,
        import_id=ctx.import_id,
        row_hash=row.row_hash,
    )
    try:
        if row.kind == "reversal":
            problem = _reverse(ctx, row, account, payment)
            if problem:
                return problem
        else:
            record = record_payment(
                uow=ctx.uow, account=account, payment=payment, at=ctx.at, actor=ctx.actor
            )
            # An overpayment is a credit the debtor is owed back: a person refunds it.
            source = {"source": "import", "import_id": ctx.import_id}
            open_refund_task(uow=ctx.uow, account=account, payment=record, at=ctx.at,
                             actor=ctx.actor, details=source)  # fmt: skip
    except ArrearsError as exc:
        return ("(row)", None, exc.message)
    known[row.reference] = row.row_hash
    return "inserted"


def _reverse(
    ctx: Context, row: PaymentRow, account: AccountRecord, payment: PaymentInput
) -> tuple[str, str | None, str] | None:
    if row.reverses:
        original = ctx.uow.payments.by_reference(ctx.client_id, row.reverses)
        if original is None or original.account_id != account.id:
            return ("reverses", row.reverses, "no such payment on this account")
    else:
        original = ctx.uow.payments.latest_unreversed(account.id, row.amount)
        if original is None:
            return ("reverses", None, "no unreversed payment of this amount to reverse")
    if original.amount_minor != row.amount:
        return ("amount", str(row.amount), "a reversal must match the payment's amount")
    reverse_payment(
        uow=ctx.uow,
        account=account,
        original=original,
        reversal=payment,
        at=ctx.at,
        actor=ctx.actor,
    )
    return None
