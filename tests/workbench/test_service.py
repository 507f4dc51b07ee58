"""The collector's day as use cases (both backends): queue, next, search, 360, outcomes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from arrears.compliance.rulebooks import load_rulebooks
from arrears.core.roles import Principal, Role
from arrears.errors import InvalidInput, NotFound
from arrears.payments.policy import load_policies
from arrears.store.records import AuditEventRecord, PromiseRecord, TaskRecord
from arrears.workbench import service
from arrears.workbench.outcomes import Outcome, record_outcome
from arrears.workbench.scripts import bundled
from arrears.workbench.view import open_account
from tests.workbench.workbench_seed import AT, TODAY, seed_floor

pytestmark = pytest.mark.db
CONFIG = Path(__file__).resolve().parents[2] / "config"
RULEBOOKS = load_rulebooks(CONFIG / "rulebooks")
POLICY = load_policies(CONFIG / "resolution").for_client("acme", "CN")


def who(floor, username: str, role: Role = Role.COLLECTOR, team: int | None = None,
        locale: str = "en-US") -> Principal:  # fmt: skip
    return Principal(user_id=floor.users[username], username=username, display_name=username,
                     role=role, team_id=team, locale=locale, csrf="x")  # fmt: skip


def team_of(uow_factory, user_id: int) -> int | None:
    with uow_factory() as uow:
        return uow.users.get(user_id).team_id


@pytest.fixture
def floor(uow_factory):
    return seed_floor(uow_factory)


def collector(uow_factory, floor, name: str = "li.wei") -> Principal:
    return who(floor, name, team=team_of(uow_factory, floor.users[name]))


def refs(items) -> list[str]:
    return [i.account_ref for i in items]


def test_the_queue_shows_my_accounts_and_my_teams_queue_by_the_plans_priority(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        mine = service.queue(uow=uow, me=li, today=TODAY, now=AT)
    assert refs(mine) == ["CN-1", "CN-5", "CN-2"]
    assert mine[0].reason.startswith("segment early")


def test_a_supervisor_sees_the_team_and_compliance_sees_everything(uow_factory, floor):
    east = team_of(uow_factory, floor.users["chen.jing"])
    chen = who(floor, "chen.jing", Role.SUPERVISOR, team=east)
    gao = who(floor, "gao.yan", Role.COMPLIANCE)
    with uow_factory() as uow:
        assert refs(service.queue(uow=uow, me=chen, today=TODAY, now=AT)) == [
            "CN-1",
            "CN-3",
            "CN-5",
            "CN-2",
        ]
        assert len(service.queue(uow=uow, me=gao, today=TODAY, now=AT)) == 5


def test_next_account_hands_each_collector_a_different_account(uow_factory, floor):
    li, zhang = collector(uow_factory, floor), collector(uow_factory, floor, "zhang.min")
    with uow_factory() as uow:
        first = service.take_next(uow=uow, me=li, today=TODAY, now=AT)
        uow.commit()
    with uow_factory() as uow:
        second = service.take_next(uow=uow, me=zhang, today=TODAY, now=AT)
        uow.commit()
    assert first == floor.accounts["CN-1"]
    # zhang.min's own CN-3 (priority 70) outranks the team queue's CN-5 (60).
    assert second == floor.accounts["CN-3"]


def test_a_lock_ends_with_the_outcome_and_a_worked_account_is_not_offered_again(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        taken = service.take_next(uow=uow, me=li, today=TODAY, now=AT)
        record_outcome(
            uow=uow,
            me=li,
            account_id=taken,
            at=AT,
            policy=POLICY,
            outcome=Outcome("no_answer", token="t1", point_id=floor.phones["CN-1"]),
        )
        uow.commit()
    with uow_factory() as uow:
        again = service.take_next(uow=uow, me=li, today=TODAY, now=AT + timedelta(minutes=5))
        items = service.queue(uow=uow, me=li, today=TODAY, now=AT)
    assert again == floor.accounts["CN-5"]
    assert [i.worked for i in items] == [True, False, False]


def test_two_collectors_asking_at_once_on_the_same_team_queue_get_different_accounts(
    uow_factory, floor
):
    li, zhang = collector(uow_factory, floor), collector(uow_factory, floor, "zhang.min")
    with uow_factory() as uow:  # both have worked their own accounts already
        for me, ref in ((li, "CN-1"), (li, "CN-2"), (zhang, "CN-3")):
            record_outcome(
                uow=uow,
                me=me,
                account_id=floor.accounts[ref],
                at=AT,
                policy=POLICY,
                outcome=Outcome("no_answer", token=f"w-{ref}"),
            )
        uow.commit()
    with uow_factory() as uow:
        got_li = service.take_next(uow=uow, me=li, today=TODAY, now=AT)
        uow.commit()
    with uow_factory() as uow:
        got_zhang = service.take_next(uow=uow, me=zhang, today=TODAY, now=AT)
        uow.commit()
    assert got_li == floor.accounts["CN-5"]
    assert got_zhang is None  # the only account left is being worked by li.wei


def test_search_finds_by_ref_name_and_phone_but_only_what_the_role_may_see(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        assert refs(service.search(uow=uow, me=li, text="CN-1", at=AT)) == ["CN-1"]
        assert refs(service.search(uow=uow, me=li, text="王小明", at=AT)) == ["CN-1"]
        assert refs(service.search(uow=uow, me=li, text="+86 138 0013 8002", at=AT)) == ["CN-2"]
        assert service.search(uow=uow, me=li, text="刘洋", at=AT) == []  # bob's
        assert service.search(uow=uow, me=li, text="+8613800138004", at=AT) == []


def test_the_360_view_masks_numbers_judges_each_number_and_is_audited(uow_factory, floor):
    li = collector(uow_factory, floor, "li.wei")
    gao = who(floor, "gao.yan", Role.COMPLIANCE)
    with uow_factory() as uow:
        view = open_account(uow=uow, me=li, account_id=floor.accounts["CN-1"], now=AT,
                            rulebooks=RULEBOOKS, scripts=bundled())  # fmt: skip
        full = open_account(uow=uow, me=gao, account_id=floor.accounts["CN-1"], now=AT,
                            rulebooks=RULEBOOKS, scripts=bundled())  # fmt: skip
        uow.commit()
    assert view.points[0].shown == "**********8001" and full.points[0].shown == "+8613800138001"
    assert view.national_id.endswith("001X") and "*" in view.national_id
    assert view.points[0].local_time.hour == 10
    assert [b.verdict for b in view.banner] == ["REQUIRE"]  # allowed, with the recording notice
    assert view.script is not None and view.script.name == "cn-consumer"
    assert view.balance_minor == 1_025_000 and view.dpd == 22
    with uow_factory() as uow:
        actions = [e.action for e in uow.session.query(AuditEventRecord).all()]
        assert actions.count("account.viewed") == 2


def test_the_banner_says_when_a_call_is_allowed_outside_calling_hours(uow_factory, floor):
    li = collector(uow_factory, floor)
    night = datetime(2026, 11, 23, 15, 0, tzinfo=AT.tzinfo)  # 23:00 in Shanghai
    with uow_factory() as uow:
        view = open_account(uow=uow, me=li, account_id=floor.accounts["CN-1"], now=night,
                            rulebooks=RULEBOOKS, scripts=bundled())  # fmt: skip
    banner = view.banner[0]
    assert banner.verdict == "DELAY"
    assert banner.until is not None and banner.until.hour == 0  # 08:00 Shanghai = 00:00 UTC
    assert banner.reasons


def test_a_collector_cannot_open_another_teams_account_and_the_attempt_is_audited(
    uow_factory, floor
):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        with pytest.raises(NotFound):
            open_account(uow=uow, me=li, account_id=floor.accounts["CN-4"], now=AT,
                         rulebooks=RULEBOOKS, scripts=bundled())  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        refused = uow.session.query(AuditEventRecord).filter_by(action="account.refused").all()
        assert [e.entity_id for e in refused] == [str(floor.accounts["CN-4"])]


def test_a_promise_outcome_records_the_call_and_the_promise_in_one_step(uow_factory, floor):
    li = collector(uow_factory, floor)
    outcome = Outcome("promise", token="p1", point_id=floor.phones["CN-1"], note="pays Friday",
                      amount_minor=200_000, due_on=date(2026, 11, 27))  # fmt: skip
    with uow_factory() as uow:
        done = record_outcome(uow=uow, me=li, account_id=floor.accounts["CN-1"], at=AT,
                              outcome=outcome, policy=POLICY)  # fmt: skip
        again = record_outcome(uow=uow, me=li, account_id=floor.accounts["CN-1"], at=AT,
                               outcome=outcome, policy=POLICY)  # fmt: skip
        uow.commit()
    assert again.repeated and again.created == done.created
    with uow_factory() as uow:
        promise = uow.session.get(PromiseRecord, done.created["promise"])
        account = uow.accounts.get(floor.accounts["CN-1"])
        calls = [i for i in uow.interactions.of_account(account.id) if i.channel == "call"]
        assert (promise.amount_minor, promise.due_on, promise.status) == (
            200_000,
            date(2026, 11, 27),
            "pending",
        )
        assert account.status == "promised"
        assert [(c.outcome, c.notes, c.contact_value) for c in calls] == [
            ("promise", "pays Friday", "+8613800138001")
        ]


def test_time_to_think_gets_a_deadline_task_and_a_call_back_a_reminder(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        think = record_outcome(
            uow=uow,
            me=li,
            account_id=floor.accounts["CN-1"],
            at=AT,
            outcome=Outcome("need_time", token="n1"),
            policy=POLICY,
        )
        back = record_outcome(
            uow=uow,
            me=li,
            account_id=floor.accounts["CN-2"],
            at=AT,
            policy=POLICY,
            outcome=Outcome("call_back", token="c1", follow_up_at=AT + timedelta(hours=2)),
        )
        uow.commit()
    with uow_factory() as uow:
        deadline = uow.session.get(TaskRecord, think.created["task"])
        reminders = service.my_tasks(uow=uow, me=li, now=AT + timedelta(hours=3))
        assert deadline.due_at.date() == AT.date() + timedelta(days=3)
        assert [t.id for t in reminders.tasks] == [back.created["task"], think.created["task"]]
        assert reminders.due == 1


def test_wrong_number_cease_and_dispute_reach_compliance(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        record_outcome(
            uow=uow,
            me=li,
            account_id=floor.accounts["CN-1"],
            at=AT,
            policy=POLICY,
            outcome=Outcome("wrong_number", token="w1", point_id=floor.phones["CN-1"]),
        )
        record_outcome(uow=uow, me=li, account_id=floor.accounts["CN-2"], at=AT, policy=POLICY,
                       outcome=Outcome("dispute", token="d1", reason="not_mine",
                                       note="says it is not theirs"))  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        view = open_account(uow=uow, me=li, account_id=floor.accounts["CN-1"],
                            now=AT + timedelta(minutes=1), rulebooks=RULEBOOKS,
                            scripts=bundled())  # fmt: skip
        disputed = uow.accounts.get(floor.accounts["CN-2"])
        assert disputed.status == "disputed" and disputed.holds[0]["kind"] == "dispute"
    assert view.points[0].wrong_party
    assert [b.verdict for b in view.banner] == ["BLOCK"]


def test_a_cease_request_holds_the_account(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        record_outcome(
            uow=uow,
            me=li,
            account_id=floor.accounts["CN-1"],
            at=AT,
            policy=POLICY,
            outcome=Outcome("cease", token="s1"),
        )
        uow.commit()
    with uow_factory() as uow:
        account = uow.accounts.get(floor.accounts["CN-1"])
        assert [h["kind"] for h in account.holds] == ["cease"]
        assert account.status == "on_hold"


def test_an_unknown_disposition_or_a_promise_without_an_amount_is_refused(uow_factory, floor):
    li = collector(uow_factory, floor)
    with uow_factory() as uow:
        with pytest.raises(InvalidInput, match="not one of"):
            record_outcome(uow=uow, me=li, account_id=floor.accounts["CN-1"], at=AT,
                           policy=POLICY, outcome=Outcome("shrug", token="x"))  # fmt: skip
        with pytest.raises(InvalidInput, match="amount"):
            record_outcome(uow=uow, me=li, account_id=floor.accounts["CN-1"], at=AT,
                           policy=POLICY, outcome=Outcome("promise", token="y",
                                                          due_on=date(2026, 11, 27)))  # fmt: skip
