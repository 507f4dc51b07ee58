"""The sandbox adapter against the sandbox gateway the project ships, over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from arrears.payments.gateways.base import GatewayError
from arrears.payments.gateways.sandbox import SIGNATURE_HEADER, SandboxGateway
from tests.fixtures.gateway import GatewayServer
from tests.fixtures.sms import WebhookReceiver

RETURN = "http://127.0.0.1:9/portal/pay/return"


def start(
    server: GatewayServer | SandboxGateway, reference: str = "GW-TEST-1", amount: int = 12345
):
    gateway = server.gateway if isinstance(server, GatewayServer) else server
    return gateway.create_checkout(
        amount_minor=amount,
        currency="CNY",
        reference=reference,
        description="Account A1",
        return_url=RETURN,
        locale="zh-CN",
    )


@pytest.fixture
def wired(sandbox_gateway: GatewayServer, webhook_receiver: WebhookReceiver) -> GatewayServer:
    sandbox_gateway.set_webhook(f"{webhook_receiver.url}/webhooks/payments/sandbox")
    return sandbox_gateway


def pay(server: GatewayServer, intent: str, **form: str) -> httpx.Response:
    return httpx.post(f"{server.url}/pay/{intent}", data=form, follow_redirects=False)


class TestApi:
    def test_a_checkout_is_created_once_per_reference(self, sandbox_gateway):
        first = start(sandbox_gateway)
        assert first.redirect_url == f"{sandbox_gateway.url}/pay/{first.intent_id}"
        assert first.status == "open"
        assert start(sandbox_gateway) == first
        found = sandbox_gateway.gateway.fetch(first.intent_id)
        assert (found.amount_minor, found.currency, found.reference) == (12345, "CNY", "GW-TEST-1")

    def test_a_wrong_key_or_an_unknown_checkout_is_a_gateway_error(self, sandbox_gateway):
        stranger = SandboxGateway(base_url=sandbox_gateway.url, api_key="wrong", webhook_secret="x")
        with pytest.raises(GatewayError, match="401"):
            start(stranger)
        with pytest.raises(GatewayError, match="404"):
            sandbox_gateway.gateway.fetch("sbx_nope")

    def test_a_gateway_that_is_not_running_is_a_gateway_error(self):
        down = SandboxGateway(base_url="http://127.0.0.1:9", webhook_secret="x", timeout=1)
        with pytest.raises(GatewayError, match="not reachable"):
            down.fetch("sbx_1")


class TestHostedPage:
    def test_the_page_shows_the_amount_and_labelled_controls(self, sandbox_gateway):
        checkout = start(sandbox_gateway)
        page = httpx.get(checkout.redirect_url)
        assert page.status_code == 200 and 'lang="zh-CN"' in page.text
        assert "¥123.45" in page.text and '<label for="card">' in page.text
        assert 'value="succeeded"' in page.text and 'value="pending"' in page.text

    def test_a_test_card_pays_signs_a_webhook_and_returns_to_the_merchant(
        self, wired, webhook_receiver
    ):
        checkout = start(wired)
        response = pay(wired, checkout.intent_id, card="4242 4242 4242 4242")
        assert response.status_code == 303
        assert response.headers["location"] == (
            f"{RETURN}?intent={checkout.intent_id}&status=succeeded"
        )
        (request,) = webhook_receiver.wait_for(1)
        assert request.path == "/webhooks/payments/sandbox"
        event = wired.gateway.verify_webhook(request.body, request.headers, datetime.now(UTC))
        assert (event.kind, event.intent_id, event.amount_minor, event.reference) == (
            "succeeded",
            checkout.intent_id,
            12345,
            "GW-TEST-1",
        )
        assert SIGNATURE_HEADER.lower() in request.headers
        assert wired.gateway.fetch(checkout.intent_id).status == "succeeded"

    def test_a_declined_card_fails(self, wired, webhook_receiver):
        checkout = start(wired)
        assert pay(wired, checkout.intent_id, card="4000000000000002").status_code == 303
        (request,) = webhook_receiver.wait_for(1)
        event = wired.gateway.verify_webhook(request.body, request.headers, datetime.now(UTC))
        assert (event.kind, event.detail) == ("failed", "card_declined")

    def test_pending_settles_later_then_refund_and_chargeback(self, wired, webhook_receiver):
        checkout = start(wired)
        pay(wired, checkout.intent_id, outcome="pending")
        wired.settle(checkout.intent_id)
        wired.refund(checkout.intent_id)
        other = start(wired, "GW-TEST-2")
        pay(wired, other.intent_id, outcome="succeeded")
        wired.chargeback(other.intent_id)
        kinds = [
            wired.gateway.verify_webhook(r.body, r.headers, datetime.now(UTC)).kind
            for r in webhook_receiver.wait_for(5)
        ]
        assert kinds == ["pending", "succeeded", "refunded", "succeeded", "chargeback"]

    def test_an_unknown_card_shows_the_test_cards_and_a_paid_page_cannot_pay_again(self, wired):
        checkout = start(wired)
        wrong = pay(wired, checkout.intent_id, card="1234")
        assert wrong.status_code == 422 and 'role="alert"' in wrong.text
        pay(wired, checkout.intent_id, outcome="succeeded")
        again = pay(wired, checkout.intent_id, outcome="succeeded")
        assert again.status_code == 409 and "succeeded" in again.text
        assert httpx.get(checkout.redirect_url).text.count("<form") == 0

    def test_a_failed_webhook_is_retried(self, wired, webhook_receiver):
        webhook_receiver.fail_next(1)
        checkout = start(wired)
        pay(wired, checkout.intent_id, outcome="succeeded")
        first, second = webhook_receiver.wait_for(2)
        assert first.body == second.body
        assert wired.state.deliveries[-1]["status"] == 200
