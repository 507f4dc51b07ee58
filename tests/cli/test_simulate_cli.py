"""``arrears simulate``: the comparison table, JSON, and the demo's history in its database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.fixtures.commands import cli, simulator_settings

from arrears.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def test_compare_prints_both_priorities_with_zero_violations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with simulator_settings(monkeypatch, tmp_path):
        code, out, err = cli(capsys, "simulate", "--accounts", "30", "--days", "1",
                             "--call-capacity", "5", "--compare", "--json")  # fmt: skip
        assert code == 0, err
        rows = json.loads(out)
        assert [r["policy"] for r in rows] == ["rules@5", "value@5"]
        assert all(r["violations"] == 0 and r["audited"] == r["contacts"] for r in rows)
        code, out, err = cli(capsys, "simulate", "--accounts", "30", "--days", "1",
                             "--call-capacity", "5", "--compare")  # fmt: skip
        assert code == 0, err
        assert "recovered/cost" in out and "value@5" in out and "vs rules@5" in out
        code, out, err = cli(capsys, "simulate", "--priority", "best")
        assert code != 0 and "rules or value" in err


@pytest.mark.db
def test_as_demo_gives_the_configured_database_a_history(
    capsys: pytest.CaptureFixture[str], cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from arrears.config import get_settings

    monkeypatch.setenv("ARREARS_NOW", "2026-11-23T09:00:00+00:00")
    get_settings.cache_clear()
    code, out, err = cli(capsys, "simulate", "--as-demo", "--days", "2", "--accounts", "30")
    assert code == 0, err
    assert "demo history: 2 days to 2026-11-23" in out and "0 compliance violations" in out
    engine = make_engine(cli_env["ARREARS_DATABASE_URL"])
    with engine.connect() as db:
        runs = db.execute(text("SELECT count(*) FROM plan_runs")).scalar()
        calls = db.execute(text("SELECT count(*) FROM interactions WHERE channel = 'call'"
                                " AND dedup_key LIKE 'plan:%'")).scalar()  # fmt: skip
        configs = db.execute(text("SELECT count(*) FROM channel_configs")).scalar()
    engine.dispose()
    assert runs == 2 and calls and calls > 0 and configs and configs > 0


def test_the_value_settings_come_from_the_cost_file(tmp_path: Path) -> None:
    from arrears.cli.commands.plan import value_settings
    from arrears.errors import ConfigError

    shipped = value_settings(ROOT / "config")
    # A call: its dial plus four collector-minutes (config/costs.yaml); USD on the CNY scale.
    assert shipped.currency_costs["CNY"]["call"] == 50 + 6000 * 4 // 60
    assert shipped.rates["USD"] == 7.1 and shipped.rates["CNY"] == 1.0
    assert value_settings(ROOT / "config", 12.5).min_return == 12.5  # --min-return wins
    assert value_settings(tmp_path).min_return == 1.0  # no file: the model's defaults
    text_ = (ROOT / "config" / "costs.yaml").read_text()
    (tmp_path / "costs.yaml").write_text(text_.replace("min_return: ", "min_return: -"))
    with pytest.raises(ConfigError, match="min_return"):
        value_settings(tmp_path)
