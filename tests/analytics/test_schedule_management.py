"""Managing report schedules from the command line and from /dashboards/schedules: who may, what
is checked, and that every change is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from arrears.analytics import subscriptions
from arrears.config import get_settings
from tests.analytics import seed
from tests.fixtures.commands import cli
from tests.fixtures.staff import Clock, add_staff, sign_in, staff_app

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staffed(uow_factory, monkeypatch):
    monkeypatch.chdir(ROOT)
    seed.build(uow_factory)
    add_staff(uow_factory, "ana", "analyst")
    add_staff(uow_factory, "chen", "supervisor", language="zh-CN")
    add_staff(uow_factory, "gao", "compliance")
    add_staff(uow_factory, "col", "collector")
    return uow_factory


def schedules(uow_factory) -> list[dict]:
    with uow_factory() as uow:
        return [subscriptions.describe(r) for r in uow.report_schedules.listing()]


def test_the_command_line_adds_lists_pauses_resumes_and_removes(staffed, cli_env, capsys,
                                                                 monkeypatch):  # fmt: skip
    monkeypatch.setenv("ARREARS_NOW", "2026-11-23T09:00:00+00:00")
    code, out, err = cli(capsys, "reports", "schedule", "add", "roll-rates", "--by", "ana",
                         "--weekly", "mon", "--at", "07:30", "--tz", "Asia/Shanghai", "--format",
                         "pdf", "--to", "Boss@Example.com", "--to", "cfo@example.com",
                         "--language", "zh-CN", "--client", "cn")  # fmt: skip
    assert code == 0, err
    assert "first run 2026-11-29 23:30 UTC" in out  # Monday 30 November, 07:30 in Shanghai
    (record,) = schedules(staffed)
    rid = record["id"]
    assert record["recipients"] == ["Boss@example.com", "cfo@example.com"]
    assert record["filters"] == {"client": "cn"} and record["created_by"] == "user:ana"
    code, out, _ = cli(capsys, "reports", "schedule", "list")
    assert "roll-rates" in out and "weekly mon 07:30 Asia/Shanghai" in out
    for action, status in (("pause", "paused"), ("resume", "active"), ("remove", "removed")):
        code, out, err = cli(capsys, "reports", "schedule", action, str(rid), "--by", "chen")
        assert code == 0 and f"schedule {rid}: {status}" in out, err
    assert schedules(staffed) == []
    with staffed() as uow:
        trail = [e.action for e in uow.audit.for_entity("report_schedule", str(rid))]
    assert trail == ["report_schedule.add", "report_schedule.pause", "report_schedule.resume",
                     "report_schedule.remove"]  # fmt: skip
    code, out, _ = cli(capsys, "reports", "send-due", "--now", "2026-12-01T00:00:00Z")
    assert code == 0 and "nothing due" in out


@pytest.mark.parametrize(("args", "problem"), [
    (["--by", "col", "--daily"], "only supervisors, managers,"),
    (["--by", "ana", "--daily", "--to", "not-an-address"], "recipient 'not-an-address'"),
    (["--by", "ana", "--daily", "--weekly", "mon"], "exactly one of"),
    (["--by", "ana", "--daily", "--format", "docx"], "format must be one of"),
    (["--by", "ana", "--daily", "--client", "nowhere"], "unknown client 'nowhere'"),
])  # fmt: skip
def test_the_command_line_refuses_what_it_cannot_do(staffed, cli_env, capsys, args, problem):
    to = [] if "--to" in args else ["--to", "a@example.com"]
    code, out, err = cli(capsys, "reports", "schedule", "add", "portfolio", *args, *to)
    assert code != 0 and problem in out + err
    assert schedules(staffed) == []


def test_the_page_lets_analysts_and_supervisors_schedule_with_a_csrf_token(staffed):
    app = staff_app(staffed, Clock(seed.NOW))
    analyst = sign_in(app, "ana")
    page = analyst.client.get("/dashboards/schedules")
    assert page.status_code == 200 and 'name="recipients"' in page.text
    form = {"report": "portfolio", "cadence": "monthly", "day": "31", "at": "06:00",
            "zone": "Europe/London", "format": "xlsx", "recipients": "a@example.com, b@example.com",
            "language": "en-US", "client": "us", "days": "7"}  # fmt: skip
    assert analyst.client.post("/dashboards/schedules", data=form).status_code == 403  # no csrf
    added = analyst.post("/dashboards/schedules", form)
    assert added.status_code == 303
    (record,) = schedules(staffed)
    rid = record["id"]
    assert record["filters"] == {"client": "us", "days": 7}
    assert record["when"] == "monthly day 31 06:00 Europe/London"
    assert record["recipients"] == ["a@example.com", "b@example.com"]
    supervisor = sign_in(app, "chen")
    listed = supervisor.client.get("/dashboards/schedules")
    assert f'id="schedule-{rid}"' in listed.text and "暂停" in listed.text
    assert supervisor.post(f"/dashboards/schedules/{rid}/pause").status_code == 303
    assert schedules(staffed)[0]["status"] == "paused"
    bad = analyst.post("/dashboards/schedules", {**form, "recipients": "nobody"})
    assert bad.status_code == 400 and "recipient" in bad.text
    with staffed() as uow:
        assert [e.actor for e in uow.audit.for_entity("report_schedule", str(rid))] == [
            "user:ana", "user:chen"]  # fmt: skip


def test_the_page_refuses_roles_that_do_not_schedule_reports(staffed):
    app = staff_app(staffed, Clock(seed.NOW))
    for name in ("gao", "col"):  # compliance reads dashboards, a collector does not
        person = sign_in(app, name)
        assert person.client.get("/dashboards/schedules").status_code == 403
        form = {"report": "portfolio", "cadence": "daily", "format": "csv",
                "recipients": "a@example.com"}  # fmt: skip
        assert person.post("/dashboards/schedules", form).status_code == 403
    assert schedules(staffed) == []


def test_the_daily_batch_enqueues_the_due_report_emails(staffed, cli_env, capsys, monkeypatch):
    monkeypatch.setenv("ARREARS_NOW", "2026-11-23T09:00:00+00:00")
    code, _, err = cli(capsys, "reports", "schedule", "add", "portfolio", "--by", "ana",
                       "--daily", "--at", "07:00", "--to", "ops@example.com")  # fmt: skip
    assert code == 0, err
    monkeypatch.setenv("ARREARS_NOW", "2026-11-24T08:00:00+00:00")
    get_settings.cache_clear()  # the settings (and their clock) are read once per process
    code, out, err = cli(capsys, "daily")
    assert code == 0, err
    assert "report schedules: 1 run(s), 1 e-mail(s) enqueued" in out
    code, out, _ = cli(capsys, "reports", "send-due", "--now", "2026-11-24T08:05:00Z")
    assert "nothing due" in out
