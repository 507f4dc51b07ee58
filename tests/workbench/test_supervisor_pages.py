"""The console as a browser sees it: who may open what, CSRF, team scoping (both backends)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from arrears.store.records import AuditEventRecord
from arrears.store.records.resolution import SettlementRecord
from arrears.store.records.supervision import OverrideRecord
from tests.fixtures.staff import Clock, sign_in, staff_app
from tests.workbench import supervision_seed as seed

pytestmark = pytest.mark.db
PAGES = ("/supervisor", "/supervisor/approvals", "/supervisor/reassign", "/supervisor/audit",
         "/supervisor/collectors/2")  # fmt: skip
POSTS = ("/supervisor/approvals/settlements/1", "/supervisor/approvals/reviews/planned/1",
         "/supervisor/reassign")  # fmt: skip


@pytest.fixture
def world(uow_factory):
    return seed.build(uow_factory)


@pytest.fixture
def app(uow_factory, world):
    return staff_app(uow_factory, Clock(seed.NOW))


def test_a_collector_gets_403_on_every_console_page_and_post(app, world, uow_factory):
    settlement = seed.propose(uow_factory, "A1", 400_000, world)
    collector = sign_in(app, "col.a1")
    for path in PAGES:
        assert collector.client.get(path).status_code == 403, path
    for path in (*POSTS, f"/supervisor/approvals/settlements/{settlement}"):
        answer = collector.post(path, {"decision": "approve", "reason": "x", "account": "1",
                                       "to_user": "col.a1"})  # fmt: skip
        assert answer.status_code == 403, path
    with uow_factory() as uow:
        assert uow.resolution.settlement(settlement).status == "pending_approval"


def test_a_post_without_the_sessions_csrf_token_is_refused(app, world, uow_factory):
    settlement = seed.propose(uow_factory, "A1", 400_000, world)
    supervisor = sign_in(app, "sup.a")
    answer = supervisor.client.post(
        f"/supervisor/approvals/settlements/{settlement}",
        data={"decision": "approve", "reason": "ok", "csrf": "forged"},
    )
    assert answer.status_code == 403
    with uow_factory() as uow:
        assert uow.resolution.settlement(settlement).status == "pending_approval"


def test_a_supervisor_sees_their_own_team_and_not_another(app, world):
    supervisor = sign_in(app, "sup.a")
    page = supervisor.client.get("/supervisor")
    assert page.status_code == 200
    assert "Team A" in page.text and "Col.A1" in page.text and "Col.A2" in page.text
    assert "Team B" not in page.text and "Col.B1" not in page.text
    other = supervisor.client.get(f"/supervisor/collectors/{world.users['col.b1']}")
    assert other.status_code == 404 and "Col.B1" not in other.text
    reassign = supervisor.client.get("/supervisor/reassign")
    assert ">A1<" in reassign.text and ">B1<" not in reassign.text
    b = sign_in(app, "sup.b")
    assert "Col.A1" not in b.client.get("/supervisor").text


def test_compliance_sees_every_team(app, world):
    officer = sign_in(app, "comp")
    page = officer.client.get("/supervisor")
    assert "Team A" in page.text and "Team B" in page.text


def test_the_dashboard_shows_figures_against_targets(app, world):
    page = sign_in(app, "sup.a").client.get("/supervisor?from=2026-11-01&to=2026-11-20")
    assert "15 working days" in page.text
    assert "¥120.00" in page.text  # collected by the team: 50 + 70 (the 20 was reversed)
    assert "¥3,000.00" in page.text  # the team's target: ¥100 × 15 days × 2 collectors
    assert "33%" in page.text  # kept rate: 1 of 3 judged


def test_a_supervisor_approves_a_settlement_within_their_authority(app, world, uow_factory):
    settlement = seed.propose(uow_factory, "A1", 400_000, world)  # about 19 % off
    supervisor = sign_in(app, "sup.a")
    page = supervisor.client.get("/supervisor/approvals")
    assert f"Settlement {settlement}" in page.text
    done = supervisor.post(f"/supervisor/approvals/settlements/{settlement}",
                           {"decision": "approve", "reason": "hardship shown"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].endswith("done=approved")
    with uow_factory() as uow:
        record = uow.resolution.settlement(settlement)
        assert (record.status, record.decided_by, record.decided_role) == \
            ("accepted", "user:sup.a", "supervisor")  # fmt: skip
    trail = supervisor.client.get("/supervisor/audit?action=settlement.")
    assert "settlement.approved" in trail.text and "hardship shown" in trail.text


def test_a_discount_above_the_supervisors_authority_waits_for_a_manager(app, world, uow_factory):
    settlement = seed.propose(uow_factory, "A1", 370_000, world)  # about 25 % off
    supervisor = sign_in(app, "sup.a")
    assert "a manager must decide" in supervisor.client.get("/supervisor/approvals").text
    refused = supervisor.post(f"/supervisor/approvals/settlements/{settlement}",
                              {"decision": "approve", "reason": "please"})  # fmt: skip
    assert refused.status_code == 403 and "may not approve" in refused.text
    with uow_factory() as uow:
        assert uow.resolution.settlement(settlement).status == "pending_approval"


def test_another_teams_supervisor_cannot_decide_the_settlement(app, world, uow_factory):
    settlement = seed.propose(uow_factory, "A1", 400_000, world)
    other = sign_in(app, "sup.b")
    assert f"Settlement {settlement}" not in other.client.get("/supervisor/approvals").text
    answer = other.post(f"/supervisor/approvals/settlements/{settlement}",
                        {"decision": "approve", "reason": "mine now"})  # fmt: skip
    assert answer.status_code == 403
    with uow_factory() as uow:
        assert uow.session.get(SettlementRecord, settlement).status == "pending_approval"


def test_compliance_overrides_a_review_item_with_a_reason(app, world, uow_factory):
    officer = sign_in(app, "comp")
    page = officer.client.get("/supervisor/approvals")
    assert "US-CEASE-02" in page.text and "Settlements above" not in page.text
    path = f"/supervisor/approvals/reviews/planned/{world.actions['review']}"
    missing = officer.post(path, {"decision": "approve", "reason": "  "})
    assert missing.status_code == 422 and "needs a reason" in missing.text
    done = officer.post(path, {"decision": "approve", "reason": "notice of remedy, checked"})
    assert done.status_code == 303
    with uow_factory() as uow:
        record = uow.session.scalars(select(OverrideRecord)).one()
        assert (record.decision, record.rules) == ("approved", ["US-CEASE-02"])
    assert "notice of remedy, checked" in officer.client.get("/supervisor/approvals").text


def test_a_supervisor_may_not_override_compliance(app, world):
    supervisor = sign_in(app, "sup.a")
    page = supervisor.client.get("/supervisor/approvals")
    assert "US-CEASE-02" not in page.text
    answer = supervisor.post(f"/supervisor/approvals/reviews/planned/{world.actions['review']}",
                             {"decision": "approve", "reason": "I say so"})  # fmt: skip
    assert answer.status_code == 403


def test_reassigning_a_selection_moves_it_with_a_reason(app, world, uow_factory):
    supervisor = sign_in(app, "sup.a")
    listing = supervisor.client.get("/supervisor/reassign?assignee=col.a1")
    ids = re.findall(r'name="account" value="(\d+)"', listing.text)
    assert sorted(ids) == sorted(str(world.accounts[r]) for r in ("A1", "A2"))
    moved = supervisor.post(
        "/supervisor/reassign", {"account": ids, "to_user": "col.a2", "reason": "col.a1 on leave"}
    )  # type: ignore[dict-item]
    assert moved.status_code == 303 and "n=2" in moved.headers["location"]
    with uow_factory() as uow:
        assert uow.accounts.get(world.accounts["A1"]).assignee_id == world.users["col.a2"]
        events = uow.session.scalars(select(AuditEventRecord).where(
            AuditEventRecord.action == "account.reassigned")).all()  # fmt: skip
        assert len(events) == 2 and all(e.actor == "user:sup.a" for e in events)


def test_a_supervisor_cannot_move_another_teams_account(app, world, uow_factory):
    supervisor = sign_in(app, "sup.a")
    answer = supervisor.post(
        "/supervisor/reassign",
        {"account": str(world.accounts["B1"]), "to_user": "col.a1", "reason": "grab"},
    )
    assert answer.status_code == 403
    with uow_factory() as uow:
        assert uow.accounts.get(world.accounts["B1"]).assignee_id == world.users["col.b1"]


def test_the_audit_trail_filters_pages_and_checks_the_chain(app, world):
    admin = sign_in(app, "admin")
    everything = admin.client.get("/supervisor/audit")
    assert everything.status_code == 200 and "page 1 of" in everything.text
    users = admin.client.get("/supervisor/audit?action=user.added&entity=user")
    assert users.text.count("<code>user.added</code>") == 7
    assert "payment." not in users.text
    none = admin.client.get("/supervisor/audit?from=2030-01-01")
    assert "No event matches." in none.text
    bad = admin.client.get("/supervisor/audit?from=yesterday")
    assert bad.status_code == 422 and "must be a date" in bad.text
    checked = admin.client.get("/supervisor/audit?verify=1")
    assert "The chain is intact" in checked.text


def test_pages_speak_chinese_to_a_chinese_speaker(uow_factory, world):
    seed.add_person(uow_factory, "zhu.guan", "supervisor", "Team A", language="zh-CN")
    app = staff_app(uow_factory, Clock(seed.NOW))
    page = sign_in(app, "zhu.guan").client.get("/supervisor")
    assert '<html lang="zh-CN">' in page.text and "团队" in page.text
