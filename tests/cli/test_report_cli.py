"""``arrears analytics`` and ``arrears report <measure>`` on a small portfolio, both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.fixtures.commands import cli

from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
PLACED = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def seed(url: str) -> None:
    """Two accounts placed on 1 September: A pays 3,000.00 of 10,000.00 in October; B is silent."""
    engine = make_engine(url)
    with UnitOfWork.for_engine(engine) as uow:
        client = uow.clients.add(code="cn", name="CN", at=PLACED, jurisdiction="CN", currency="CNY")
        debtors = uow.debtors.insert_many([{
            "client_id": client.id, "debtor_ref": f"D{i}", "kind": "person", "name": f"n{i}",
            "name_key": f"n{i}", "language": "zh-CN", "time_zones": [], "risk_flags": [],
            "has_conflicts": False, "created_at": PLACED, "updated_at": PLACED,
        } for i in range(2)])  # fmt: skip
        ids = uow.accounts.insert_many([{
            "client_id": client.id, "account_ref": ref, "debtor_id": debtor, "currency": "CNY",
            "principal_minor": principal, "interest_minor": 0, "fees_minor": 0, "costs_minor": 0,
            "credit_minor": 0, "status": "active", "holds": [], "arms": {}, "segment": "M1",
            "original_minor": 1_000_000, "due_on": date(2026, 9, 10), "created_at": PLACED,
            "updated_at": PLACED,
        } for ref, debtor, principal in (("A", debtors[0], 700_000), ("B", debtors[1], 1_000_000))
        ])  # fmt: skip
        uow.payments.add(client_id=client.id, account_id=ids[0], reference="P1", kind="payment",
                         amount_minor=300_000, currency="CNY", paid_on=date(2026, 10, 5),
                         allocation={"principal": 300_000}, created_at=PLACED)  # fmt: skip
        uow.interactions.add_many([{
            "account_id": ids[0], "debtor_id": debtors[0], "channel": "call", "direction": "out",
            "occurred_at": datetime(2026, 10, 4, 2, tzinfo=UTC), "outcome": "conversation",
            "details": {},
        }, {
            "account_id": ids[1], "debtor_id": debtors[1], "channel": "call", "direction": "out",
            "occurred_at": datetime(2026, 10, 4, 3, tzinfo=UTC), "outcome": "no_answer",
            "details": {},
        }])  # fmt: skip
        uow.commit()
    engine.dispose()


@pytest.fixture
def portfolio(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("ARREARS_NOW", "2026-11-20T22:00:00+00:00")
    seed(cli_env["ARREARS_DATABASE_URL"])
    return cli_env


def test_refresh_backfill_and_the_reports_of_the_period(
    portfolio: dict[str, str], capsys: pytest.CaptureFixture[str]
):
    code, out, err = cli(capsys, "analytics", "refresh")
    assert code == 0, err
    assert "snapshot 2026-11-20: 2 account(s)" in out
    code, out, err = cli(capsys, "analytics", "backfill", "--from", "2026-09-01")
    assert code == 0, err
    assert "backfilled 80 day(s)" in out and "kept 0" in out

    code, out, err = cli(capsys, "report", "liquidation", "--format", "csv", "--to", "2026-11-20")
    assert code == 0, err
    assert out.splitlines() == [
        "client,currency,cohort,accounts,placed,collected,paying_accounts,liquidation_rate",
        "cn,CNY,2026-09,2,20000.00,3000.00,1,0.15",
    ]
    code, out, err = cli(capsys, "report", "rpc", "--format", "csv", "--from", "2026-10-01",
                         "--to", "2026-10-31")  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1] == "cn,2,1,1,0.5,1.0"
    # September's month end: A had 10,000.00 in 1-30; by October's it is 31-60 with 7,000.00.
    code, out, err = cli(capsys, "report", "roll-rates", "--format", "csv", "--from", "2026-10-01",
                         "--to", "2026-10-31")  # fmt: skip
    assert code == 0, err
    assert "cn,2026-10,CNY,1-30,31-60,2,20000.00,1.0,1.0" in out


def test_every_report_runs_and_files_are_written(
    portfolio: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    from arrears.analytics.reports import SPECS

    assert cli(capsys, "analytics", "refresh")[0] == 0
    for name in SPECS:
        code, _, err = cli(capsys, "report", name, "--format", "csv")
        assert code == 0, f"{name}: {err}"
    target = tmp_path / "cost.pdf"
    code, _, err = cli(capsys, "report", "cost", "--format", "pdf", "--out", str(target),
                       "--locale", "zh-CN", "--from", "2026-10-01")  # fmt: skip
    assert code == 0, err
    assert "单位回收成本" in PdfReader(target).pages[0].extract_text()
    target = tmp_path / "portfolio.xlsx"
    assert cli(capsys, "report", "portfolio", "--format", "xlsx", "--out", str(target))[0] == 0
    assert target.stat().st_size > 0
    code, out, _ = cli(capsys, "report", "aging", "--as-of", "2026-11-20", "--format", "csv")
    assert code == 0 and "cn,CNY,61-90,2,17000.00" in out


def test_bad_options_are_one_line_errors(
    portfolio: dict[str, str], capsys: pytest.CaptureFixture[str]
):
    for args, message in (
        (["report", "portfolio", "--client", "nobody"], "unknown client 'nobody'"),
        (["report", "cost", "--by", "colour"], "--by must be one of"),
        (["report", "trend", "--from", "2026-11-30", "--to", "2026-11-01"], "is after"),
        (["report", "experiments", "--champion", "m1"], "--champion is experiment=arm"),
        (["analytics", "refresh", "--as-of", "soon"], "--as-of must be a date"),
    ):
        code, _, err = cli(capsys, *args)
        assert code != 0 and message in err, (args, err)
