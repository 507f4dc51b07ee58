"""A supervisor sets up teams and skills, runs assignment, moves accounts and places some."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.fixtures.commands import cli
from tests.workbench.test_assignment import seed_accounts

pytestmark = pytest.mark.db


def ok(capsys, *args: str) -> str:
    code, out, err = cli(capsys, *args)
    assert code == 0, err
    return out


def test_teams_skills_run_move_and_absence(cli_env, uow_factory, capsys, monkeypatch):
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(Path(__file__).parents[2] / "config"))
    monkeypatch.setenv("ARREARS_NOW", "2026-11-20T09:00:00+00:00")
    seed_accounts(uow_factory, [("CN-1", "cn-consumer", "zh-CN", 100_000),
                                ("CN-2", "cn-consumer", "zh-CN", 200_000)])  # fmt: skip
    assert "team 'CN collections' added" in ok(capsys, "teams", "add", "CN collections",
                                               "--target", "collected_minor=5000000")  # fmt: skip
    for name in ("li.na", "wang.fang"):
        ok(capsys, "users", "add", name, "--role", "collector", "--team", "CN collections")
    out = ok(capsys, "users", "skills", "li.na", "--language", "zh-CN", "--skill", "b2b",
             "--capacity", "5")  # fmt: skip
    assert out.strip() == "li.na: languages zh-CN; skills b2b; capacity 5"

    out = ok(capsys, "assign", "run", "--dry-run")
    assert "would assign 2 account(s) as of 2026-11-20" in out and "2 new" in out
    out = ok(capsys, "assign", "run", "--as-of", "2026-11-20")
    assert "collector\tli.na\t1" in out and "collector\twang.fang\t1" in out
    assert "CN collections\t2 member(s)\t2 account(s)\tcollected_minor=5000000" in ok(
        capsys, "teams", "list")  # fmt: skip

    # The largest balance went first, to li.na (ties: the lower id); CN-1 to wang.fang.
    out = ok(capsys, "assign", "move", "CN-1", "--to", "li.na", "--reason", "knows the family")
    assert out.startswith("CN-1: wang.fang -> li.na (handover task")
    out = ok(capsys, "assign", "absent", "li.na", "--from", "2026-11-23", "--to", "2026-11-24",
             "--cover", "wang.fang")  # fmt: skip
    assert "covered by wang.fang" in out
    assert "2 covered" in ok(capsys, "assign", "run", "--as-of", "2026-11-23")
    history = ok(capsys, "assign", "show", "CN-1")
    assert "knows the family" in history and "(covered by wang.fang)" in history

    code, _, err = cli(capsys, "assign", "move", "NOPE", "--to", "li.na", "--reason", "x")
    assert code == 2 and "no account 'NOPE'" in err
    code, _, err = cli(capsys, "assign", "absent", "li.na", "--from", "tomorrow", "--to", "x")
    assert code == 2 and "--from must be a date" in err
    code, _, err = cli(capsys, "teams", "add", "X", "--target", "bad")
    assert code == 2 and "KEY=NUMBER" in err


def test_agencies_place_export_recall_commission(cli_env, uow_factory, capsys, tmp_path):
    seed_accounts(uow_factory, [("US-1", "us-agency", "en-US", 100_000),
                                ("US-2", "us-agency", "en-US", 50_000)])  # fmt: skip
    out = ok(capsys, "agencies", "add", "acme", "--name", "Acme Recoveries", "--rate", "0.2")
    assert out.strip() == "agency acme added (commission 0.2)"
    out = ok(capsys, "placements", "place", "--agency", "acme", "--client", "us-agency",
             "--min-dpd", "90", "--as-of", "2026-11-20")  # fmt: skip
    assert out.strip() == "2 account(s) placed with acme"
    assert "acme\tAcme Recoveries\t0.2\tactive\t2 placed" in ok(capsys, "agencies", "list")
    target = tmp_path / "acme.csv"
    out = ok(capsys, "placements", "export", "--agency", "acme", "--out", str(target),
             "--as-of", "2026-11-20")  # fmt: skip
    assert "2 placement(s) written" in out
    with target.open(encoding="utf-8-sig") as handle:
        assert [r["account_ref"] for r in csv.DictReader(handle)] == ["US-1", "US-2"]
    assert "2 placement(s)" in ok(capsys, "placements", "export", "--agency", "acme", "--out",
                                  str(tmp_path / "acme.xlsx"))  # fmt: skip

    out = ok(capsys, "placements", "recall", "US-1", "--reason", "client asked")
    assert out.strip() == "1 account(s) recalled"
    assert "US-1\tacme\trecalled" in ok(capsys, "placements", "list", "--status", "all")
    out = ok(capsys, "placements", "commission", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "acme\tUSD\trate 0.2\t0 account(s)\t0 payment(s)" in out

    code, _, err = cli(capsys, "placements", "recall", "US-1", "--reason", "again")
    assert code == 2 and "not placed" in err
    code, _, err = cli(capsys, "placements", "place", "--agency", "nope", "--client", "us-agency")
    assert code == 2 and "no agency 'nope'" in err
    code, _, err = cli(capsys, "agencies", "add", "xy", "--name", "X", "--rate", "abc")
    assert code == 2 and "not a number" in err
