"""The fake gateway: remembers checkouts and signs the webhooks it would send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from arrears.payments.gateways.base import GatewayError, WebhookSignatureError
from arrears.payments.gateways.fake import FakeGateway


def start(fake: FakeGateway, reference: str = "GW-1"):
    return fake.create_checkout(
        amount_minor=5000,
        currency="CNY",
        reference=reference,
        description="Account A1",
        return_url="http://x/r",
        locale="en-US",
    )


def test_a_checkout_is_idempotent_on_our_reference():
    fake = FakeGateway()
    first, again, other = start(fake), start(fake), start(fake, "GW-2")
    assert first == again and other.intent_id != first.intent_id
    assert fake.fetch(first.intent_id).amount_minor == 5000


def test_its_webhooks_verify_and_change_the_checkout():
    fake = FakeGateway()
    intent = start(fake).intent_id
    body, headers = fake.webhook(intent, "succeeded", event_id="evt_1")
    event = fake.verify_webhook(body, headers, datetime.now(UTC))
    assert (event.id, event.kind, event.reference, event.amount_minor) == (
        "evt_1",
        "succeeded",
        "GW-1",
        5000,
    )
    assert fake.fetch(intent).status == "succeeded"


def test_a_webhook_signed_with_another_secret_or_long_ago_is_refused():
    fake, other = FakeGateway(), FakeGateway(webhook_secret="other")
    intent = start(fake).intent_id
    body, headers = fake.webhook(intent, "failed")
    with pytest.raises(WebhookSignatureError):
        other.verify_webhook(body, headers, datetime.now(UTC))
    body, headers = fake.webhook(intent, "failed", signed_at=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(WebhookSignatureError, match="tolerance"):
        fake.verify_webhook(body, headers, datetime.now(UTC))


def test_a_failing_fake_raises_a_gateway_error():
    with pytest.raises(GatewayError):
        start(FakeGateway(fail=True))
