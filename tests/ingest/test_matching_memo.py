"""An import remembers the debtors it wrote instead of searching them again in the
store: the matches must be those the store alone gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from tests.ingest.helpers import ACCOUNT_HEADERS, account, add_client, do_import, write_csv

from arrears.ingest import tasks
from arrears.kit.crypto import FieldCipher
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db

PHONE = "(212) 555-0142"
# No birth dates and no e-mails: only the (name, phone) key can match.
BARE = {"birth_date": "", "emails": ""}

# Two debtors share the name and, in the end, the phone (different refs keep them
# apart); D1, the lower id, gets the phone after D2, so its contact point is the
# later one in the store; a third row without a ref must go to the lower id.
TIE = [
    account("A1", debtor_ref="D1", phones="", emails="jo1@example.com", birth_date=""),
    account("A2", debtor_ref="D2", phones=PHONE, **BARE),
    account("A3", debtor_ref="D1", phones=PHONE, **BARE),
    account("A4", phones=PHONE, **BARE),
]

# A debtor of this import renamed by a later row of the same source: the old name
# no longer matches it, the new one does.
RENAMED = [
    account("B1", debtor_ref="E1", name="Kim Lee", phones="(212) 555-0177", **BARE),
    account("B2", debtor_ref="E1", name="Kim Park", phones="(212) 555-0177", **BARE),
    account("B3", name="Kim Lee", phones="(212) 555-0177", **BARE),
    account("B4", name="Kim Park", phones="(212) 555-0177", **BARE),
    account("B5", name="Kim Lee", phones="(212) 555-0177", **BARE),
]


@pytest.fixture
def env(
    uow_factory: Callable[[], UnitOfWork], cipher: FieldCipher, clock: Callable[[], datetime]
) -> dict[str, object]:
    for code in ("acme", "plain"):
        add_client(uow_factory, clock, code=code)
    return {"uow_factory": uow_factory, "cipher": cipher, "clock": clock}


def debtor_of(engine: Engine, client: str) -> dict[str, int]:
    """account_ref -> debtor, the debtors numbered 0, 1, ... in id order."""
    sql = (
        "SELECT a.account_ref, a.debtor_id FROM accounts a JOIN debtors d ON d.id = a.debtor_id "
        "JOIN clients c ON c.id = d.client_id WHERE c.code = :code"
    )
    with engine.connect() as connection:
        found = {ref: debtor for ref, debtor in connection.execute(text(sql), {"code": client})}
    rank = {debtor: n for n, debtor in enumerate(sorted(set(found.values())))}
    return {ref: rank[debtor] for ref, debtor in found.items()}


def store_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Import without the memo: every lookup asks the whole store."""
    monkeypatch.setattr(tasks, "DebtorMemo", lambda max_before: None)


class TestTies:
    @pytest.mark.parametrize("batch_size", [1, 2])
    def test_a_name_and_phone_shared_by_two_debtors_matches_the_lowest_id(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch, batch_size
    ):
        path = write_csv(tmp_path / "tie.csv", ACCOUNT_HEADERS, TIE)
        do_import(path, batch_size=batch_size, **env)
        # In batches of 2, A4 is matched against the store as it was before its batch,
        # when only D2 had the phone.
        a4 = 0 if batch_size == 1 else 1
        assert debtor_of(engine, "acme") == {"A1": 0, "A2": 1, "A3": 0, "A4": a4}
        store_only(monkeypatch)
        do_import(path, batch_size=batch_size, client="plain", **env)
        assert debtor_of(engine, "plain") == debtor_of(engine, "acme")

    def test_the_store_lookup_also_takes_the_lowest_id(self, tmp_path: Path, env, engine: Engine):
        do_import(write_csv(tmp_path / "a.csv", ACCOUNT_HEADERS, TIE[:3]), **env)
        do_import(write_csv(tmp_path / "b.csv", ACCOUNT_HEADERS, TIE[3:]), **env)
        assert debtor_of(engine, "acme") == {"A1": 0, "A2": 1, "A3": 0, "A4": 0}


class TestMemoAgreesWithTheStore:
    @pytest.mark.parametrize("batch_size", [1, 2, 20])
    def test_a_debtor_renamed_during_the_import(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch, batch_size
    ):
        path = write_csv(tmp_path / "renamed.csv", ACCOUNT_HEADERS, RENAMED)
        do_import(path, batch_size=batch_size, **env)
        memo = debtor_of(engine, "acme")
        store_only(monkeypatch)
        do_import(path, batch_size=batch_size, client="plain", **env)
        assert memo == debtor_of(engine, "plain")
        if batch_size == 1:
            # B3 comes after the rename: a new debtor, which B5 then matches.
            assert memo == {"B1": 0, "B2": 0, "B3": 1, "B4": 0, "B5": 1}

    def test_debtors_from_before_the_import_and_from_it_mix(
        self, tmp_path: Path, env, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ):
        first, second = TIE[:2] + RENAMED[:1], TIE[2:] + RENAMED[1:]
        for client in ("acme", "plain"):
            if client == "plain":
                store_only(monkeypatch)
            for n, rows in enumerate((first, second)):
                path = write_csv(tmp_path / f"{client}{n}.csv", ACCOUNT_HEADERS, rows)
                do_import(path, batch_size=1, client=client, **env)
        assert debtor_of(engine, "acme") == debtor_of(engine, "plain")
        assert debtor_of(engine, "acme")["A4"] == debtor_of(engine, "acme")["A1"]
