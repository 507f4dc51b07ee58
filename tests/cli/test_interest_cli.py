"""``arrears interest``: accrue, show the ledger with its rules, list caps and terms."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.fixtures.commands import cli

from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
PLACED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def seed(url: str) -> None:
    engine = make_engine(url)
    with UnitOfWork.for_engine(engine) as uow:
        client = uow.clients.add(code="cn-consumer", name="CN", at=PLACED, jurisdiction="CN",
                                 currency="CNY")  # fmt: skip
        (debtor,) = uow.debtors.insert_many([{
            "client_id": client.id, "debtor_ref": "D1", "kind": "person", "name": "张三",
            "name_key": "张三", "language": "zh-CN", "time_zones": [], "risk_flags": [],
            "has_conflicts": False, "created_at": PLACED, "updated_at": PLACED,
        }])  # fmt: skip
        uow.accounts.insert_many([{
            "client_id": client.id, "account_ref": "CN-1", "debtor_id": debtor,
            "currency": "CNY", "principal_minor": 10_000_000, "interest_minor": 0,
            "fees_minor": 0, "costs_minor": 0, "credit_minor": 0, "status": "active",
            "holds": [{"kind": "dispute", "since": "2026-01-30", "until": "2026-02-03"}],
            "arms": {}, "jurisdiction": "CN", "opened_on": date(2024, 1, 5),
            "due_on": date(2026, 1, 1), "created_at": PLACED, "updated_at": PLACED,
        }])  # fmt: skip
        uow.commit()
    engine.dispose()


def test_accrue_then_show_the_ledger_with_its_rules(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("ARREARS_NOW", "2026-02-09T01:00:00+00:00")
    seed(cli_env["ARREARS_DATABASE_URL"])
    code, out, err = cli(capsys, "interest", "accrue", "--through", "2026-02-08")
    assert code == 0, err
    assert "1 account(s)" in out and "stopped   dispute: 1" in out
    code, out, _ = cli(capsys, "interest", "accrue", "--through", "2026-02-08")
    assert code == 0 and "0 account(s)" in out

    code, out, err = cli(capsys, "interest", "show", "CN-1")
    assert code == 0, err
    assert "accrued through 2026-02-08" in out
    assert "CN-INT-CAP-01" in out and "stopped (dispute)" in out and "CN-INT-STOP-DISPUTE" in out
    assert "at 0.1380 ACT/365F (contract 0.24 cap 0.1380)" in out

    code, _, err = cli(capsys, "interest", "show", "NOPE")
    assert code != 0 and "no account" in err
    code, _, err = cli(capsys, "interest", "accrue", "--through", "yesterday")
    assert code != 0 and "--through" in err


def test_caps_and_terms_list_the_configuration(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(ROOT / "config"))
    code, out, err = cli(capsys, "interest", "caps")
    assert code == 0, err
    assert "4 x CN-LPR-1Y" in out and "民间借贷" in out
    assert "US-NY-INT-CAP" in out and "US-WA-FEE" in out and "1692f(1)" in out
    code, out, _ = cli(capsys, "interest", "caps", "--jurisdiction", "US-OH")
    assert code == 0 and "US-INT-CAP-UNKNOWN" in out
    code, out, _ = cli(capsys, "interest", "terms", "--client", "us-agency")
    assert code == 0 and "us-agency/credit_card: 0.249" in out and "30/360" in out


def test_a_bad_terms_file_names_the_file_line_and_field(
    cli_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    config = tmp_path / "config" / "interest"
    (config / "jurisdictions").mkdir(parents=True)
    for path in (ROOT / "config" / "interest" / "jurisdictions").glob("*.yaml"):
        (config / "jurisdictions" / path.name).write_bytes(path.read_bytes())
    (config / "terms.yaml").write_text(
        'version: "1"\nterms:\n  - client: x\n    rate: 0.24\n    day_count: ACT/365\n'
        "    authorized_by: contract\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(tmp_path / "config"))
    code, _, err = cli(capsys, "interest", "terms")
    assert code != 0
    assert "terms.yaml line 4: terms[0].rate: write rates as quoted decimals" in err
    assert "terms.yaml line 5: terms[0].day_count" in err
