"""The console without a browser: approvals and overrides by a named user whose role is read from
the store, never claimed on the command line (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.fixtures.commands import cli
from tests.workbench import supervision_seed as seed

from arrears.config import get_settings
from arrears.store.records import AuditEventRecord

pytestmark = pytest.mark.db


@pytest.fixture
def world(cli_env, uow_factory, monkeypatch):
    monkeypatch.setenv("ARREARS_NOW", seed.NOW.isoformat())
    get_settings.cache_clear()
    return seed.build(uow_factory)


def test_a_supervisor_lists_and_approves_a_settlement_in_their_authority(world, uow_factory,
                                                                          capsys):  # fmt: skip
    within = seed.propose(uow_factory, "A1", 400_000, world)
    above = seed.propose(uow_factory, "A3", 370_000, world)
    code, out, err = cli(capsys, "approvals", "list", "--by", "sup.a")
    assert code == 0, err
    assert f"{within}\tA1" in out and "yours to decide" in out
    assert f"{above}\tA3" in out and "above your authority" in out
    code, out, err = cli(capsys, "approvals", "approve", str(within), "--by", "sup.a",
                         "--reason", "hardship shown")  # fmt: skip
    assert code == 0 and f"settlement {within}: accepted" in out, err
    code, _, err = cli(capsys, "approvals", "approve", str(above), "--by", "sup.a",
                       "--reason", "please")  # fmt: skip
    assert code != 0 and "may not approve" in err
    with uow_factory() as uow:
        assert uow.resolution.settlement(above).status == "pending_approval"
        actors = uow.session.scalars(select(AuditEventRecord.actor).where(
            AuditEventRecord.action == "settlement.approved")).all()  # fmt: skip
        assert actors == ["user:sup.a"]


def test_roles_come_from_the_store(world, uow_factory, capsys):
    settlement = seed.propose(uow_factory, "A1", 400_000, world)
    for name in ("col.a1", "comp", "sup.b"):
        code, _, err = cli(capsys, "approvals", "approve", str(settlement), "--by", name,
                           "--reason", "mine")  # fmt: skip
        assert code != 0, name
    code, _, err = cli(capsys, "approvals", "list", "--by", "nobody")
    assert code != 0 and "no active user" in err
    code, _, err = cli(capsys, "approvals", "approve", str(settlement), "--by", "sup.a",
                       "--role", "manager", "--reason", "x")  # fmt: skip
    assert code != 0 and "--role" in err  # there is no --role to claim


def test_compliance_overrides_a_review_item_and_a_block_stays(world, capsys):
    code, out, err = cli(capsys, "overrides", "list", "--by", "comp")
    assert code == 0, err
    assert f"planned\t{world.actions['review']}\tA3\tsms\tUS-CEASE-02" in out
    code, _, err = cli(capsys, "overrides", "approve", "planned", str(world.actions["block"]),
                       "--by", "comp", "--reason", "x")  # fmt: skip
    assert code != 0 and "not held for review" in err
    code, out, err = cli(capsys, "overrides", "approve", "planned", str(world.actions["review"]),
                         "--by", "comp", "--reason", "notice of remedy only")  # fmt: skip
    assert code == 0 and "approved (US-CEASE-02); message" in out, err
    code, _, err = cli(capsys, "overrides", "refuse", "planned", str(world.actions["review"]),
                       "--by", "sup.a", "--reason", "x")  # fmt: skip
    assert code != 0
    code, out, _ = cli(capsys, "overrides", "history", "--by", "comp")
    assert "approved\tUS-CEASE-02\tuser:comp\tnotice of remedy only" in out


def test_team_figures_and_queues(world, capsys):
    code, out, err = cli(capsys, "supervise", "figures", "--by", "sup.a")
    assert code == 0, err
    assert "2026-11-01 .. 2026-11-20 (15 working days)" in out
    assert "Col.A1\tTeam A\tworked 2\trpc 1/3\tpromises 1\tkept 33%\tcollected 50.00 CNY" in out
    assert "\tcollected: 50.00 CNY of 1500.00 CNY (3%)" in out
    assert "Col.B1" not in out
    code, out, err = cli(capsys, "supervise", "queues", "--by", "sup.a")
    assert "col.a1\tTeam A\tplanned 2\tworked 1\tremaining 1\toffline\toverdue 1" in out
