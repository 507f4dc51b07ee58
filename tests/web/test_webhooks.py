"""Provider webhooks: signed, idempotent, and they change the record."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from arrears.channels.receipts import sign
from arrears.inbound.service import default_classifier
from arrears.store.records import ContactPointRecord, InboundMessageRecord, InteractionRecord
from arrears.store.uow import UnitOfWork
from arrears.web.app import create_app
from tests.inbound.test_service import AT, PHONE, seed

pytestmark = pytest.mark.db
SECRET = "webhook-test-secret"


@pytest.fixture
def client(uow_factory: Callable[[], UnitOfWork]) -> TestClient:
    app = create_app(uow_factory, webhook_secret=SECRET, classify=default_classifier,
                     clock=lambda: AT)  # fmt: skip
    return TestClient(app)


def post(client: TestClient, path: str, payload: dict, secret: str = SECRET):
    body = json.dumps(payload).encode()
    headers = {"X-Sandbox-Signature": sign(secret, body), "Content-Type": "application/json"}
    return client.post(path, content=body, headers=headers)


def sent_interaction(uow_factory: Callable[[], UnitOfWork], account_id: int) -> None:
    with uow_factory() as uow:
        uow.interactions.add_unique([{
            "account_id": account_id, "debtor_id": 1, "channel": "sms", "direction": "out",
            "occurred_at": AT, "contact_value": PHONE, "template": "cn_overdue_d1",
            "dedup_key": "plan:2026-11-20:1:d1:sms", "status": "sent", "details": {},
        }])  # fmt: skip
        uow.commit()


class TestHealth:
    def test_health_answers_with_the_database(self, client: TestClient):
        response = client.get("/health")
        assert response.status_code == 200 and response.json()["status"] == "ok"


class TestReceipts:
    def test_a_delivery_receipt_updates_the_interaction(self, client, uow_factory):
        sent_interaction(uow_factory, seed(uow_factory))
        receipt = {"id": "p-1", "reference": "plan:2026-11-20:1:d1:sms", "status": "delivered",
                   "error": None, "at": datetime.now(UTC).isoformat()}  # fmt: skip
        assert post(client, "/webhooks/sms/receipts", receipt).status_code == 200
        with uow_factory() as uow:
            (row,) = uow.session.scalars(select(InteractionRecord)).all()
            assert (row.status, row.outcome) == ("delivered", "delivered")

    def test_an_undeliverable_number_is_no_longer_used(self, client, uow_factory):
        sent_interaction(uow_factory, seed(uow_factory))
        receipt = {"id": "p-1", "reference": "plan:2026-11-20:1:d1:sms",
                   "status": "undeliverable", "error": "absent subscriber",
                   "at": datetime.now(UTC).isoformat()}  # fmt: skip
        post(client, "/webhooks/sms/receipts", receipt)
        with uow_factory() as uow:
            (point,) = uow.session.scalars(select(ContactPointRecord)).all()
            assert point.do_not_contact

    def test_a_forged_signature_is_refused_and_changes_nothing(self, client, uow_factory):
        sent_interaction(uow_factory, seed(uow_factory))
        receipt = {"id": "p-1", "reference": "plan:2026-11-20:1:d1:sms", "status": "failed",
                   "error": None, "at": datetime.now(UTC).isoformat()}  # fmt: skip
        response = post(client, "/webhooks/sms/receipts", receipt, secret="wrong")
        assert response.status_code == 401
        assert "Traceback" not in response.text
        with uow_factory() as uow:
            (row,) = uow.session.scalars(select(InteractionRecord)).all()
            assert row.status == "sent"

    def test_a_receipt_for_an_unknown_message_is_accepted_and_ignored(self, client, uow_factory):
        receipt = {"id": "x", "reference": "nothing", "status": "delivered", "error": None,
                   "at": datetime.now(UTC).isoformat()}  # fmt: skip
        assert post(client, "/webhooks/sms/receipts", receipt).status_code == 202


class TestInboundSms:
    def test_a_stop_reply_opts_out_and_a_retry_changes_nothing(self, client, uow_factory):
        seed(uow_factory)
        payload = {"id": "in-1", "from": PHONE, "to": "10690000", "text": "退订",
                   "received_at": datetime.now(UTC).isoformat()}  # fmt: skip
        first = post(client, "/webhooks/sms/inbound", payload).json()
        again = post(client, "/webhooks/sms/inbound", payload).json()
        assert first["intent"] == "stop" and first["new"] and not again["new"]
        with uow_factory() as uow:
            (point,) = uow.session.scalars(select(ContactPointRecord)).all()
            assert [o["channel"] for o in point.opt_outs] == ["sms"]
            assert len(uow.session.scalars(select(InboundMessageRecord)).all()) == 1

    def test_a_promise_in_chinese_is_understood_with_its_date(self, client, uow_factory):
        seed(uow_factory)
        payload = {"id": "in-2", "from": PHONE, "to": "10690000", "text": "我下周五还500块",
                   "received_at": "2026-11-20T03:00:00+00:00"}  # fmt: skip
        result = post(client, "/webhooks/sms/inbound", payload).json()
        assert result["intent"] == "promise"

    def test_a_malformed_body_gets_a_clear_4xx(self, client):
        body = b"not json"
        response = client.post("/webhooks/sms/inbound", content=body,
                               headers={"X-Sandbox-Signature": sign(SECRET, body)})  # fmt: skip
        assert response.status_code == 422 and "error" in response.json()
