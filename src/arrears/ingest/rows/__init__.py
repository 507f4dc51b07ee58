"""Row validation: one canonical row to a normalised record, or its rejections.

``validate_account`` and ``validate_payment`` read every field of a row and
collect every problem (one :class:`Rejection` per bad value), so a person fixes
a rejected row in one pass. A row is accepted or rejected whole: a row with one
bad phone among three is rejected, because importing the account without that
phone would silently lose a contact point the creditor gave us (DESIGN §4.9:
nothing lost on bad input).

Everything here is pure — no database, no clock, no settings — and every value
is picklable, so ``validate_batch`` runs unchanged in worker processes.

``row_hash`` is :func:`raw_row_hash` of the canonical (projected, raw) values and
of the mapping's ``formats``, so the importer can skip unchanged rows before
validating them, and a re-import with a corrected ``day_first`` or ``decimal``
reads every row again.

The package, one concept a module:

* ``model`` — the records (:class:`AccountRow`, :class:`PaymentRow`,
  :class:`ContactValue`, :class:`Rejection`) and :func:`raw_row_hash`;
* ``fields`` — reading a row's fields while collecting every problem;
* ``accounts`` — :func:`validate_account`;
* ``payments`` — :func:`validate_payment`;
* ``batch`` — :func:`screen_batch` (the unit of work of a worker process) and
  :func:`validate_batch`.
* ``columns`` — the same screening column by column with Polars (accounts), with
  ``column_identity`` (national ids and birth dates over columns) and
  ``payment_columns`` (payments): identical results, the row validator kept as
  the reference for every row the column checks cannot accept.
"""

from __future__ import annotations

from arrears.ingest.rows.accounts import validate_account
from arrears.ingest.rows.batch import screen_batch, validate_batch
from arrears.ingest.rows.fields import EARLIEST, LATEST
from arrears.ingest.rows.model import (
    AccountRow,
    ContactValue,
    PaymentRow,
    Rejection,
    raw_row_hash,
)
from arrears.ingest.rows.payments import validate_payment

__all__ = [
    "EARLIEST",
    "LATEST",
    "AccountRow",
    "ContactValue",
    "PaymentRow",
    "Rejection",
    "raw_row_hash",
    "screen_batch",
    "validate_account",
    "validate_batch",
    "validate_payment",
]
