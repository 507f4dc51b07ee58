"""E-mail replies and bounces arriving over SMTP at the reply receiver."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from arrears.inbound.mail import MailReceiver, own_words, parse_reply
from arrears.inbound.service import default_classifier
from arrears.store.records import ContactPointRecord, InboundMessageRecord, InteractionRecord
from arrears.store.uow import UnitOfWork
from tests.inbound.test_service import AT, seed

pytestmark = pytest.mark.db
ADDRESS = "zhang.wei@example.cn"


def add_email(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        (point,) = uow.session.scalars(select(ContactPointRecord)).all()
        uow.session.add(ContactPointRecord(debtor_id=point.debtor_id, kind="email", value=ADDRESS,
                                           time_zones=[], consents={}, opt_outs=[],
                                           first_seen_at=AT, last_seen_at=AT))  # fmt: skip
        uow.commit()


def reply(body: str, message_id: str = "<r1@example.cn>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Zhang Wei <{ADDRESS}>"
    message["To"] = "replies@arrears.test"
    message["Subject"] = "Re: 催款通知"
    message["Message-ID"] = message_id
    message.set_content(body)
    return message


def test_quoted_text_is_not_the_debtors_words():
    body = "我下周五还\n\n在 2026年11月20日，星河消费金融 写道：\n> 请尽快还款\n"
    assert own_words(body) == "我下周五还"
    parsed = parse_reply(reply("STOP\n> earlier").as_bytes(), datetime.now(UTC))
    assert parsed is not None and parsed.body == "STOP" and parsed.sender == ADDRESS


def test_a_reply_over_smtp_is_recorded_and_acted_on(uow_factory):
    seed(uow_factory)
    add_email(uow_factory)
    receiver = MailReceiver(uow_factory, default_classifier, lambda: AT, port=0).start()
    try:
        with smtplib.SMTP("127.0.0.1", receiver.port) as client:
            client.send_message(reply("请停止给我发邮件，退订"))
            client.send_message(reply("请停止给我发邮件，退订"))  # the relay retried
    finally:
        receiver.stop()
    with uow_factory() as uow:
        (message,) = uow.session.scalars(select(InboundMessageRecord)).all()
        assert (message.channel, message.intent) == ("email", "stop")
        point = uow.session.scalars(
            select(ContactPointRecord).where(ContactPointRecord.value == ADDRESS)
        ).one()
        assert [o["channel"] for o in point.opt_outs] == ["email"]
        assert uow.session.scalars(select(InteractionRecord)).one().direction == "in"
