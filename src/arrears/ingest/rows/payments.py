"""Payment rows: one canonical row of a payments file to a :class:`.model.PaymentRow`.

A row is a payment or, with kind ``reversal``, the reversal of the payment
whose reference it names in ``reverses``; only a reversal reverses, and never
itself. The amount is positive minor units either way. Payment methods are
compared as keys (``Bank Transfer`` -> ``bank_transfer``).
"""

from __future__ import annotations

from arrears.ingest.mapping import Formats
from arrears.ingest.normalize import FieldProblem, normalize_currency
from arrears.ingest.rows.fields import _amounts, _dates, _Fields, _present, _text
from arrears.ingest.rows.model import PaymentRow, Rejection, raw_row_hash

_PAYMENT_KINDS = {
    "payment": "payment",
    "reversal": "reversal",
    "还款": "payment",
    "冲正": "reversal",
}


def _payment_kind(text: str) -> str:
    kind = _PAYMENT_KINDS.get(text.strip().casefold())
    if kind is None:
        raise FieldProblem("expected 'payment' or 'reversal'")
    return kind


def _method(text: str) -> str:
    """``Bank Transfer`` -> ``bank_transfer``: methods are compared as keys."""
    return "_".join(_text(text).casefold().replace("-", " ").split())


def validate_payment(
    row: int, canonical: dict[str, str | None], formats: Formats, row_hash: str | None = None
) -> PaymentRow | list[Rejection]:
    """A normalised payment or reversal row, or one rejection per bad value.

    ``row_hash`` is the row's :func:`.model.raw_row_hash` when the caller has it already.
    """
    fields = _Fields(row, canonical)
    account_ref = fields.read("account_ref", _text, required=True)
    reference = fields.read("reference", _text, required=True)
    currency = fields.read("currency", normalize_currency, required=True)
    amount = None
    if currency is not None:
        amount = fields.read("amount", _amounts(currency, formats, positive=True), required=True)
    else:
        fields.read("amount", _text, required=True)
    paid_on = fields.read("paid_on", _dates(formats), required=True)
    kind = fields.read("kind", _payment_kind) or "payment"
    reverses = fields.read("reverses", _text)
    if reverses is not None and kind != "reversal":
        fields.reject("reverses", reverses, "only a row of kind 'reversal' reverses a payment")
    elif reverses is not None and reverses == reference:
        fields.reject("reverses", reverses, "a reversal cannot reverse itself")
    method = fields.read("method", _method)
    if fields.problems:
        return fields.problems
    return PaymentRow(
        row=row,
        account_ref=_present(account_ref),
        amount=_present(amount),
        currency=_present(currency),
        paid_on=_present(paid_on),
        reference=_present(reference),
        method=method,
        kind=kind,
        reverses=reverses,
        row_hash=row_hash or raw_row_hash(canonical, formats),
    )
