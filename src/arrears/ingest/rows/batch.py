"""Batches: a batch of raw rows from a reader, projected and validated in order.

:func:`validate_batch` is what the importer sends to worker processes: a
module-level function of picklable arguments returning picklable results. A
row the reader could not fit to the header width is rejected whole.
"""

from __future__ import annotations

from arrears.ingest.mapping import HeaderPlan, project
from arrears.ingest.readers import RawRow
from arrears.ingest.rows.accounts import validate_account
from arrears.ingest.rows.model import AccountRow, PaymentRow, Rejection
from arrears.ingest.rows.payments import validate_payment


def validate_batch(
    kind: str, plan: HeaderPlan, rows: list[RawRow], row_problems: dict[int, str]
) -> list[AccountRow | PaymentRow | list[Rejection]]:
    """Project and validate a batch of raw rows, in order; picklable for worker processes.

    A row the reader could not split into the right number of cells is rejected as a
    whole (field ``(row)``): its cells may sit under the wrong headers, so their values
    would only produce misleading problems.
    """
    validate = {"accounts": validate_account, "payments": validate_payment}.get(kind)
    if validate is None:
        raise ValueError(f"unknown import kind {kind!r}; expected 'accounts' or 'payments'")
    results: list[AccountRow | PaymentRow | list[Rejection]] = []
    for number, values in rows:
        problem = row_problems.get(number)
        if problem is not None:
            results.append([Rejection(number, "(row)", None, problem)])
        else:
            results.append(validate(number, project(plan, values), plan.formats))
    return results
