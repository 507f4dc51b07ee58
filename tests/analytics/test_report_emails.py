"""Scheduled report e-mails end to end: the chore enqueues staff mail, the dispatcher sends it over
SMTP to a real server, and the attachment is the report ``arrears report`` exports."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from arrears.analytics import subscriptions
from arrears.analytics.reports import load_options
from arrears.analytics.schedules import Cadence
from arrears.channels.registry import create
from arrears.compliance.rulebooks import load_rulebooks
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dispatcher import Dispatcher, DispatchSettings
from arrears.store.records import InteractionRecord, OutboxRecord
from arrears.templates import load_templates
from tests.analytics import seed
from tests.fixtures.commands import cli
from tests.fixtures.mail import running_mail_sink

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]
SLOT = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 07:00 on the 24th in Shanghai
AFTER = SLOT + timedelta(hours=1)


@pytest.fixture
def options():
    return load_options(ROOT / "config")


@pytest.fixture
def seeded(uow_factory, options, monkeypatch):
    monkeypatch.chdir(ROOT)
    seed.build(uow_factory, options)
    return uow_factory


def subscribe(uow_factory, fmt: str, to: str, language: str = "en-US", **filters) -> int:
    wanted = subscriptions.Subscription("portfolio", Cadence("daily", time(7), "Asia/Shanghai"),
                                        fmt, (to,), language, filters)  # fmt: skip
    with uow_factory() as uow:
        record = subscriptions.add_schedule(uow=uow, subscription=wanted, actor="user:ana",
                                            at=seed.NOW)  # fmt: skip
        uow.commit()
        return record.id


def send_due(uow_factory, options, now=AFTER) -> list[subscriptions.Run]:
    with uow_factory() as uow:
        runs = subscriptions.send_due(uow=uow, now=now, options=options, actor="reports")
        uow.commit()
    return runs


def dispatch(uow_factory, port: int, now=AFTER):
    config = ChannelConfig(None, "email", "smtp", {"host": "127.0.0.1", "port": port,
                           "from_address": "reports@arrears.test", "timeout": 5}, None)  # fmt: skip
    dispatcher = Dispatcher(uow_factory, AdapterSet([config], create),
                            load_templates(ROOT / "config" / "templates"),
                            load_rulebooks(ROOT / "config" / "rulebooks"), lambda: now,
                            DispatchSettings(channels=("email",)))  # fmt: skip
    try:
        return dispatcher.run()
    finally:
        dispatcher.close()


def received(sink) -> dict[str, EmailMessage]:
    mails = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in sink.files]
    return {str(m["To"]): m for m in mails}  # type: ignore[misc]


def attachment(mail: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(mail.iter_attachments())
    return str(part.get_filename()), part.get_payload(decode=True)


def test_each_format_arrives_as_the_report_the_cli_exports(
    seeded, options, tmp_path, capsys, cli_env
):
    for fmt in ("csv", "xlsx", "pdf"):
        subscribe(seeded, fmt, f"{fmt}@example.com", client="cn")
    runs = send_due(seeded, options)
    assert [r.messages for r in runs] == [1, 1, 1]
    with running_mail_sink(tmp_path / "mail") as sink:
        report = dispatch(seeded, sink.port)
        mails = received(sink)
    assert report.counts["sent"] == 3 and set(mails) == {"csv@example.com", "xlsx@example.com",
                                                          "pdf@example.com"}  # fmt: skip
    code, expected, _ = cli(capsys, "report", "portfolio", "--client", "cn", "--from",
                            "2026-10-25", "--to", "2026-11-23", "--format", "csv")  # fmt: skip
    assert code == 0 and expected.startswith("client,currency,open_accounts")
    name, data = attachment(mails["csv@example.com"])
    assert name == "portfolio-2026-11-23.csv" and data.decode("utf-8") == expected
    name, data = attachment(mails["xlsx@example.com"])
    sheet = pl.read_excel(BytesIO(data)).cast(pl.String)
    assert name.endswith(".xlsx") and sheet.write_csv() == expected
    name, data = attachment(mails["pdf@example.com"])
    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert data.startswith(b"%PDF") and "Portfolio overview" in text and "2026-11-23" in text
    subject = str(mails["csv@example.com"]["Subject"])
    assert subject == "Report: Portfolio overview (2026-10-25 to 2026-11-23)"


def test_staff_mail_is_sent_once_without_a_debtor_or_an_interaction(seeded, options, tmp_path):
    schedule = subscribe(seeded, "csv", "boss@example.com", language="zh-CN")
    with seeded() as uow:
        interactions = len(uow.session.scalars(select(InteractionRecord)).all())
    assert len(send_due(seeded, options)) == 1
    assert send_due(seeded, options) == []  # the chore again: the slot is done
    with seeded() as uow:  # even forced back to the same slot, the run is not rendered again
        uow.report_schedules.get(schedule).next_run_at = SLOT
        uow.commit()
    (again,) = send_due(seeded, options)
    assert again.delivery_id is None and again.messages == 0
    with running_mail_sink(tmp_path / "mail") as sink:
        dispatch(seeded, sink.port)
        dispatch(seeded, sink.port)
        assert sink.received == 1 and not sink.duplicates()
        mail = received(sink)["boss@example.com"]
    assert str(mail["Subject"]).startswith("报表：资产组合概览")
    with seeded() as uow:
        (row,) = uow.session.scalars(select(OutboxRecord).where(OutboxRecord.kind == "staff"))
        assert row.status == "sent" and row.account_id is None and row.debtor_id is None
        assert sink.count(row.provider_id) == 1
        assert len(uow.session.scalars(select(InteractionRecord)).all()) == interactions
        assert uow.audit.count("report_schedule.add") == 1
        assert uow.audit.count("report_schedule.run") == 1
        assert [a.result for a in uow.outbox.attempts_of(row.id)] == ["sent"]


def test_a_server_that_is_down_is_retried_with_the_same_message(seeded, options, tmp_path):
    subscribe(seeded, "csv", "boss@example.com")
    send_due(seeded, options)
    with running_mail_sink(tmp_path / "probe") as probe:
        closed = probe.port  # free again once the probe stops
    report = dispatch(seeded, closed)
    assert report.counts["retry"] == 1
    with seeded() as uow:
        (row,) = uow.session.scalars(select(OutboxRecord).where(OutboxRecord.kind == "staff"))
        assert row.status == "pending" and row.not_before > AFTER and row.attempts == 1
        retry_at = row.not_before
    with running_mail_sink(tmp_path / "mail") as sink:
        assert dispatch(seeded, sink.port, now=retry_at).counts["sent"] == 1
        assert sink.received == 1
