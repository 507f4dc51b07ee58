"""``arrears sandbox``: option checks (the servers themselves are tested through fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from arrears.cli.commands.sandbox import app
from arrears.errors import InvalidInput
from arrears.sandbox.sms_state import FailureRule


@pytest.fixture(autouse=True)
def _var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from arrears.config import get_settings

    monkeypatch.setenv("ARREARS_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sms", "--fail", "*1234"], "PATTERN=KIND"),
        (["sms", "--receipt-url", "http://127.0.0.1:9/r"], "--secret-env"),
        (["sms", "--secret-env", "ARREARS_TEST_UNSET_SECRET"], "is not set"),
        (["mail", "--auth", "no-colon"], "user:password"),
    ],
)
def test_bad_options_are_clear_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InvalidInput)
    assert message in str(result.exception)


def test_failure_rules_parse() -> None:
    assert FailureRule.parse("*9999=undeliverable") == FailureRule("*9999", "undeliverable")
    with pytest.raises(ValueError):
        FailureRule.parse("*9999=explode")
