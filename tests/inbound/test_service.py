"""Replies: matched to the debtor, recorded once, and their consequences applied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from arrears.inbound.intent.result import Intent
from arrears.inbound.service import Reply, receive, resolve
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    PromiseRecord,
)
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PHONE = "+8613800138000"


def seed(uow_factory: Callable[[], UnitOfWork]) -> int:
    with uow_factory() as uow:
        s = uow.session
        client = ClientRecord(code="xh", name="星河消费金融", jurisdiction="CN", currency="CNY",
                              settings={}, created_at=AT)  # fmt: skip
        s.add(client)
        s.flush()
        debtor = DebtorRecord(client_id=client.id, debtor_ref="D1", name="张伟", name_key="张伟",
                              language="zh-CN", jurisdiction="CN", time_zones=["Asia/Shanghai"],
                              risk_flags=[], created_at=AT, updated_at=AT)  # fmt: skip
        s.add(debtor)
        s.flush()
        point = ContactPointRecord(debtor_id=debtor.id, kind="mobile", value=PHONE,
                                   time_zones=[], consents={}, opt_outs=[],
                                   first_seen_at=AT, last_seen_at=AT)  # fmt: skip
        s.add(point)
        account = AccountRecord(client_id=client.id, account_ref="A1", debtor_id=debtor.id,
                                currency="CNY", principal_minor=500_000, interest_minor=0,
                                fees_minor=0, costs_minor=0, credit_minor=0,
                                due_on=date(2026, 10, 1), status="active", holds=[], arms={},
                                created_at=AT, updated_at=AT)  # fmt: skip
        s.add(account)
        s.flush()
        uow.commit()
        return account.id


def says(intent: str, *, confidence: float = 0.95, amount: int | None = None,
         day: date | None = None, review: bool = False):  # fmt: skip
    def classify(text: str, as_of: date, currency: str | None, language: str | None) -> Intent:
        return Intent(intent, confidence, amount, currency if amount else None, day,  # type: ignore[arg-type]
                      "rule" if intent == "stop" else "model", review)  # fmt: skip

    return classify


def reply(body: str, provider_id: str = "sms-1", sender: str = PHONE) -> Reply:
    return Reply(channel="sms", provider_id=provider_id, sender=sender, body=body, received_at=AT)


def one(uow_factory: Callable[[], UnitOfWork], record: type, **where: object):
    with uow_factory() as uow:
        query = select(record).filter_by(**where)
        found = uow.session.scalars(query).all()
        uow.session.expunge_all()
    return found


class TestConsequences:
    def test_stop_opts_the_address_out_at_once(self, uow_factory):
        seed(uow_factory)
        with uow_factory() as uow:
            result = receive(uow, reply("退订"), says("stop", confidence=1.0), actor="test")
            uow.commit()
        assert result.status == "applied" and result.intent == "stop"
        (point,) = one(uow_factory, ContactPointRecord, value=PHONE)
        assert point.opt_outs and point.opt_outs[0]["channel"] == "sms"

    def test_stop_is_honoured_even_from_an_unknown_number(self, uow_factory):
        seed(uow_factory)
        with uow_factory() as uow:
            result = receive(uow, reply("STOP", sender="+15551230000"), says("stop"), actor="t")
            uow.commit()
        assert result.status == "unmatched"

    def test_a_dispute_puts_a_hold_and_moves_the_account_to_disputed(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            receive(uow, reply("这笔钱我没借过"), says("dispute"), actor="test")
            uow.commit()
        (account,) = one(uow_factory, AccountRecord, id=account_id)
        assert account.status == "disputed"
        assert [h["kind"] for h in account.holds] == ["dispute"]

    def test_a_dispute_by_reply_is_recorded_and_can_be_resolved(self, uow_factory):
        from arrears.payments.disputes import resolve_dispute

        account_id = seed(uow_factory)
        with uow_factory() as uow:
            receive(uow, reply("这笔钱我没借过"), says("dispute"), actor="test")
            receive(uow, reply("真的不是我借的", provider_id="sms-2"), says("dispute"),
                    actor="test")  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            (dispute,) = uow.disputes.of_account(account_id)
            assert (dispute.channel, dispute.details) == ("sms", "这笔钱我没借过")
            resolve_dispute(uow=uow, dispute_id=dispute.id, outcome="verified", by="ann", at=AT)
            uow.commit()
        (account,) = one(uow_factory, AccountRecord, id=account_id)
        assert account.status == "active" and account.holds == []

    def test_a_promise_creates_a_promise_record_with_amount_and_date(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            promise = says("promise", amount=50_000, day=date(2026, 11, 27))
            receive(uow, reply("下周五还500"), promise, actor="test")
            uow.commit()
        (promise,) = one(uow_factory, PromiseRecord, account_id=account_id)
        assert (promise.amount_minor, promise.due_on, promise.taken_by) == (
            50_000, date(2026, 11, 27), "inbound",
        )  # fmt: skip
        (account,) = one(uow_factory, AccountRecord, id=account_id)
        assert account.status == "promised"

    def test_wrong_person_flags_the_contact_point(self, uow_factory):
        seed(uow_factory)
        with uow_factory() as uow:
            receive(uow, reply("You have the wrong number"), says("wrong_person"), actor="test")
            uow.commit()
        (point,) = one(uow_factory, ContactPointRecord, value=PHONE)
        assert point.wrong_party

    def test_an_unsure_reply_waits_for_a_person_then_takes_effect(self, uow_factory):
        account_id = seed(uow_factory)
        with uow_factory() as uow:
            result = receive(uow, reply("嗯嗯知道了"), says("dispute", confidence=0.4, review=True),
                             actor="test")  # fmt: skip
            uow.commit()
        assert result.status == "review"
        assert one(uow_factory, AccountRecord, id=account_id)[0].status == "active"
        with uow_factory() as uow:
            actions = resolve(uow, result.message_id, "dispute", actor="supervisor", at=AT)
            uow.commit()
        assert actions and one(uow_factory, AccountRecord, id=account_id)[0].status == "disputed"


class TestRecording:
    def test_a_provider_retry_is_recorded_once(self, uow_factory):
        seed(uow_factory)
        for _ in range(2):
            with uow_factory() as uow:
                receive(uow, reply("我会还的", provider_id="same"), says("question"), actor="t")
                uow.commit()
        replies = one(uow_factory, InteractionRecord, direction="in")
        assert len(replies) == 1
        assert replies[0].notes == "我会还的" and replies[0].outcome == "question"
