"""Batches: a batch of raw rows from a reader, projected and validated in order.

:func:`screen_batch` is what the importer sends to worker processes: a
module-level function of picklable arguments returning picklable results. It
projects and hashes every row, sets aside the rows whose hash is the one
stored for their account or payment (unchanged since the last import), and
validates the others; :func:`validate_batch` validates every row. A row the
reader could not fit to the header width is rejected whole.
"""

from __future__ import annotations

from collections.abc import Callable

from arrears.ingest.mapping import HeaderPlan, project
from arrears.ingest.readers import RawRow
from arrears.ingest.rows.accounts import validate_account
from arrears.ingest.rows.columns import Cells, screen_accounts
from arrears.ingest.rows.model import AccountRow, PaymentRow, Rejection, raw_row_hash
from arrears.ingest.rows.payment_columns import screen_payments
from arrears.ingest.rows.payments import validate_payment

Result = AccountRow | PaymentRow | list[Rejection]
# The column that identifies a stored row, by import kind.
KEY_COLUMNS = {"accounts": "account_ref", "payments": "reference"}


def in_file_repeat(
    kind: str, key: str, invoice: str | None, number: int, seen: dict[str, int]
) -> list[Rejection] | None:
    """The rejection of an account row whose ref an earlier row of the file had (``seen``:
    ref -> its first row, across batches, noted here); None for any other row. Invoice
    rows share their account's ref, and payments may repeat a reference."""
    if kind != "accounts" or not key or invoice:
        return None
    first = seen.setdefault(key, number)
    if first == number:
        return None
    return [Rejection(number, "account_ref", key, f"account_ref repeats row {first}")]


def screen_batch(
    kind: str,
    plan: HeaderPlan,
    rows: list[RawRow] | Cells,
    row_problems: dict[int, str],
    stored: dict[str, str | None],
    columnar: bool = True,
) -> tuple[int, list[Result]]:
    """(how many rows are unchanged, the results of the others in order).

    ``stored`` maps the keys (``account_ref`` or ``reference``) of the batch's rows to
    the hash of the row they were last imported from. An invoice row is never
    unchanged here: several rows share its account, whose hash is none of theirs.
    With ``columnar`` an accounts batch is screened by :func:`.columns.screen_accounts`
    and a payments batch by :func:`.payment_columns.screen_payments` (the same
    results, most rows decided column by column); the rows may then come as
    :class:`.columns.Cells`.
    """
    validate = _validator(kind)
    if columnar and kind == "accounts":
        found, results_ = screen_accounts(plan, rows, row_problems, stored)
        return found, list(results_)
    if columnar and kind == "payments":
        found, payments = screen_payments(plan, rows, row_problems, stored)
        return found, list(payments)
    if isinstance(rows, Cells):
        raise ValueError("cells in a frame are screened column by column only")
    key_column, formats = KEY_COLUMNS[kind], plan.formats
    unchanged = 0
    results: list[Result] = []
    for number, values in rows:
        canonical = project(plan, values)
        digest = raw_row_hash(canonical, formats)
        key = canonical.get(key_column)
        if key and not canonical.get("invoice_no") and stored.get(key) == digest:
            unchanged += 1
            continue
        problem = row_problems.get(number)
        if problem is not None:
            results.append([Rejection(number, "(row)", None, problem)])
        else:
            results.append(validate(number, canonical, formats, digest))
    return unchanged, results


def _validator(kind: str) -> Callable[..., Result]:
    validate = {"accounts": validate_account, "payments": validate_payment}.get(kind)
    if validate is None:
        raise ValueError(f"unknown import kind {kind!r}; expected 'accounts' or 'payments'")
    return validate


def validate_batch(
    kind: str, plan: HeaderPlan, rows: list[RawRow], row_problems: dict[int, str]
) -> list[AccountRow | PaymentRow | list[Rejection]]:
    """Project and validate a batch of raw rows, in order; picklable for worker processes.

    A row the reader could not split into the right number of cells is rejected as a
    whole (field ``(row)``): its cells may sit under the wrong headers, so their values
    would only produce misleading problems.
    """
    validate = _validator(kind)
    results: list[AccountRow | PaymentRow | list[Rejection]] = []
    for number, values in rows:
        problem = row_problems.get(number)
        if problem is not None:
            results.append([Rejection(number, "(row)", None, problem)])
        else:
            results.append(validate(number, project(plan, values), plan.formats))
    return results
