"""A user's day on the command line: demo, plan, send to the local sinks, dialler, letters."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.fixtures.commands import cli

pytestmark = [pytest.mark.db, pytest.mark.slow]
DAY = "2026-11-20"


def test_the_days_messages_reach_the_local_sinks(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    root = Path(__file__).resolve().parents[2]
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(root / "config"))
    var = Path(cli_env["ARREARS_VAR_DIR"])
    assert cli(capsys, "demo", "--accounts", "150", "--as-of", DAY, "--no-report")[0] == 0
    assert cli(capsys, "plan", "--as-of", DAY, "--call-capacity", "20")[0] == 0

    code, out, err = cli(capsys, "send", "--sandbox", "--day", DAY, "--channel", "sms",
                         "--channel", "email")  # fmt: skip
    assert code == 0, err
    assert "dead 0" in out
    assert list((var / "sandbox" / "mail").rglob("*.eml")), "e-mails are .eml files"
    texts = (var / "sandbox" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert texts and all(json.loads(line)["reference"].startswith("plan:") for line in texts)

    code, out, _ = cli(capsys, "send", "--sandbox", "--day", DAY, "--channel", "letter",
                       "--batch-size", "5", "--limit", "5")  # fmt: skip
    assert code == 0 and "sent 5" in out
    code, out, _ = cli(capsys, "letters", "batch", "--date", DAY)
    assert code == 0 and "letter(s)" in out
    assert list((var / "letters").rglob("print-*.pdf"))

    assert cli(capsys, "outbox", "stats")[0] == 0
    out_file = var / "calls.csv"
    assert cli(capsys, "dialler", "export", "--date", DAY, "--out", str(out_file))[0] == 0
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert rows and all(r["window_start_utc"] < r["window_end_utc"] for r in rows)
