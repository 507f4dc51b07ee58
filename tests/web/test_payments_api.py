"""The payments JSON API and the gateway webhook through the app (both backends)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from arrears.inbound.service import default_classifier
from arrears.payments.apikeys import issue_key, revoke_key
from arrears.payments.endpoints import PaymentsWeb
from arrears.payments.gateways import signing
from arrears.payments.gateways.fake import FakeGateway
from arrears.store.records import AccountRecord, PaymentRecord, TaskRecord
from arrears.store.records.gateway import PaymentIntentRecord
from arrears.store.uow import UnitOfWork
from arrears.web.app import create_app
from tests.payments.test_intake import AT, checkout, seed

pytestmark = pytest.mark.db
Factory = Callable[[], UnitOfWork]


def make_client(uow_factory: Factory, fake: FakeGateway | None = None, **limits: int) -> TestClient:
    web = PaymentsWeb(gateways={"fake": fake or FakeGateway()}, **limits)
    app = create_app(
        uow_factory, webhook_secret="x", classify=default_classifier, clock=lambda: AT, payments=web
    )
    return TestClient(app, raise_server_exceptions=False)


def new_key(uow_factory: Factory, code: str = "xh", scopes=("payments:write", "accounts:read")):
    with uow_factory() as uow:
        client = uow.clients.get_by_code(code)
        assert client is not None
        issued = issue_key(
            uow=uow, client_id=client.id, name="bank feed", scopes=scopes, at=AT, actor="test"
        )
        uow.commit()
    return issued


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


PAYMENT = {
    "reference": "BANK-1",
    "account_ref": "A1",
    "amount_minor": 30_000,
    "currency": "CNY",
    "paid_on": "2026-11-19",
    "method": "bank_transfer",
}


@pytest.fixture
def api(uow_factory: Factory) -> tuple[TestClient, str]:
    seed(uow_factory)
    return make_client(uow_factory), new_key(uow_factory).key


def is_error(response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"} and body["message"]
    assert "Traceback" not in response.text
    if code:
        assert body["error"] == code


class TestAuth:
    def test_no_key_is_401_with_a_bearer_challenge(self, api):
        client, _ = api
        response = client.get("/api/v1/accounts/A1")
        is_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"

    @pytest.mark.parametrize("header", ["Bearer ak_nope_nope", "Basic dXNlcjpwdw==", "Bearer "])
    def test_a_wrong_key_is_401(self, api, header):
        client, _ = api
        is_error(client.get("/api/v1/accounts/A1", headers={"Authorization": header}), 401)

    def test_a_revoked_key_stops_working(self, api, uow_factory):
        client, key = api
        assert client.get("/api/v1/accounts/A1", headers=auth(key)).status_code == 200
        with uow_factory() as uow:
            revoke_key(uow=uow, prefix=key.split("_")[1], at=AT, actor="test")
            uow.commit()
        is_error(client.get("/api/v1/accounts/A1", headers=auth(key)), 401)

    def test_a_key_without_the_scope_is_403(self, api, uow_factory):
        client, _ = api
        reader = new_key(uow_factory, scopes=("accounts:read",)).key
        assert client.get("/api/v1/accounts/A1", headers=auth(reader)).status_code == 200
        is_error(client.post("/api/v1/payments", json=PAYMENT, headers=auth(reader)), 403)

    def test_a_key_sees_only_its_clients_accounts(self, api, uow_factory):
        client, _ = api
        seed(uow_factory, code="other", ref="B1")
        other = new_key(uow_factory, code="other").key
        is_error(client.get("/api/v1/accounts/A1", headers=auth(other)), 404, "not_found")
        is_error(client.get("/api/v1/accounts/A1/payments", headers=auth(other)), 404)
        is_error(client.post("/api/v1/payments", json=PAYMENT, headers=auth(other)), 404)
        assert client.get("/api/v1/accounts/B1", headers=auth(other)).status_code == 200

    def test_the_key_is_never_stored_in_clear(self, api, uow_factory):
        _, key = api
        with uow_factory() as uow:
            (row,) = uow.gateway.api_keys()
            assert key not in (row.key_hash, row.prefix) and len(row.key_hash) == 64


class TestPayments:
    def test_a_payment_is_allocated_and_shown(self, api, uow_factory):
        client, key = api
        response = client.post("/api/v1/payments", json=PAYMENT, headers=auth(key))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["allocation"] == {
            "costs": 0,
            "fees": 0,
            "interest": 0,
            "principal": 30_000,
            "credit": 0,
        }
        assert (body["kind"], body["reversed_by"]) == ("payment", None)
        account = client.get("/api/v1/accounts/A1", headers=auth(key)).json()
        assert account["balance"]["principal_minor"] == 70_000
        assert account["balance"]["total_minor"] == 70_000
        assert account["last_payment_minor"] == 30_000
        assert "张伟" not in json.dumps(account)  # no personal data in the API
        listed = client.get("/api/v1/accounts/A1/payments", headers=auth(key)).json()
        assert [p["reference"] for p in listed["payments"]] == ["BANK-1"]

    def test_the_same_request_again_is_the_same_payment(self, api, uow_factory):
        client, key = api
        first = client.post("/api/v1/payments", json=PAYMENT, headers=auth(key))
        again = client.post("/api/v1/payments", json=PAYMENT, headers=auth(key))
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json() == again.json()
        with uow_factory() as uow:
            assert len(uow.session.scalars(select(PaymentRecord)).all()) == 1
            assert uow.session.get(AccountRecord, 1).principal_minor == 70_000

    def test_the_same_reference_with_other_details_is_409(self, api):
        client, key = api
        client.post("/api/v1/payments", json=PAYMENT, headers=auth(key))
        changed = {**PAYMENT, "amount_minor": 30_001}
        is_error(client.post("/api/v1/payments", json=changed, headers=auth(key)), 409)

    def test_an_overpayment_is_a_credit_with_a_refund_task(self, api, uow_factory):
        client, key = api
        body = {**PAYMENT, "amount_minor": 120_000}
        response = client.post("/api/v1/payments", json=body, headers=auth(key))
        assert response.json()["allocation"]["credit"] == 20_000
        client.post("/api/v1/payments", json=body, headers=auth(key))
        account = client.get("/api/v1/accounts/A1", headers=auth(key)).json()
        assert (account["status"], account["balance"]["credit_minor"]) == ("paid", 20_000)
        with uow_factory() as uow:
            tasks = uow.session.scalars(select(TaskRecord).where(TaskRecord.kind == "refund"))
            assert len(tasks.all()) == 1

    def test_a_reversal_reopens_the_account_once(self, api):
        client, key = api
        client.post(
            "/api/v1/payments", json={**PAYMENT, "amount_minor": 100_000}, headers=auth(key)
        )
        assert client.get("/api/v1/accounts/A1", headers=auth(key)).json()["status"] == "paid"
        undo = {"reference": "BANK-1-R", "reversed_on": "2026-11-20", "reason": "bounced"}
        first = client.post("/api/v1/payments/BANK-1/reversal", json=undo, headers=auth(key))
        assert first.status_code == 201, first.text
        assert (first.json()["kind"], first.json()["reverses"]) == ("reversal", "BANK-1")
        again = client.post("/api/v1/payments/BANK-1/reversal", json=undo, headers=auth(key))
        assert again.status_code == 200
        other = {**undo, "reference": "BANK-1-R2"}
        is_error(
            client.post("/api/v1/payments/BANK-1/reversal", json=other, headers=auth(key)), 409
        )
        account = client.get("/api/v1/accounts/A1", headers=auth(key)).json()
        assert (account["status"], account["balance"]["principal_minor"]) == ("active", 100_000)
        listed = client.get("/api/v1/accounts/A1/payments", headers=auth(key)).json()["payments"]
        assert listed[0]["reversed_by"] == "BANK-1-R"

    def test_reversing_an_unknown_payment_is_404(self, api):
        client, key = api
        undo = {"reference": "X-R", "reversed_on": "2026-11-20", "reason": "error"}
        is_error(client.post("/api/v1/payments/NOPE/reversal", json=undo, headers=auth(key)), 404)


class TestBadInput:
    @pytest.mark.parametrize(
        "change",
        [
            {"amount_minor": "30000"},
            {"amount_minor": 300.5},
            {"amount_minor": 300.0},
            {"amount_minor": 0},
            {"amount_minor": -1},
            {"amount_minor": True},
            {"amount_minor": 10**20},
            {"currency": "cny"},
            {"currency": "XYZ"},
            {"currency": "USD"},
            {"paid_on": "20261119"},
            {"paid_on": 1_700_000_000},
            {"paid_on": "2026-02-30"},
            {"paid_on": "2030-01-01"},
            {"paid_on": "1990-01-01"},
            {"reference": ""},
            {"reference": "has space"},
            {"reference": "x" * 101},
            {"account_ref": ""},
            {"method": "Bank Transfer!"},
            {"colour": "red"},
            {"amount_minor": None},
        ],
    )
    def test_a_bad_field_is_a_clear_422(self, api, change):
        client, key = api
        response = client.post("/api/v1/payments", json={**PAYMENT, **change}, headers=auth(key))
        is_error(response, 422)

    @pytest.mark.parametrize("body", [b"not json", b"[]", b"", b'{"reference": '])
    def test_a_body_that_is_not_a_json_object_is_422(self, api, body):
        client, key = api
        headers = {**auth(key), "Content-Type": "application/json"}
        is_error(client.post("/api/v1/payments", content=body, headers=headers), 422)

    def test_a_missing_field_names_it(self, api):
        client, key = api
        body = {k: v for k, v in PAYMENT.items() if k != "paid_on"}
        response = client.post("/api/v1/payments", json=body, headers=auth(key))
        is_error(response, 422, "invalid_input")
        assert "paid_on" in response.json()["message"]


class TestLimits:
    def test_a_key_is_rate_limited(self, uow_factory):
        seed(uow_factory)
        client, key = make_client(uow_factory, rate_limit=3), new_key(uow_factory).key
        codes = [client.get("/api/v1/accounts/A1", headers=auth(key)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        response = client.get("/api/v1/accounts/A1", headers=auth(key))
        is_error(response, 429, "rate_limited")
        assert int(response.headers["Retry-After"]) >= 1

    def test_guessing_keys_is_rate_limited(self, uow_factory):
        seed(uow_factory)
        client = make_client(uow_factory, failure_limit=2)
        codes = [
            client.get("/api/v1/accounts/A1", headers=auth(f"ak_x_{n}")).status_code
            for n in range(3)
        ]
        assert codes == [401, 401, 429]


class TestOpenApi:
    def test_the_description_covers_the_api_only(self, api):
        client, _ = api
        document = client.get("/api/v1/openapi.json").json()
        assert set(document["paths"]) == {
            "/api/v1/payments",
            "/api/v1/payments/{reference}/reversal",
            "/api/v1/accounts/{account_ref}",
            "/api/v1/accounts/{account_ref}/payments",
        }
        assert "HTTPBearer" in document["components"]["securitySchemes"]
        amount = document["components"]["schemas"]["PaymentIn"]["properties"]["amount_minor"]
        assert amount["type"] == "integer" and amount["exclusiveMinimum"] == 0


class TestWebhook:
    @pytest.fixture
    def paying(self, uow_factory):
        fake = FakeGateway()
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        return make_client(uow_factory, fake), fake, intent

    def test_a_signed_webhook_records_the_payment_once(self, paying, uow_factory):
        client, fake, intent = paying
        body, headers = fake.webhook(intent, "succeeded", event_id="evt_1")
        first = client.post("/webhooks/payments/fake", content=body, headers=headers)
        assert first.json() == {"event": "evt_1", "result": "paid", "duplicate": False}
        again = client.post("/webhooks/payments/fake", content=body, headers=headers)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        with uow_factory() as uow:
            assert len(uow.session.scalars(select(PaymentRecord)).all()) == 1
            (row,) = uow.session.scalars(select(PaymentIntentRecord)).all()
            assert row.status == "succeeded"

    def test_a_forged_or_old_webhook_is_refused_and_changes_nothing(self, paying, uow_factory):
        client, fake, intent = paying
        body, headers = fake.webhook(intent, "succeeded")
        forged = body.replace(b"40000", b"40001")
        is_error(client.post("/webhooks/payments/fake", content=forged, headers=headers), 401)
        old = datetime.now(UTC) - timedelta(minutes=6)
        body, headers = fake.webhook(intent, "succeeded", signed_at=old)
        is_error(client.post("/webhooks/payments/fake", content=body, headers=headers), 401)
        is_error(client.post("/webhooks/payments/fake", content=body), 401)
        with uow_factory() as uow:
            assert not uow.session.scalars(select(PaymentRecord)).all()

    def test_an_unknown_gateway_is_404_and_a_bad_body_422(self, paying):
        client, fake, intent = paying
        body, headers = fake.webhook(intent, "succeeded")
        is_error(client.post("/webhooks/payments/paypal", content=body, headers=headers), 404)
        stamp = int(datetime.now(UTC).timestamp())
        signed = {"X-Gateway-Signature": signing.sign("fake-gateway-secret", b"[1]", stamp)}
        is_error(client.post("/webhooks/payments/fake", content=b"[1]", headers=signed), 422)
