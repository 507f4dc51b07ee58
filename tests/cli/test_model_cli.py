"""``arrears model``: train, promote, score, list, evaluate, monitor, reasons, benchmark."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.conftest import TEST_KEY
from tests.fixtures.commands import cli

from arrears.kit.crypto import FieldCipher
from arrears.sim.demo import load_demo, load_history
from arrears.store.db import make_engine
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
AS_OF = date(2026, 11, 20)
AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def demo(url: str, folder: Path) -> str:
    """Load a small demo; return the ref of one open account."""
    engine = make_engine(url)
    factory = lambda: UnitOfWork.for_engine(engine)  # noqa: E731
    load_demo(
        out_dir=folder / "demo", accounts=300, seed=5, as_of=AS_OF, uow_factory=factory,
        cipher=FieldCipher(TEST_KEY), reject_dir=folder / "rejects", clock=lambda: AT,
    )  # fmt: skip
    load_history(uow_factory=factory, as_of=AS_OF, seed=5, at=AT)
    with factory() as uow:
        account = uow.accounts.get(1)
        ref = account.account_ref
    engine.dispose()
    return ref


def test_train_promote_score_and_read_the_reasons(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):  # fmt: skip
    monkeypatch.setenv("ARREARS_NOW", "2026-11-20T06:00:00+00:00")
    ref = demo(cli_env["ARREARS_DATABASE_URL"], tmp_path)

    code, out, err = cli(capsys, "model", "train")
    assert code == 0, err
    assert "trained pay30-v1 (lightgbm)" in out and "test: AUC 0." in out
    assert (Path(cli_env["ARREARS_VAR_DIR"]) / "models" / "pay30-v1" / "model.txt").is_file()
    code, out, err = cli(capsys, "model", "train", "--kind", "scorecard", "--seed", "3")
    assert code == 0 and "pay30-v2 (scorecard)" in out, err

    assert cli(capsys, "model", "promote", "pay30-v1")[1] == "pay30-v1 is now champion\n"
    code, out, _ = cli(capsys, "model", "promote", "pay30-v2", "--challenger", "--share", "0.25")
    assert code == 0 and "challenger for 25% of the accounts" in out
    code, out, err = cli(capsys, "model", "score")
    assert code == 0, err
    assert "scored" in out and "pay30-v1" in out and "pay30-v2" in out and "tiers:" in out

    code, out, _ = cli(capsys, "model", "list")
    assert code == 0 and "champion" in out and "challenger" in out and "25%" in out
    code, out, err = cli(capsys, "model", "reasons", ref)
    assert code == 0, err
    assert "P(pay 30d)" in out and "likely to pay" in out
    code, out, _ = cli(capsys, "model", "reasons", ref, "--locale", "zh-CN")
    assert code == 0 and "还款可能性" in out

    code, out, err = cli(capsys, "model", "evaluate", "pay30-v1")
    assert code == 0, err
    assert "outcomes inside the training period" in out and "Calibration by score decile" in out
    code, out, err = cli(capsys, "model", "monitor")
    assert code == 0, err
    assert "PSI against training" in out and "payments_90d" in out and "0.25" in out

    code, _, err = cli(capsys, "model", "evaluate", "pay30-v9")
    assert code == 2 and "no model version 'pay30-v9'" in err
    code, _, err = cli(capsys, "model", "train", "--kind", "forest")
    assert code == 2 and "--kind must be one of lightgbm, scorecard" in err


def test_scoring_before_any_model_says_what_to_do(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
):
    code, _, err = cli(capsys, "model", "score")
    assert code == 2 and "no champion" in err and "model train" in err
    code, out, _ = cli(capsys, "model", "monitor")
    assert code == 0 and "no champion or challenger" in out


def test_the_value_priority_plans_with_the_champion_s_scores_and_call_uplift(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):  # fmt: skip
    monkeypatch.setenv("ARREARS_NOW", "2026-11-20T06:00:00+00:00")
    url = cli_env["ARREARS_DATABASE_URL"]
    demo(url, tmp_path)
    assert cli(capsys, "model", "train", "--champion")[0] == 0
    assert cli(capsys, "model", "score")[0] == 0

    code, out, err = cli(capsys, "plan", "--as-of", "2026-11-20", "--priority", "value",
                         "--call-capacity", "10")  # fmt: skip
    assert code == 0, err
    assert "Today's work by channel" in out
    engine = make_engine(url)
    with engine.connect() as connection:
        calls = connection.exec_driver_sql(
            "SELECT count(*), count(expected_value_minor) FROM planned_actions"
            " WHERE status = 'planned' AND channel = 'call'"
        ).one()
    engine.dispose()
    assert 0 < calls[0] <= 10 and calls[1] == calls[0]
