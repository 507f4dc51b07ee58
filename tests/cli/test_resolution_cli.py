"""A collector's arrangements on the command line: promise, plan, settlement, deferral, daily."""

from __future__ import annotations

import pytest
from tests.payments.resolution_seed import ROOT, seed
from tests.workbench.supervision_seed import add_person

from arrears.cli.main import run
from arrears.config import get_settings

pytestmark = pytest.mark.db


@pytest.fixture
def cli(cli_env, capsys, monkeypatch, uow_factory):
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("ARREARS_NOW", "2026-11-20T02:00:00+00:00")
    get_settings.cache_clear()
    seed(uow_factory)  # us-agency, account A1 owing 5,000.00

    def invoke(*args: str) -> tuple[int, str]:
        code = run(list(args))
        out, err = capsys.readouterr()
        return code, out + err

    return invoke


def at_day(monkeypatch: pytest.MonkeyPatch, instant: str) -> None:
    monkeypatch.setenv("ARREARS_NOW", instant)
    get_settings.cache_clear()


def test_a_promise_taken_listed_and_broken_by_the_daily_batch(cli, monkeypatch):
    code, out = cli("promises", "add", "A1", "--amount", "1000.00", "--due", "2026-11-25",
                    "--by", "agent.li")  # fmt: skip
    assert code == 0 and "account A1 is promised" in out
    assert "pending" in cli("promises", "list", "--account", "A1")[1]
    code, out = cli("promises", "add", "A1", "--amount", "10.00", "--due", "2026-11-25")
    assert code == 2 and "min_amount" in out, "a policy limit is a clear error, not a traceback"
    at_day(monkeypatch, "2026-11-28T02:00:00+00:00")
    code, out = cli("daily")
    assert code == 0 and "promises_broken 1" in out


def test_a_plan_from_an_offer_shown_and_paid_off(cli):
    code, out = cli("plans", "offers", "A1")
    assert code == 0 and out.startswith("1: 24 payments")
    code, out = cli("plans", "create", "A1", "--offer", "3", "--channel", "portal")
    assert code == 0 and "account is in_plan" in out
    code, out = cli("plans", "show", "1")
    assert code == 0 and out.count("\tupcoming") == 3
    code, out = cli("plans", "payoff", "A1")
    assert code == 0 and "pay 5000.00 USD today" in out
    code, out = cli("plans", "payoff", "A1", "--reference", "PAYOFF-1")
    assert code == 0 and "account is paid" in out
    assert "completed" in cli("plans", "list")[1]


def test_a_settlement_above_authority_goes_through_a_task(cli, uow_factory):
    code, out = cli("settlements", "propose", "A1", "--amount", "3500.00", "--by", "agent.li")
    assert code == 0 and "pending_approval (approval task 1)" in out
    assert "settlement_approval\tsupervisor" in cli("tasks", "list")[1]
    add_person(uow_factory, "col.li", "collector", None)
    add_person(uow_factory, "mgr.zhao", "manager", None)
    # The authority is the stored user's role: nobody can claim one on the command line.
    code, out = cli("settlements", "approve", "1", "--role", "supervisor", "--by", "col.li")
    assert code != 0 and "--role" in out
    code, out = cli("settlements", "approve", "1", "--by", "col.li", "--reason", "ok")
    assert code != 0 and "may not do this" in out
    code, out = cli("settlements", "approve", "1", "--by", "mgr.zhao", "--reason", "agreed")
    assert code == 0 and "accepted" in out, out
    assert cli("tasks", "list")[1] == ""


def test_a_proposal_carries_the_authority_of_the_proposers_stored_role(cli, uow_factory):
    add_person(uow_factory, "mgr.zhao", "manager", None)
    code, out = cli("settlements", "propose", "A1", "--amount", "3500.00", "--by", "mgr.zhao")
    assert code == 0 and "accepted" in out, out


def test_a_deferral_added_listed_and_ended(cli):
    code, out = cli("deferrals", "add", "A1", "--until", "2026-12-20", "--reason", "hospital")
    assert code == 0 and "on hold until 2026-12-20" in out
    assert "active" in cli("deferrals", "list")[1]
    code, out = cli("deferrals", "end", "1")
    assert code == 0 and "ended" in out
