"""Fixtures of the import tests: a store with a client, portfolio files written in the
test's tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from tests.ingest.helpers import add_client

from arrears.kit.crypto import FieldCipher
from arrears.store.uow import UnitOfWork

WriteText = Callable[..., Path]


@pytest.fixture
def env(
    uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher, clock: Callable[[], datetime]
) -> dict[str, object]:
    """What ``do_import`` needs, with one client (``acme``) in the store."""
    add_client(uow_factory, clock)
    return {"uow_factory": uow_factory, "cipher": cipher, "clock": clock}


@pytest.fixture
def write_text(tmp_path: Path) -> WriteText:
    """Write ``text`` to ``tmp_path/name`` in ``encoding``; returns the path."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        # newline="" keeps the line endings the test wrote, as an exporter would.
        with path.open("w", encoding=encoding, newline="") as handle:
            handle.write(text)
        return path

    return write


@pytest.fixture(autouse=True)
def columnar_matches_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every accounts and payments batch screened in these tests is screened both
    ways — column by column (``rows.columns``, ``rows.payment_columns``: what imports
    use) and row by row — and the two results must be equal: every import fixture of
    the suite checks the columnar paths (phones read by block among them)."""
    from arrears.ingest.rows import batch

    for kind, name in (("accounts", "screen_accounts"), ("payments", "screen_payments")):
        monkeypatch.setattr(batch, name, _both_ways(kind, getattr(batch, name)))


def _both_ways(kind: str, columnar):  # type: ignore[no-untyped-def]
    from arrears.ingest.rows import batch

    def both(plan, rows, row_problems, stored):  # type: ignore[no-untyped-def]
        found = columnar(plan, rows, row_problems, stored)
        if isinstance(rows, batch.Cells):  # a chunk of lines split by Polars
            rows = [(number, rows.row(number)) for number in rows.frame["_row"].to_list()]
        expected = batch.screen_batch(kind, plan, rows, row_problems, stored, False)
        assert found == expected, f"columnar screening of {kind} differs from the row validator"
        return found

    return both
