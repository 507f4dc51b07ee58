"""SMTP e-mail against the real mail sink on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from arrears.channels import registry
from arrears.channels.base import Attachment, OutgoingMessage
from arrears.channels.email_smtp import (
    KEY_HEADER,
    SmtpEmailChannel,
    address_of,
    message_id_for,
)
from arrears.sandbox.mail_sink import MailSink
from tests.fixtures.mail import SINK_USER, running_mail_sink, smtp_settings_for

SUBJECT = "还款提醒：您的账单已逾期 30 天 (Payment reminder)"
TEXT = "李娜您好：\n您的账户尚欠 ¥1,234.56，请尽快还款。\n.这一行以句点开头\n"
HTML = "<p>李娜您好：您的账户尚欠 <b>¥1,234.56</b>。</p>"


def message(
    key: str = "plan:42:step:1", to: str = "li.na@example.test", **extra: Any
) -> OutgoingMessage:
    fields: dict[str, Any] = {"subject": SUBJECT, "text": TEXT, "locale": "zh-CN"}
    fields.update(extra)
    return OutgoingMessage(dedup_key=key, channel="email", to=to, sender="", **fields)


def smtp(sink: MailSink, **overrides: Any) -> SmtpEmailChannel:
    adapter = registry.create("smtp", smtp_settings_for(sink, **overrides))
    assert isinstance(adapter, SmtpEmailChannel)
    return adapter


def read(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_text_html_and_chinese_subject_arrive_intact(mail_sink: MailSink) -> None:
    pdf = Attachment("对账单-2026-11.pdf", "application/pdf", b"%PDF-1.7\n%binary\x00\xff")
    extra: dict[str, Any] = {"html": HTML, "attachments": (pdf,), "reply_to": "help@arrears.test"}
    headers = {"List-Unsubscribe": "<mailto:unsubscribe@arrears.test?subject=42>"}
    with smtp(mail_sink) as adapter:
        result = adapter.send(message(headers=headers, **extra))

    assert result.status == "sent"
    [path] = mail_sink.files
    received = read(path)
    assert received["Subject"] == SUBJECT
    assert received["From"] == "催收中心 <collections@arrears.test>"
    assert received["To"] == "li.na@example.test"
    assert received["Reply-To"] == "help@arrears.test"
    assert received["Message-ID"] == result.provider_id
    assert received[KEY_HEADER] == "plan:42:step:1"
    assert received["Content-Language"] == "zh-CN"
    assert received["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert received["Date"] is not None
    plain = received.get_body(("plain",))
    html = received.get_body(("html",))
    assert plain is not None and html is not None
    # Text travels in canonical form (CRLF line ends, RFC 2046 §4.1.1).
    assert plain.get_content().replace("\r\n", "\n") == TEXT
    assert html.get_content().strip() == HTML
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == pdf.filename
    assert attachment.get_content() == pdf.data


def test_headers_on_the_wire_are_7bit(mail_sink: MailSink) -> None:
    with smtp(mail_sink) as adapter:
        adapter.send(message(html=HTML))
    raw = mail_sink.files[0].read_bytes()
    assert raw.isascii()
    assert b"=?utf-8?" in raw  # RFC 2047 encoded subject and display name


def test_message_id_is_deterministic_from_the_key(mail_sink: MailSink) -> None:
    expected = message_id_for("plan:42:step:1", "arrears.test")
    assert expected == message_id_for("plan:42:step:1", "arrears.test")
    assert expected != message_id_for("plan:42:step:2", "arrears.test")
    with smtp(mail_sink) as adapter:
        first = adapter.send(message())
        again = adapter.send(message())
    assert first.provider_id == again.provider_id == expected
    assert len(expected) == len("<@arrears.test>") + 32
    # A resend is visible downstream as a duplicate Message-ID.
    assert mail_sink.count(expected) == 2
    assert mail_sink.duplicates() == {expected: 2}


def test_starttls_and_auth(secure_mail_sink: MailSink) -> None:
    with smtp(secure_mail_sink) as adapter:
        result = adapter.send(message())
    assert result.status == "sent"
    assert secure_mail_sink.received == 1


def test_wrong_password_is_a_permanent_failure(secure_mail_sink: MailSink) -> None:
    with smtp(secure_mail_sink, password="wrong") as adapter:
        result = adapter.send(message())
    assert result.status == "permanent_failure"
    assert result.error is not None and result.error.startswith("535")
    assert secure_mail_sink.received == 0


def test_untrusted_certificate_is_a_permanent_failure(secure_mail_sink: MailSink) -> None:
    settings = smtp_settings_for(secure_mail_sink)
    del settings["ca_file"]
    adapter = registry.create("smtp", settings)
    result = adapter.send(message())
    assert result.status == "permanent_failure"
    assert result.error is not None and "certificate" in result.error.lower()


def test_implicit_tls(tmp_path: Path) -> None:
    with running_mail_sink(tmp_path, implicit_tls=True, auth=(SINK_USER, "pw")) as sink:
        assert sink.cert_path is not None
        settings = {
            "port": sink.port,
            "from_address": "collections@arrears.test",
            "security": "tls",
            "ca_file": str(sink.cert_path),
            "username": SINK_USER,
            "password": "pw",
        }
        with registry.create("smtp", settings) as adapter:  # type: ignore[attr-defined]
            assert adapter.send(message()).status == "sent"
        assert sink.received == 1


@pytest.mark.parametrize("pipelining", [True, False])
def test_refused_recipient_is_permanent_and_the_connection_carries_on(
    tmp_path: Path, pipelining: bool
) -> None:
    with running_mail_sink(tmp_path, pipelining=pipelining) as sink, smtp(sink) as adapter:
        refused = adapter.send(message("k1", to="nobody@bounce.test"))
        deferred = adapter.send(message("k2", to="full@defer.test"))
        delivered = adapter.send(message("k3"))
        assert adapter.connections_opened == 1
    assert refused.status == "permanent_failure"
    assert refused.error is not None
    assert refused.error.startswith("550 5.1.1 <nobody@bounce.test>")
    assert deferred.status == "temporary_failure"
    assert deferred.error is not None and deferred.error.startswith("451")
    assert delivered.status == "sent"
    assert sink.received == 1


def test_server_down_is_a_temporary_failure() -> None:
    adapter = SmtpEmailChannel("127.0.0.1", free_port(), from_address="a@arrears.test")
    result = adapter.send(message())
    assert result.status == "temporary_failure"
    assert result.error is not None and "refused" in result.error.lower()


def test_one_connection_for_a_hundred_messages(mail_sink: MailSink) -> None:
    messages = [message(f"bulk:{n}", to=f"debtor{n}@example.test") for n in range(100)]
    with smtp(mail_sink) as adapter:
        results = adapter.send_many(messages[:50])
        results += [adapter.send(m) for m in messages[50:]]
        assert adapter.connections_opened == 1
    assert [r.status for r in results] == ["sent"] * 100
    assert mail_sink.connections == 1
    assert mail_sink.received == 100
    assert len(mail_sink.message_ids()) == 100


def test_send_many_keeps_order_with_mixed_outcomes(mail_sink: MailSink) -> None:
    batch = [message("a"), message("b", to="x@bounce.test"), message("c"), message("d", to="bad")]
    with smtp(mail_sink) as adapter:
        statuses = [r.status for r in adapter.send_many(batch)]
    assert statuses == ["sent", "permanent_failure", "sent", "permanent_failure"]


def test_reconnects_when_the_server_dropped_the_connection(tmp_path: Path) -> None:
    with running_mail_sink(tmp_path / "one") as sink:
        adapter = smtp(sink)
        assert adapter.send(message("k1")).status == "sent"
    # The server went away with the adapter's open connection; a new one listens (on
    # another port here). The dead connection fails at the envelope, before anything of
    # the message was sent, so the adapter reconnects and sends it once.
    with running_mail_sink(tmp_path / "two") as second:
        adapter.port = second.port
        result = adapter.send(message("k2"))
        adapter.close()
        assert second.received == 1
    assert result.status == "sent"
    assert adapter.connections_opened == 2


def test_a_lost_ack_is_temporary_and_the_retry_is_a_visible_duplicate(
    mail_sink: MailSink,
) -> None:
    mail_sink.lose_acks(1)
    with smtp(mail_sink) as adapter:
        lost = adapter.send(message("k1"))
        retry = adapter.send(message("k1"))
    assert lost.status == "temporary_failure"
    assert retry.status == "sent"
    assert retry.provider_id is not None
    assert mail_sink.count(retry.provider_id) == 2
    summary = (mail_sink.folder / "summary.json").read_text(encoding="utf-8")
    assert retry.provider_id in summary


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "injected\r\nBcc: victim@example.test"},
        {"headers": {"Message-ID": "<mine@example.test>"}},
        {"headers": {"Bad Name": "value"}},
        {"to": "李@example.test"},  # a non-ASCII local part needs SMTPUTF8
        {"to": "not an address"},
        {"to": "a@b.test>\r\nRCPT TO:<c@d.test"},
    ],
)
def test_unusable_messages_are_permanent_failures_without_sending(
    mail_sink: MailSink, changes: dict[str, Any]
) -> None:
    with smtp(mail_sink) as adapter:
        result = adapter.send(message(**changes))
    assert result.status == "permanent_failure"
    assert result.error is not None and result.error.startswith("invalid message")
    assert mail_sink.received == 0


def test_sender_display_name_and_return_path(mail_sink: MailSink) -> None:
    with smtp(mail_sink, return_path="bounces@arrears.test") as adapter:
        custom = OutgoingMessage("k", "email", "a@example.test", "王经理 <wang@arrears.test>", "hi")
        assert adapter.send(custom).status == "sent"
    received = read(mail_sink.files[0])
    assert received["From"] == "王经理 <wang@arrears.test>"
    assert received["Return-Path"] == "<bounces@arrears.test>"
    # The Message-ID domain stays the configured one, whoever signs the message.
    assert str(received["Message-ID"]).endswith("@arrears.test>")


def test_addresses() -> None:
    assert address_of("李娜 <li.na@example.test>") == "li.na@example.test"
    assert address_of("li@例子.中国") == "li@xn--fsqu00a.xn--fiqs8s"
    with pytest.raises(ValueError):
        address_of("li.na@")
