"""``arrears compliance check`` and ``rules`` on the command line, with golden files.

Each ``cases/NAME.json`` is a contact-check input; ``cases/NAME.expected.json`` is the
answer the command must print (the rulebook versions aside), or for an invalid input
its exit code and the one line on standard error. Set ARREARS_UPDATE_GOLDEN=1 to
rewrite the expected files after a reviewed change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.cli.commands.compliance import app

CASES = Path(__file__).parent / "cases"
INPUTS = sorted(p for p in CASES.glob("*.json") if not p.name.endswith(".expected.json"))
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", INPUTS, ids=[p.stem for p in INPUTS])
def test_the_command_answers_each_golden_case(case: Path) -> None:
    code, out, err = run("check", str(case))
    if code == 0:
        answer = json.loads(out)
        applied = set(json.loads(case.read_text())["jurisdictions"])
        assert set(answer["rulebooks"]) >= applied & {"US", "US-MA", "US-WA", "CN", "GB"}
        got: dict[str, object] = {k: v for k, v in answer.items() if k != "rulebooks"}
    else:
        got = {"exit_code": code, "stderr": err}
    expected_file = case.with_name(f"{case.stem}.expected.json")
    if os.environ.get("ARREARS_UPDATE_GOLDEN"):
        text = json.dumps(got, ensure_ascii=False, indent=2) + "\n"
        expected_file.write_text(text, encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))


class TestCheckCommand:
    def test_standard_input_is_read_with_a_dash(self):
        text = (CASES / "cn-call-at-night.json").read_text(encoding="utf-8")
        code, out, _ = run("check", "-", stdin=text)
        assert code == 0
        assert json.loads(out)["verdict"] == "DELAY"

    def test_a_field_outside_the_format_is_named_on_one_line_with_exit_code_2(self):
        code, out, err = run("check", str(CASES / "invalid-channel.json"))
        assert code == 2 and out == ""
        assert err.count("\n") == 1
        assert err.startswith("contact.channel: Input should be 'call', 'voicemail'")

    def test_a_missing_file_is_one_line_with_exit_code_2(self):
        code, _, err = run("check", "/nonexistent/contact.json")
        assert code == 2 and err.count("\n") == 1

    def test_text_that_is_not_json_is_one_line_with_exit_code_2(self):
        code, _, err = run("check", "-", stdin="{not json")
        assert code == 2
        assert "not valid JSON" in err and err.count("\n") == 1

    def test_a_list_index_is_part_of_the_field_name(self):
        data = json.loads((CASES / "us-eighth-call-in-seven-days.json").read_text())
        data["history"][2]["outcome"] = "maybe"
        code, _, err = run("check", "-", stdin=json.dumps(data))
        assert code == 2 and err.startswith("history[2].outcome: Input should be")

    def test_the_command_is_registered_in_the_main_cli(self, capsys: pytest.CaptureFixture[str]):
        from arrears.cli.main import app as main_app
        from arrears.cli.main import run as main_run

        names = [group.name for group in main_app.registered_groups]
        if "compliance" not in names:
            pytest.skip("the compliance sub-app is not registered in arrears.cli.main yet")
        assert main_run(["compliance", "check", str(CASES / "cn-call-at-night.json")]) == 0
        assert json.loads(capsys.readouterr().out)["verdict"] == "DELAY"
        with pytest.raises(SystemExit) as stopped:
            main_run(["compliance", "check", str(CASES / "invalid-channel.json")])
        assert stopped.value.code == 2
        assert capsys.readouterr().err.startswith("contact.channel: Input should be")


class TestRulesCommand:
    def test_the_rules_of_one_jurisdiction_are_listed_in_both_languages(self):
        code, out, _ = run("rules", "--jurisdiction", "CN")
        assert code == 0
        assert "CN-FREQ-01" in out and "未接通" in out
        assert "US-FREQ-01" not in out

    def test_us_includes_the_state_overlays(self):
        _, out, _ = run("rules", "-j", "US", "--json")
        ids = {row["rule"] for row in json.loads(out)}
        assert {"US-FREQ-01", "MA-01", "WA-01", "HOUSE-HOLD-01"} <= ids
