"""A collector records a dispute taken by phone, with evidence, and compliance resolves it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fixtures.commands import cli
from tests.payments.test_disputes import PDF, seed

pytestmark = pytest.mark.db


def test_open_list_and_resolve_a_dispute(cli_env, uow_factory, capsys, tmp_path: Path):
    seed(uow_factory, jurisdiction="US-NY")
    evidence = tmp_path / "bank-statement.pdf"
    evidence.write_bytes(PDF)
    code, out, err = cli(capsys, "disputes", "open", "ACC-0001", "--reason", "already_paid",
                         "--details", "paid in October", "--evidence", str(evidence))  # fmt: skip
    assert code == 0, err
    assert "collection paused (1 document(s) kept)" in out
    assert list((Path(cli_env["ARREARS_VAR_DIR"]) / "documents").rglob("*"))

    code, out, _ = cli(capsys, "disputes", "list")
    assert "ACC-0001\topen\talready_paid\tphone" in out

    dispute_id = out.split("\t", 1)[0]
    code, _, err = cli(capsys, "disputes", "resolve", dispute_id, "--outcome", "verified")
    assert code == 2 and "1006.38" in err
    code, out, err = cli(capsys, "disputes", "resolve", dispute_id, "--outcome", "verified",
                         "--verification-sent", "2026-11-19")  # fmt: skip
    assert code == 0, err
    assert "account ACC-0001 is active" in out


def test_an_unknown_account_is_a_clear_error(cli_env, capsys):
    code, _, err = cli(capsys, "disputes", "open", "NOPE", "--reason", "not_mine")
    assert code == 2 and "no account 'NOPE'" in err
