"""Small helpers for import scenarios: write files, run imports, read the store."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from arrears.ingest.tasks import ImportRequest, ImportSummary, run_import
from arrears.kit.crypto import FieldCipher
from arrears.store.uow import UnitOfWork

ACCOUNT_HEADERS = [
    "account_ref",
    "debtor_ref",
    "name",
    "national_id",
    "birth_date",
    "phones",
    "emails",
    "address",
    "city",
    "region",
    "postal_code",
    "country",
    "currency",
    "principal",
    "interest",
    "fees",
    "due_on",
    "product",
    "source",
]


def write_csv(
    path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def account(ref: str, **values: str) -> list[str]:
    base = {
        "account_ref": ref,
        "debtor_ref": "",
        "name": "Jo Smith",
        "national_id": "",
        "birth_date": "1980-02-03",
        "phones": "(212) 555-0142",
        "emails": "jo@example.com",
        "address": "1 Main St",
        "city": "New York",
        "region": "NY",
        "postal_code": "10001",
        "country": "US",
        "currency": "USD",
        "principal": "1,234.56",
        "interest": "10.00",
        "fees": "5",
        "due_on": "2026-09-01",
        "product": "credit_card",
        "source": "creditor",
    }
    base.update(values)
    return [base[h] for h in ACCOUNT_HEADERS]


def add_client(
    uow_factory: Callable[[], UnitOfWork],
    clock: Callable[[], datetime],
    code: str = "acme",
    currency: str = "USD",
) -> None:
    with uow_factory() as uow:
        uow.clients.add(code=code, name=code.title(), at=clock(), currency=currency)
        uow.commit()


def do_import(
    path: Path,
    *,
    uow_factory: Callable[[], UnitOfWork],
    cipher: FieldCipher,
    clock: Callable[[], datetime],
    kind: str = "accounts",
    client: str = "acme",
    mapping: str | None = None,
    dry_run: bool = False,
    batch_size: int = 20_000,
    workers: int = 0,
    columnar: bool = True,
) -> ImportSummary:
    request = ImportRequest(
        kind=kind,
        path=path,
        client=client,
        mapping=mapping,
        dry_run=dry_run,
        actor="test",
        batch_size=batch_size,
        workers=workers,
        columnar=columnar,
    )
    summary = run_import(
        request,
        uow_factory=uow_factory,
        cipher=cipher,
        reject_dir=path.parent / "rejects",
        clock=clock,
    )
    assert summary.balanced, summary
    return summary


def counts(summary: ImportSummary) -> tuple[int, int, int, int]:
    c = summary.counts
    return c.inserted, c.updated, c.unchanged, c.rejected
