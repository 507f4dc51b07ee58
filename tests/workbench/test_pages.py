"""The collector's pages through the web app (both backends): access, masking, CSRF, outcomes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from arrears.store.records import AuditEventRecord, PromiseRecord, TaskRecord
from tests.fixtures.staff import Clock, sign_in, staff_app
from tests.workbench.workbench_seed import AT, seed_floor

pytestmark = pytest.mark.db


@pytest.fixture
def floor(uow_factory):
    return seed_floor(uow_factory)


@pytest.fixture
def app(uow_factory, floor):
    return staff_app(uow_factory, Clock(AT))


def token_of(page: str) -> str:
    found = re.search(r'name="token" value="([0-9a-f]+)"', page)
    assert found, page
    return found.group(1)


def test_the_queue_lists_my_accounts_and_n_takes_the_next_one(app, floor):
    li = sign_in(app, "li.wei")
    page = li.client.get("/workbench")
    assert page.status_code == 200
    assert page.text.index("CN-1") < page.text.index("CN-5") < page.text.index("CN-2")
    assert "CN-4" not in page.text
    assert 'data-key="n"' in page.text and 'data-key="/"' in page.text
    taken = li.post("/workbench/next")
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/workbench/accounts/{floor.accounts['CN-1']}"


def test_the_account_page_shows_banner_script_and_masked_numbers(app, floor):
    li = sign_in(app, "li.wei")
    page = li.client.get(f"/workbench/accounts/{floor.accounts['CN-1']}")
    assert page.status_code == 200
    assert "**********8001" in page.text and '+8613800138001"' in page.text  # tel: link only
    assert 'data-verdict="REQUIRE"' in page.text
    assert "Right-party verification" in page.text or "核实本人身份" in page.text
    assert page.text.index("Right person confirmed") < page.text.index("To protect both of us")


def test_compliance_sees_full_numbers(app, floor):
    gao = sign_in(app, "gao.yan")
    page = gao.client.get(f"/workbench/accounts/{floor.accounts['CN-1']}")
    assert page.status_code == 200
    assert "Mobile: +8613800138001" in page.text


def test_another_teams_account_is_not_found_and_the_attempt_is_audited(app, floor, uow_factory):
    li = sign_in(app, "li.wei")
    answer = li.client.get(f"/workbench/accounts/{floor.accounts['CN-4']}")
    assert answer.status_code == 404
    assert "刘洋" not in answer.text
    missing = li.client.get("/workbench/accounts/999999")
    assert missing.status_code == 404
    recorded = li.post(f"/workbench/accounts/{floor.accounts['CN-4']}/outcome",
                       {"disposition": "no_answer", "token": "abc"})  # fmt: skip
    assert recorded.status_code == 404
    with uow_factory() as uow:
        refused = uow.session.query(AuditEventRecord).filter_by(action="account.refused").all()
        assert len(refused) == 3


def test_an_outcome_without_the_csrf_token_is_refused(app, floor, uow_factory):
    li = sign_in(app, "li.wei")
    answer = li.client.post(f"/workbench/accounts/{floor.accounts['CN-1']}/outcome",
                            data={"disposition": "no_answer", "token": "abc"})  # fmt: skip
    assert answer.status_code == 403
    with uow_factory() as uow:
        assert not uow.interactions.of_account(floor.accounts["CN-1"])


def test_a_promise_outcome_creates_the_promise_and_shows_on_the_timeline(app, floor, uow_factory):
    li = sign_in(app, "li.wei")
    account = floor.accounts["CN-1"]
    page = li.client.get(f"/workbench/accounts/{account}")
    answer = li.post(
        f"/workbench/accounts/{account}/outcome",
        {
            "disposition": "promise",
            "token": token_of(page.text),
            "amount": "2000.00",
            "due_on": "2026-11-27",
            "point_id": str(floor.phones["CN-1"]),
            "note": "pays Friday",
        },
    )
    assert answer.status_code == 303
    shown = li.client.get(answer.headers["location"])
    assert "The call was recorded." in shown.text
    assert "pays Friday" in shown.text and "Promise to pay" in shown.text
    with uow_factory() as uow:
        promise = uow.session.query(PromiseRecord).one()
        assert (promise.amount_minor, str(promise.due_on)) == (200_000, "2026-11-27")


def test_a_bad_outcome_is_explained_on_the_page(app, floor):
    li = sign_in(app, "li.wei")
    account = floor.accounts["CN-1"]
    answer = li.post(
        f"/workbench/accounts/{account}/outcome",
        {"disposition": "promise", "token": "t-1", "due_on": "2026-11-27"},
    )
    assert answer.status_code == 400
    assert "The call was not recorded" in answer.text and "amount" in answer.text


def test_search_respects_the_role(app, floor):
    li = sign_in(app, "li.wei")
    assert "CN-2" in li.client.get("/workbench/search", params={"q": "李娜"}).text
    assert "刘洋" not in li.client.get("/workbench/search", params={"q": "CN-4"}).text


def test_a_task_becomes_a_reminder_when_it_is_due(app, floor, uow_factory):
    li = sign_in(app, "li.wei")
    account = floor.accounts["CN-2"]
    added = li.post("/workbench/tasks", {"account_id": str(account), "title": "Ask for payslip",
                                         "due_at": "2026-11-23T09:30", "token": "k1"})  # fmt: skip
    assert added.status_code == 303
    tasks = li.client.get("/workbench/tasks")
    assert "Ask for payslip" in tasks.text
    assert "Reminders due: 1" in tasks.text  # 09:30 in Shanghai was half an hour ago
    with uow_factory() as uow:
        task = uow.session.query(TaskRecord).one()
        assert task.due_at.hour == 1 and task.due_at.minute == 30


def test_pages_speak_chinese(uow_factory):
    floor = seed_floor(uow_factory, language="zh-CN")
    app = staff_app(uow_factory, Clock(AT))
    li = sign_in(app, "li.wei")
    queue = li.client.get("/workbench")
    assert "今日队列" in queue.text and "下一个账户" in queue.text
    page = li.client.get(f"/workbench/accounts/{floor.accounts['CN-1']}")
    assert "核实本人身份" in page.text and "记录通话" in page.text


def test_when_everything_is_worked_next_says_so(app, floor):
    bob = sign_in(app, "bob.smith")
    first = bob.post("/workbench/next")
    assert first.headers["location"] == f"/workbench/accounts/{floor.accounts['CN-4']}"
    page = bob.client.get(first.headers["location"])
    bob.post(f"/workbench/accounts/{floor.accounts['CN-4']}/outcome",
             {"disposition": "voicemail", "token": token_of(page.text)})  # fmt: skip
    done = bob.post("/workbench/next")
    assert done.headers["location"] == "/workbench?done=1"
    assert "No account is waiting" in bob.client.get("/workbench?done=1").text


def test_times_are_shown_in_the_time_zone_the_person_chose(app, floor, uow_factory):
    li = sign_in(app, "li.wei")
    li.post("/workbench/tasks", {"account_id": str(floor.accounts["CN-2"]), "title": "Payslip",
                                 "due_at": "2026-11-23T09:30", "token": "k2"})  # fmt: skip
    before = li.client.get("/workbench/tasks").text
    assert "1:30:00\u202fAM UTC" in before  # 09:30 in Shanghai, shown in UTC until a zone is chosen
    bad = li.post("/workbench/preferences", {"zone": "Mars/Olympus"})
    assert bad.status_code == 400 and "not an IANA zone" in bad.text
    saved = li.post("/workbench/preferences", {"zone": "Asia/Shanghai"})
    assert saved.status_code == 303
    after = li.client.get("/workbench/tasks").text
    assert "9:30:00\u202fAM Asia/Shanghai" in after
    assert 'value="Asia/Shanghai" selected' in li.client.get("/workbench/preferences").text
    with uow_factory() as uow:
        changed = uow.session.query(AuditEventRecord).filter_by(action="user.time_zone").one()
        assert changed.after["time_zone"] == "Asia/Shanghai" and changed.actor == "user:li.wei"


def test_a_number_that_may_not_be_called_now_says_why_in_the_collectors_language(uow_factory):
    floor = seed_floor(uow_factory, language="zh-CN")
    late = AT + timedelta(hours=13)  # 23:00 in Shanghai: no collection calls until 08:00
    li = sign_in(staff_app(uow_factory, Clock(late)), "li.wei")
    page = li.client.get(f"/workbench/accounts/{floor.accounts['CN-1']}").text
    assert 'data-verdict="DELAY"' in page
    assert "（CN-TIME-01）" in page and "不得" in page  # the rule's Chinese title and its id
    assert "Beijing time" not in page  # not the engine's English words


def test_a_bad_outcome_is_explained_in_the_collectors_language(uow_factory):
    floor = seed_floor(uow_factory, language="zh-CN")
    li = sign_in(staff_app(uow_factory, Clock(AT)), "li.wei")
    answer = li.post(f"/workbench/accounts/{floor.accounts['CN-1']}/outcome",
                     {"disposition": "promise", "token": "t-2",
                      "due_on": "2026-11-27"})  # fmt: skip
    assert answer.status_code == 400
    assert "该处理结果需要填写金额" in answer.text and "needs" not in answer.text


def test_a_promise_the_policy_refuses_is_explained_in_the_collectors_language(uow_factory):
    floor = seed_floor(uow_factory, language="zh-CN")
    li = sign_in(staff_app(uow_factory, Clock(AT)), "li.wei")
    answer = li.post(f"/workbench/accounts/{floor.accounts['CN-1']}/outcome",
                     {"disposition": "promise", "token": "t-3", "amount": "2000.00",
                      "due_on": "2026-01-02"})  # a date long past  # fmt: skip
    assert answer.status_code == 400
    assert "承诺日期 2026-01-02 已经过去" in answer.text
    assert "is in the past" not in answer.text  # the payments service's English stays in logs
