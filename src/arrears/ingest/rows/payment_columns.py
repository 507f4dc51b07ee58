"""Columnar screening of payment batches: what :func:`.payments.validate_payment` gives.

:func:`screen_payments` is :func:`.columns.screen` for payments: unchanged rows
(hash equal to the one stored for their ``reference``) are counted, and the
others decided column by column where the checks can accept them:

* every cell plain (cleaning it is the identity), the required ones present and
  non-empty: ``account_ref``, ``reference`` and ``reverses`` are then taken as
  written;
* the currency, the kind and the method are read by the row validator's own
  functions once per distinct value, dates once per distinct text;
* the amount is plain digits with at most the currency's decimals, and positive;
* ``reverses`` is empty, or names another payment in a row of kind ``reversal``.

Any other row goes to :func:`.payments.validate_payment` whole, so rejections
always come from the row validator (the import tests screen every payment batch
both ways and compare).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.ingest.mapping import PAYMENT_COLUMNS, Formats, HeaderPlan
from arrears.ingest.normalize import normalize_currency
from arrears.ingest.readers import RawRow
from arrears.ingest.rows.columns import (
    Cells,
    Kind,
    gather,
    per_value,
    plain,
    reading_of,
    screen,
    with_amounts,
    with_dates,
)
from arrears.ingest.rows.model import PaymentRow, Rejection
from arrears.ingest.rows.payments import _method, _payment_kind, validate_payment

_REQUIRED = ("account_ref", "amount", "currency", "paid_on", "reference")
_USED = (*_REQUIRED, "method", "kind", "reverses")


def screen_payments(
    plan: HeaderPlan,
    rows: Sequence[RawRow] | Cells,
    row_problems: dict[int, str],
    stored: dict[str, str | None],
) -> tuple[int, list[PaymentRow | list[Rejection]]]:
    """(how many rows are unchanged, the results of the others in order), exactly as
    :func:`.batch.screen_batch` screens a payments batch row by row."""
    return screen(PAYMENTS, plan, rows, row_problems, stored)


def _fast_payments(
    frame: pl.DataFrame, present: list[str], formats: Formats
) -> dict[int, PaymentRow]:
    """The rows the column checks accept, as PaymentRows by row number."""
    # The row validator takes a blank cell for a missing one: blank cells go its way.
    filled = pl.all_horizontal([pl.col(n).is_not_null() & (pl.col(n) != "") for n in _REQUIRED])
    blank = pl.any_horizontal([pl.col(n) == "" for n in _USED]).fill_null(False)
    frame = frame.with_columns(_ok=plain(present) & filled & ~blank)
    frame, currencies = per_value(
        frame, ["currency"], reading_of(lambda c: None if c is None else normalize_currency(c)),
        "_currency",
    )  # fmt: skip
    frame, kinds = per_value(
        frame, ["kind"], reading_of(lambda k: "payment" if k is None else _payment_kind(k)),
        "_kind",
    )  # fmt: skip
    frame, methods = per_value(
        frame, ["method"], reading_of(lambda m: None if m is None else _method(m)), "_method"
    )
    frame = frame.with_columns(
        _currency_code=gather(frame, currencies, "_currency"),
        _kind_read=gather(frame, kinds, "_kind"),
        _method_read=gather(frame, methods, "_method"),
    )
    frame = with_dates(frame, formats, ("paid_on",))
    frame = with_amounts(frame, formats, ("amount",))
    reverses = pl.col("reverses")
    reversal_ok = reverses.is_null() | (
        (pl.col("_kind_read") == "reversal") & (reverses != pl.col("reference"))
    )
    frame = frame.filter(
        pl.col("_ok") & (pl.col("_amount") > 0).fill_null(False) & reversal_ok.fill_null(False)
    )
    names = ("_row", "account_ref", "_amount", "_currency_code", "_paid_on", "reference",
             "_method_read", "_kind_read", "reverses", "_hash")  # fmt: skip
    return {values[0]: PaymentRow(*values) for values in frame.select(names).iter_rows()}


PAYMENTS = Kind(PAYMENT_COLUMNS, "reference", False, _fast_payments, validate_payment)
