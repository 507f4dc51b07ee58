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


def test_a_users_time_zone_is_set_when_added_and_changed_later(cli_env, capsys, uow_factory):
    code, _, err = cli(capsys, "users", "add", "amy", "--role", "collector",
                       "--time-zone", "America/New_York")  # fmt: skip
    assert code == 0, err
    code, _, err = cli(capsys, "users", "add", "ben", "--role", "collector", "--time-zone", "EST5")
    assert code == 2 and "not an IANA zone" in err
    code, out, err = cli(capsys, "users", "time-zone", "amy", "Europe/London")
    assert code == 0 and "Europe/London" in out, err
    assert cli(capsys, "users", "time-zone", "nobody", "UTC")[0] != 0
    with uow_factory() as uow:
        assert uow.users.by_username("amy").time_zone == "Europe/London"
