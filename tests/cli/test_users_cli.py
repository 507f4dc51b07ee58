"""An admin manages users from the command line."""

from __future__ import annotations

import pytest
from tests.fixtures.commands import cli

pytestmark = pytest.mark.db


def test_add_list_reset_totp_disable(cli_env, capsys):
    code, out, err = cli(capsys, "users", "add", "li.na", "--role", "collector", "--team", "east",
                         "--name", "李娜")  # fmt: skip
    assert code == 0, err
    first = out.rsplit(": ", 1)[1].strip()
    assert len(first) >= 12
    code, out, _ = cli(capsys, "users", "list")
    assert "li.na\tcollector\teast\tactive" in out
    code, out, _ = cli(capsys, "users", "reset", "li.na")
    assert code == 0 and first not in out
    code, out, _ = cli(capsys, "users", "totp", "li.na")
    assert out.startswith("otpauth://totp/arrears:li.na?")
    assert cli(capsys, "users", "disable", "li.na")[0] == 0
    assert "disabled totp" in cli(capsys, "users", "list")[1]
    code, _, err = cli(capsys, "users", "add", "bob", "--role", "boss")
    assert code == 2 and "not a role" in err
