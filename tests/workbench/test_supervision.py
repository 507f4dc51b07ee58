"""The supervisor console's services on a hand-made month: figures, scoping, approvals, overrides,
reassignment and the audit trail (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from arrears.channels.fake import FakeChannel
from arrears.compliance.rulebooks import load_rulebooks
from arrears.errors import Conflict, InvalidInput
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dispatcher import Dispatcher, DispatchSettings
from arrears.payments.settlements import NotAuthorised
from arrears.store.records import AuditEventRecord, OutboxRecord, TaskRecord
from arrears.store.records.supervision import OverrideRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.repositories.supervision import AuditFilter
from arrears.templates import load_templates
from arrears.workbench import approvals, supervision, trail
from arrears.workbench.supervision import NotAllowed, Period
from tests.payments.resolution_seed import policies
from tests.workbench import supervision_seed as seed

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
NOVEMBER = Period(seed.TODAY.replace(day=1), seed.TODAY)


@pytest.fixture
def world(uow_factory):
    return seed.build(uow_factory)


def who(uow_factory, username):
    with uow_factory() as uow:
        return supervision.user_principal(uow, username)


def board(uow_factory, username, period=NOVEMBER):
    with uow_factory() as uow:
        return supervision.dashboard(uow=uow, me=who(uow_factory, username), period=period)


class TestFigures:
    def test_each_collectors_month_is_counted_from_what_they_recorded(self, uow_factory, world):
        people = {c.username: c for c in board(uow_factory, "sup.a").collectors}
        a1, a2 = people["col.a1"], people["col.a2"]
        assert a1.counts["accounts_worked"] == 2  # A1 and A2; the note is on A1 again
        assert (a1.counts["calls"], a1.counts["rpc"]) == (3, 1)  # today's no-answer counts
        assert a1.rpc_rate == pytest.approx(1 / 3)
        assert (a1.counts["promises"], a1.promised) == (1, {"CNY": 30_000})
        assert (a1.counts["kept"], a1.counts["partial"], a1.counts["broken"]) == (1, 1, 1)
        assert a1.kept_rate == pytest.approx(1 / 3)
        assert a1.collected == {"CNY": 5_000}  # ¥20.00 on A2 was reversed
        assert (a1.counts["blocked"], a1.counts["review"]) == (1, 0)
        assert (a2.counts["rpc"], a2.collected, a2.counts["review"]) == (1, {"CNY": 7_000}, 1)

    def test_the_team_is_the_sum_of_its_people_against_its_targets(self, uow_factory, world):
        team = board(uow_factory, "sup.a").teams[0]
        assert (team.name, team.members) == ("Team A", 2)
        assert team.collected == {"CNY": 12_000} and team.counts["rpc"] == 2
        targets = {(t.kpi, t.currency): t for t in team.targets}
        # 15 working days from 2 to 20 November, two collectors
        assert NOVEMBER.working_days == 15
        assert targets[("accounts_worked", None)].target == 2 * 15 * 2
        assert targets[("collected", "CNY")].target == 10_000 * 15 * 2
        assert targets[("collected", "CNY")].attainment == pytest.approx(12_000 / 300_000)
        assert targets[("kept_rate", None)].target == 0.5

    def test_work_outside_the_period_does_not_count(self, uow_factory, world):
        october = Period(datetime(2026, 10, 1).date(), datetime(2026, 10, 31).date())
        people = {c.username: c for c in board(uow_factory, "sup.a", october).collectors}
        assert people["col.a1"].counts["rpc"] == 1  # the call of 30 October
        assert people["col.a2"].counts["accounts_worked"] == 0

    def test_todays_queue_per_collector(self, uow_factory, world):
        with uow_factory() as uow:  # col.a2 took A3 with "next account" a minute ago
            uow.workbench.claim([world.accounts["A3"]], user_id=world.users["col.a2"],
                                at=seed.NOW - timedelta(minutes=1),
                                until=seed.NOW + timedelta(minutes=9))  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            rows = supervision.queue_status(uow=uow, me=who(uow_factory, "sup.a"), now=seed.NOW)
        mine = {r.username: r for r in rows}
        assert (mine["col.a1"].planned, mine["col.a1"].worked, mine["col.a1"].remaining) == \
            (2, 1, 1)  # fmt: skip
        assert mine["col.a1"].overdue_tasks == 1
        assert (mine["col.a2"].planned, mine["col.a2"].remaining) == (1, 1)
        assert (mine["col.a2"].working, mine["col.a2"].current) == (True, "A3")
        assert (mine["col.a1"].working, mine["col.a1"].current) == (False, None)
        assert "col.b1" not in mine

    def test_a_bad_period_is_refused(self):
        with pytest.raises(InvalidInput, match="ends"):
            Period(datetime(2026, 11, 5).date(), datetime(2026, 11, 1).date())


class TestScope:
    def test_a_supervisor_sees_only_their_team(self, uow_factory, world):
        a, b = board(uow_factory, "sup.a"), board(uow_factory, "sup.b")
        assert [t.name for t in a.teams] == ["Team A"] and [t.name for t in b.teams] == ["Team B"]
        assert {c.username for c in b.collectors} == {"sup.b", "col.b1"}

    def test_compliance_and_administrators_see_every_team(self, uow_factory, world):
        for name in ("comp", "admin"):
            assert [t.name for t in board(uow_factory, name).teams] == ["Team A", "Team B"]

    def test_a_collector_may_not_see_team_figures(self, uow_factory, world):
        with pytest.raises(NotAllowed):
            board(uow_factory, "col.a1")

    def test_a_supervisor_without_a_team_sees_nothing(self, uow_factory, world):
        seed.add_person(uow_factory, "sup.none", "supervisor", None)
        assert board(uow_factory, "sup.none").teams == []


def dispatch(uow_factory) -> None:
    fake = FakeChannel("sms")
    adapters = AdapterSet([ChannelConfig(None, "sms", "fake", {"channel": "sms"}, "demo")],
                          factory=lambda name, settings: fake)  # fmt: skip
    Dispatcher(uow_factory, adapters, load_templates(ROOT / "config" / "templates"),
               load_rulebooks(ROOT / "config" / "rulebooks"), lambda: seed.NOW,
               DispatchSettings()).run()  # fmt: skip


def decide(uow_factory, kind, item, approve, name="comp", reason="checked the notice"):
    with uow_factory() as uow:
        record = approvals.decide_review(uow=uow, me=who(uow_factory, name), kind=kind,
                                         item_id=item, approve=approve, reason=reason,
                                         at=seed.NOW)  # fmt: skip
        uow.commit()
        return record.id


class TestOverrides:
    def test_an_approved_review_goes_out_once_through_the_outbox(self, uow_factory, world):
        decide(uow_factory, "planned", world.actions["review"], True)
        with uow_factory() as uow:
            action = uow.supervision.planned_action(world.actions["review"])
            assert action.status == "planned" and "overridden by user:comp" in action.reason
            row = uow.session.scalars(select(OutboxRecord)).one()
            assert row.details["overridden_rules"] == ["US-CEASE-02"]
        dispatch(uow_factory)
        with uow_factory() as uow:
            assert uow.session.scalars(select(OutboxRecord.status)).all() == ["sent"]
            events = uow.session.scalars(select(AuditEventRecord.action).where(
                AuditEventRecord.action.like("override.%"))).all()  # fmt: skip
            assert events == ["override.approved"]

    def test_a_block_cannot_be_overridden(self, uow_factory, world):
        with pytest.raises(Conflict, match="not held for review"):
            decide(uow_factory, "planned", world.actions["block"], True)
        with uow_factory() as uow:  # the BLOCK item is not even on the list
            items = approvals.review_items(uow=uow, me=who(uow_factory, "comp"),
                                           today=seed.TODAY)  # fmt: skip
            assert [i.id for i in items] == [world.actions["review"]]
            assert uow.supervision.planned_action(world.actions["block"]).status == "suppressed"
            assert uow.session.scalars(select(OverrideRecord)).all() == []

    def test_a_held_message_with_a_block_finding_is_refused(self, uow_factory, world):
        row_id = held(uow_factory, world, [seed.REVIEW, seed.BLOCK])
        with pytest.raises(Conflict, match="BLOCK cannot be overridden"):
            decide(uow_factory, "outbox", row_id, True)

    def test_the_send_time_check_still_stops_what_became_blocked(self, uow_factory, world):
        decide(uow_factory, "planned", world.actions["review"], True)
        with uow_factory() as uow:  # a dispute arrives before the message goes
            account = uow.accounts.get(world.accounts["A3"])
            account.holds = [{"kind": "dispute", "since": "2026-11-20T08:00:00+00:00"}]
            uow.commit()
        dispatch(uow_factory)
        with uow_factory() as uow:
            row = uow.session.scalars(select(OutboxRecord)).one()
            assert row.status == "cancelled" and "CN-CC-01" in (row.last_error or "")

    def test_a_held_message_approved_is_pending_again_and_refused_is_cancelled(
        self, uow_factory, world
    ):
        first, second = (
            held(uow_factory, world, [seed.REVIEW]),
            held(uow_factory, world, [seed.REVIEW], "k2"),
        )
        decide(uow_factory, "outbox", first, True)
        decide(uow_factory, "outbox", second, False, reason="no: the notice is a demand")
        with uow_factory() as uow:
            one, two = uow.supervision.outbox_row(first), uow.supervision.outbox_row(second)
            assert one.status == "pending" and one.details["overridden_rules"] == ["US-CEASE-02"]
            assert two.status == "cancelled" and "the notice is a demand" in two.last_error
            decided = approvals.overrides(uow=uow, me=who(uow_factory, "comp"))
            assert [(r.decision, r.outbox_id) for r, _ in decided] == \
                [("refused", second), ("approved", first)]  # fmt: skip

    def test_a_refused_review_is_suppressed_with_the_reason(self, uow_factory, world):
        decide(uow_factory, "planned", world.actions["review"], False, reason="not lawful here")
        with uow_factory() as uow:
            action = uow.supervision.planned_action(world.actions["review"])
            assert action.status == "suppressed" and action.suppressed_by == "US-CEASE-02"
            assert "not lawful here" in action.reason
            assert uow.session.scalars(select(OutboxRecord)).all() == []

    def test_only_compliance_decides_and_always_with_a_reason(self, uow_factory, world):
        with pytest.raises(NotAllowed):
            decide(uow_factory, "planned", world.actions["review"], True, name="sup.a")
        with pytest.raises(InvalidInput, match="reason"):
            decide(uow_factory, "planned", world.actions["review"], True, reason=" ")

    def test_the_dispatcher_accepts_a_review_only_of_the_overridden_rules(self):
        from arrears.outbox.dispatcher import _accepted

        class Composed:
            reviewed: frozenset[str] = frozenset()

        row = {"details": {"overridden_rules": ["US-CEASE-02"]}}
        review = {"verdict": "REVIEW", "rules": ["US-CEASE-02"]}
        assert _accepted(review, Composed(), row)  # type: ignore[arg-type]
        assert not _accepted({"verdict": "REVIEW", "rules": ["US-CEASE-02", "US-ATTY-01"]},
                             Composed(), row)  # type: ignore[arg-type]  # fmt: skip
        assert not _accepted({"verdict": "BLOCK", "rules": ["US-CEASE-02"]}, Composed(), row)  # type: ignore[arg-type]
        assert not _accepted(review, Composed(), {"details": {}})  # type: ignore[arg-type]


def held(uow_factory, world, findings, key="k1") -> int:
    """An outbox row the dispatcher held for review."""
    with uow_factory() as uow:
        account = uow.accounts.get(world.accounts["A3"])
        row_id = uow.outbox.add(
            dedup_key=key, account_id=account.id, debtor_id=account.debtor_id,
            client_id=account.client_id, channel="sms", template="cn_overdue_d1",
            contact_to="+8613800138000", not_before=seed.NOW, created_at=seed.NOW,
            updated_at=seed.NOW, status="held", findings=findings,
        )  # fmt: skip
        uow.commit()
        assert row_id is not None
        return row_id


class TestSettlementApprovals:
    def decide(self, uow_factory, name, settlement, approve=True):
        with uow_factory() as uow:
            record = approvals.decide_settlement(
                uow=uow, me=who(uow_factory, name), settlement_id=settlement, approve=approve,
                reason="agreed on the call", at=seed.NOW, policies=policies(),
            )  # fmt: skip
            uow.commit()
            return record.status

    def test_within_the_supervisors_authority_it_is_accepted(self, uow_factory, world):
        settlement = seed.propose(uow_factory, "A1", 400_000, world)
        with uow_factory() as uow:
            items = approvals.pending_settlements(uow=uow, me=who(uow_factory, "sup.a"),
                                                  policies=policies())  # fmt: skip
            assert [(i.settlement.id, i.may_approve) for i in items] == [(settlement, True)]
        assert self.decide(uow_factory, "sup.a", settlement) == "accepted"
        with uow_factory() as uow:
            task = uow.session.scalars(select(TaskRecord).where(
                TaskRecord.kind == "settlement_approval")).one()  # fmt: skip
            assert task.status == "done"

    def test_above_it_the_supervisor_is_refused_and_it_keeps_waiting(self, uow_factory, world):
        settlement = seed.propose(uow_factory, "A1", 370_000, world)
        with uow_factory() as uow:
            items = approvals.pending_settlements(uow=uow, me=who(uow_factory, "sup.a"),
                                                  policies=policies())  # fmt: skip
            assert items[0].may_approve is False
        for approve in (True, False):  # only those who could approve it may refuse it
            with pytest.raises(NotAuthorised):
                self.decide(uow_factory, "sup.a", settlement, approve)
        with uow_factory() as uow:
            assert uow.resolution.settlement(settlement).status == "pending_approval"

    def test_a_manager_decides_what_is_above_a_supervisors_authority(self, uow_factory, world):
        seed.add_person(uow_factory, "mgr", "manager", None)
        settlement = seed.propose(uow_factory, "A1", 370_000, world)
        with uow_factory() as uow:
            items = approvals.pending_settlements(uow=uow, me=who(uow_factory, "mgr"),
                                                  policies=policies())  # fmt: skip
            assert [(i.settlement.id, i.may_approve) for i in items] == [(settlement, True)]
        assert self.decide(uow_factory, "mgr", settlement) == "accepted"

    def test_a_refusal_keeps_the_reason(self, uow_factory, world):
        settlement = seed.propose(uow_factory, "A1", 400_000, world)
        assert self.decide(uow_factory, "sup.a", settlement, approve=False) == "rejected"
        with uow_factory() as uow:
            assert uow.resolution.settlement(settlement).reason == "agreed on the call"

    def test_another_team_and_other_roles_may_not_decide(self, uow_factory, world):
        settlement = seed.propose(uow_factory, "A1", 400_000, world)
        for name in ("sup.b", "comp", "col.a1"):
            with pytest.raises(NotAllowed):
                self.decide(uow_factory, name, settlement)


class TestReassign:
    def test_a_selection_moves_with_a_reason_a_task_and_an_audit_event(self, uow_factory, world):
        me = who(uow_factory, "sup.a")
        with uow_factory() as uow:
            rows = supervision.select_accounts(
                uow=uow, me=me, today=seed.TODAY, where=supervision.AccountFilter(assignee="col.a1")
            )
            assert sorted(r["account_ref"] for r in rows) == ["A1", "A2"]
            ids = [r["account_id"] for r in rows]
            moved = supervision.reassign(uow=uow, me=me, account_ids=ids, reason="leave",
                                         at=seed.NOW, to_user="col.a2")  # fmt: skip
            uow.commit()
        assert {m.owner for m in moved} == {"col.a2"}
        with uow_factory() as uow:
            assert uow.accounts.get(world.accounts["A2"]).assignee_id == world.users["col.a2"]
            assert (
                uow.supervision.audit_page(AuditFilter(action="account.reassigned"), 10, 0)[1] == 2
            )

    def test_another_teams_account_cannot_be_moved(self, uow_factory, world):
        with uow_factory() as uow, pytest.raises(NotAllowed):
            supervision.reassign(uow=uow, me=who(uow_factory, "sup.a"), reason="x", at=seed.NOW,
                                 account_ids=[world.accounts["B1"]], to_user="col.a1")  # fmt: skip


class TestAuditTrail:
    def page(self, uow_factory, name, **where):
        page = where.pop("page", 1)
        with uow_factory() as uow:
            found = trail.audit_trail(
                uow=uow,
                me=who(uow_factory, name),
                where=AuditFilter(**where),
                page=page,
                per_page=3,
            )
            return [(e.actor, e.action) for e in found.events], found.total, found.pages

    def test_filters_by_action_prefix_entity_actor_and_dates(self, uow_factory, world):
        events, total, pages = self.page(uow_factory, "admin", action="payment.")
        assert total == 5 and pages == 2 and len(events) == 3  # four payments and a reversal
        assert self.page(uow_factory, "admin", entity="user")[1] == 7
        assert self.page(uow_factory, "admin", actor="nobody")[1] == 0
        late = datetime(2026, 11, 11, tzinfo=UTC)
        assert self.page(uow_factory, "admin", action="payment.", start=late)[1] == 1
        assert self.page(uow_factory, "admin", action="payment.", end=late)[1] == 4
        second = self.page(uow_factory, "admin", action="payment.", page=2)[0]
        assert len(second) == 2

    def test_a_supervisor_sees_the_events_of_their_teams_people(self, uow_factory, world):
        with uow_factory() as uow:
            for actor in ("user:col.a1", "user:col.b1"):
                uow.audit.append(AuditEvent(seed.NOW, actor, "account.viewed", "account", "1"))
            uow.commit()
        assert self.page(uow_factory, "sup.a", action="account.viewed")[0] == \
            [("user:col.a1", "account.viewed")]  # fmt: skip
        assert self.page(uow_factory, "comp", action="account.viewed")[1] == 2

    def test_the_chain_check_finds_a_changed_event(self, uow_factory, world):
        with uow_factory() as uow:
            assert trail.verify_trail(uow=uow, me=who(uow_factory, "comp")) is None
            victim = uow.session.scalars(select(AuditEventRecord.id).order_by(
                AuditEventRecord.id).offset(2).limit(1)).one()  # fmt: skip
            uow.session.execute(update(AuditEventRecord).where(AuditEventRecord.id == victim)
                                .values(actor="someone else"))  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            assert trail.verify_trail(uow=uow, me=who(uow_factory, "comp")) == victim

    def test_legal_reads_every_event(self, uow_factory, world):
        seed.add_person(uow_factory, "lawyer", "legal", None)
        assert self.page(uow_factory, "lawyer", entity="user")[1] == 8

    def test_a_collector_may_not_read_the_trail(self, uow_factory, world):
        with pytest.raises(NotAllowed):
            self.page(uow_factory, "col.a1")
