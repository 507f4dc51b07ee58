"""The Stripe adapter against recorded answers and events (tests/fixtures/stripe/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from arrears.payments.gateways import registry, signing
from arrears.payments.gateways.base import (
    GatewayConfigError,
    GatewayError,
    InvalidGatewayEvent,
    WebhookSignatureError,
)
from arrears.payments.gateways.stripe import SIGNATURE_HEADER, StripeGateway, parse_event

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "stripe"
KEY = "sk_test_51Qabc0123456789secretkey"
SECRET = "whsec_test_0123456789abcdef"
NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Recorder:
    """A MockTransport handler answering from fixtures and keeping the requests."""

    def __init__(self, *answers: tuple[int, bytes] | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


def gateway(recorder: Recorder) -> StripeGateway:
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    return StripeGateway(api_key=KEY, webhook_secret=SECRET, client=client)


def checkout(stripe: StripeGateway):
    return stripe.create_checkout(
        amount_minor=120000,
        currency="CNY",
        reference="GW-0123456789ABCDEF",
        description="Account XH-000123",
        return_url="http://127.0.0.1:8000/portal/pay/return",
        locale="zh-CN",
    )


class TestCheckout:
    def test_a_checkout_session_is_created_form_encoded_with_an_idempotency_key(self):
        recorder = Recorder((200, recorded("checkout_session_created.json")))
        result = checkout(gateway(recorder))
        assert result.intent_id == "cs_test_a1b2c3d4e5f6g7h8i9j0"
        assert result.redirect_url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
        assert result.status == "open"
        (request,) = recorder.requests
        assert request.method == "POST"
        assert request.url == "https://api.stripe.com/v1/checkout/sessions"
        assert request.headers["Authorization"] == f"Bearer {KEY}"
        assert request.headers["Idempotency-Key"] == "arrears-checkout-GW-0123456789ABCDEF"
        assert request.headers["Stripe-Version"] == "2024-06-20"
        assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        assert form["mode"] == "payment"
        assert form["line_items[0][price_data][currency]"] == "cny"
        assert form["line_items[0][price_data][unit_amount]"] == "120000"
        assert form["line_items[0][quantity]"] == "1"
        assert form["payment_intent_data[metadata][reference]"] == "GW-0123456789ABCDEF"
        assert form["client_reference_id"] == "GW-0123456789ABCDEF"
        assert form["locale"] == "zh"
        assert form["success_url"].endswith("?intent={CHECKOUT_SESSION_ID}")
        assert form["cancel_url"].endswith("?status=cancelled")

    def test_a_network_failure_is_retried_with_the_same_key(self):
        recorder = Recorder(
            httpx.ConnectError("reset"), (200, recorded("checkout_session_created.json"))
        )
        assert checkout(gateway(recorder)).intent_id.startswith("cs_test_")
        keys = {r.headers["Idempotency-Key"] for r in recorder.requests}
        assert len(recorder.requests) == 2 and len(keys) == 1

    def test_a_refusal_names_the_code_and_parameter_but_no_secret(self):
        recorder = Recorder((400, recorded("error_invalid_request.json")))
        with pytest.raises(GatewayError) as caught:
            checkout(gateway(recorder))
        message = str(caught.value)
        assert "parameter_invalid_integer" in message and "unit_amount" in message
        assert KEY not in message and "abc" not in message
        assert caught.value.http_status == 502

    def test_stripe_down_is_a_gateway_error(self):
        recorder = Recorder(httpx.ConnectError("down"), httpx.ConnectError("down"))
        with pytest.raises(GatewayError, match="not reachable"):
            checkout(gateway(recorder))


class TestFetch:
    def test_a_paid_session_reads_as_succeeded_with_its_payment_intent(self):
        recorder = Recorder((200, recorded("checkout_session_paid.json")))
        found = gateway(recorder).fetch("cs_test_a1b2c3d4e5f6g7h8i9j0")
        assert (found.status, found.amount_minor, found.currency) == ("succeeded", 120000, "CNY")
        assert found.payment_id == "pi_3QabcDEF0123456789"
        assert found.reference == "GW-0123456789ABCDEF"
        assert recorder.requests[0].url.params["expand[]"] == "payment_intent"

    def test_a_payment_intent_is_read_directly(self):
        recorder = Recorder((200, recorded("payment_intent_succeeded.json")))
        found = gateway(recorder).fetch("pi_3QabcDEF0123456789")
        assert found.status == "succeeded" and found.reference == "GW-0123456789ABCDEF"
        assert recorder.requests[0].url.path == "/v1/payment_intents/pi_3QabcDEF0123456789"


def signed(body: bytes, at: datetime = NOW, secret: str = SECRET) -> dict[str, str]:
    return {SIGNATURE_HEADER: signing.sign(secret, body, int(at.timestamp()))}


class TestSignatures:
    body = recorded("event_payment_intent_succeeded.json")

    def test_a_correct_signature_is_accepted(self):
        event = gateway(Recorder()).verify_webhook(self.body, signed(self.body), NOW)
        assert event.kind == "succeeded"

    def test_the_header_name_is_case_insensitive(self):
        headers = {k.lower(): v for k, v in signed(self.body).items()}
        assert gateway(Recorder()).verify_webhook(self.body, headers, NOW).id

    def test_one_good_signature_among_several_is_enough(self):
        stamp = int(NOW.timestamp())
        good = signing.digest(SECRET, stamp, self.body)
        headers = {SIGNATURE_HEADER: f"t={stamp},v1={'0' * 64},v1={good},v0=legacy"}
        assert gateway(Recorder()).verify_webhook(self.body, headers, NOW).id

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {SIGNATURE_HEADER: "garbage"},
            {SIGNATURE_HEADER: "t=abc,v1=00"},
            signed(b"{}"),
            signed(recorded("event_payment_intent_succeeded.json"), secret="whsec_wrong"),
        ],
        ids=["missing", "malformed", "bad-timestamp", "other-body", "wrong-secret"],
    )
    def test_a_bad_signature_is_refused(self, headers):
        with pytest.raises(WebhookSignatureError) as caught:
            gateway(Recorder()).verify_webhook(self.body, headers, NOW)
        assert caught.value.http_status == 401

    def test_an_old_signature_is_a_replay(self):
        old = datetime(2026, 11, 23, 3, 54, 59, tzinfo=UTC)  # 5 min 1 s before NOW
        with pytest.raises(WebhookSignatureError, match="tolerance"):
            gateway(Recorder()).verify_webhook(self.body, signed(self.body, old), NOW)

    def test_a_tampered_body_is_refused(self):
        headers = signed(self.body)
        tampered = self.body.replace(b"120000", b"999999")
        with pytest.raises(WebhookSignatureError, match="does not match"):
            gateway(Recorder()).verify_webhook(tampered, headers, NOW)


class TestEvents:
    @pytest.mark.parametrize(
        ("name", "kind", "intent", "amount"),
        [
            ("event_payment_intent_succeeded.json", "succeeded", "pi_3QabcDEF0123456789", 120000),
            ("event_payment_intent_processing.json", "pending", "pi_3QabcDEF0123456789", 120000),
            ("event_payment_intent_payment_failed.json", "failed", "pi_3QabcDEF0123456789", 120000),
            ("event_charge_refunded.json", "refunded", "pi_3QabcDEF0123456789", 120000),
            ("event_charge_dispute_created.json", "chargeback", "pi_3QabcDEF0123456789", 120000),
            ("event_customer_created.json", "ignored", "cus_QabcDEF0123456", 0),
        ],
    )
    def test_each_documented_event_maps_to_a_kind(self, name, kind, intent, amount):
        event = parse_event(recorded(name))
        assert (event.kind, event.intent_id, event.amount_minor) == (kind, intent, amount)
        assert event.id.startswith("evt_")
        assert event.occurred_at.tzinfo is not None

    def test_payment_intent_events_carry_our_reference_and_currency(self):
        event = parse_event(recorded("event_payment_intent_succeeded.json"))
        assert (event.reference, event.currency) == ("GW-0123456789ABCDEF", "CNY")

    def test_a_decline_and_a_dispute_say_why(self):
        assert parse_event(recorded("event_payment_intent_payment_failed.json")).detail == (
            "insufficient_funds"
        )
        assert parse_event(recorded("event_charge_dispute_created.json")).detail == "fraudulent"

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"[]",
            b'{"object": "event"}',
            json.dumps(
                {
                    "object": "event",
                    "id": "evt_1",
                    "type": "payment_intent.succeeded",
                    "created": 1,
                    "data": {"object": {"id": "pi_1"}},
                }
            ).encode(),
        ],
    )
    def test_a_malformed_event_is_a_clear_error(self, body):
        with pytest.raises(InvalidGatewayEvent):
            parse_event(body)


class TestRegistry:
    def test_secrets_come_from_the_environment(self):
        env = {"K": KEY, "S": SECRET}
        stripe = registry.create(
            "stripe", {"api_key_env": "K", "webhook_secret_env": "S"}, environ=env
        )
        assert stripe.name == "stripe"

    def test_a_missing_secret_names_the_setting_not_a_value(self):
        with pytest.raises(GatewayConfigError, match="STRIPE_KEY is not set") as caught:
            registry.create(
                "stripe", {"api_key_env": "STRIPE_KEY", "webhook_secret": "x"}, environ={}
            )
        assert caught.value.setting == "api_key_env"

    def test_unknown_settings_and_gateways_are_refused(self):
        with pytest.raises(GatewayConfigError, match="unknown setting"):
            registry.create("fake", {"colour": "red"})
        with pytest.raises(GatewayConfigError, match="known: fake, sandbox, stripe"):
            registry.create("paypal", {})

    def test_masked_hides_secret_values_but_not_env_names(self):
        shown = registry.masked({"api_key": KEY, "api_key_env": "K", "base_url": "u"})
        assert shown == {"api_key": "********", "api_key_env": "K", "base_url": "u"}
