"""Signed webhooks: verification, parsing, and the sandbox delivering them for real."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import httpx
import pytest

from arrears.channels.base import OutgoingMessage
from arrears.channels.receipts import (
    SIGNATURE_HEADER,
    InvalidSignature,
    InvalidWebhook,
    parse_inbound_sms,
    parse_receipt,
    sign,
    verify_signature,
)
from arrears.channels.sms_http import HttpSmsChannel
from tests.fixtures.sms import WEBHOOK_SECRET, SmsSandboxServer, WebhookReceiver

SECRET = "whsec-unit"
NOW = 1_790_000_000
RECEIPT = {
    "id": "SM0123",
    "reference": "plan:7:step:2",
    "status": "delivered",
    "error": None,
    "at": "2026-11-20T09:00:01.250Z",
}


def body(payload: object) -> bytes:
    return json.dumps(payload).encode("utf-8")


def test_a_signed_receipt_is_parsed() -> None:
    raw = body(RECEIPT)
    receipt = parse_receipt(raw, sign(SECRET, raw, NOW), SECRET, now=NOW + 10)
    assert receipt.id == "SM0123"
    assert receipt.reference == "plan:7:step:2"
    assert receipt.status == "delivered"
    assert receipt.error is None
    assert receipt.at == datetime(2026, 11, 20, 9, 0, 1, 250_000, tzinfo=UTC)


def test_the_header_format() -> None:
    header = sign(SECRET, b"{}", NOW)
    assert header.startswith(f"t={NOW},v1=")
    assert len(header.split("v1=")[1]) == 64


@pytest.mark.parametrize(
    ("raw", "header_for", "message"),
    [
        (body({**RECEIPT, "status": "failed"}), body(RECEIPT), "does not match"),  # tampered
        (body(RECEIPT), None, "missing"),
        (body(RECEIPT), b"garbage", "malformed"),
    ],
)
def test_tampered_or_missing_signatures_are_rejected(
    raw: bytes, header_for: bytes | None, message: str
) -> None:
    if header_for is None:
        header = None
    elif header_for == b"garbage":
        header = "v1=abc"
    else:
        header = sign(SECRET, header_for, NOW)
    with pytest.raises(InvalidSignature, match=message) as caught:
        parse_receipt(raw, header, SECRET, now=NOW)
    assert caught.value.http_status == 401


def test_wrong_secret_is_rejected() -> None:
    raw = body(RECEIPT)
    with pytest.raises(InvalidSignature):
        verify_signature("other", raw, sign(SECRET, raw, NOW), now=NOW)


def test_an_old_signature_is_a_replay() -> None:
    raw = body(RECEIPT)
    header = sign(SECRET, raw, NOW)
    verify_signature(SECRET, raw, header, now=NOW + 299)
    with pytest.raises(InvalidSignature, match="replayed or stale"):
        verify_signature(SECRET, raw, header, now=NOW + 301)
    with pytest.raises(InvalidSignature, match="replayed or stale"):
        verify_signature(SECRET, raw, header, now=NOW - 301)


def test_moving_the_timestamp_breaks_the_signature() -> None:
    raw = body(RECEIPT)
    digest = sign(SECRET, raw, NOW).split(",v1=")[1]
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(SECRET, raw, f"t={NOW + 250},v1={digest}", now=NOW + 250)


def test_any_of_several_signatures_may_match() -> None:
    raw = body(RECEIPT)
    good = sign(SECRET, raw, NOW).split(",v1=")[1]
    verify_signature(SECRET, raw, f"t={NOW},v1={'0' * 64},v1={good}", now=NOW)


@pytest.mark.parametrize(
    "payload",
    [
        {**RECEIPT, "status": "lost"},
        {**RECEIPT, "id": ""},
        {**RECEIPT, "at": "yesterday"},
        {**RECEIPT, "at": "2026-11-20T09:00:00"},  # no offset
        ["not", "an", "object"],
    ],
)
def test_a_signed_but_malformed_receipt_is_invalid(payload: object) -> None:
    raw = body(payload)
    with pytest.raises(InvalidWebhook):
        parse_receipt(raw, sign(SECRET, raw, NOW), SECRET, now=NOW)


def test_inbound_sms_is_parsed() -> None:
    payload = {
        "id": "IN1",
        "from": "+8613800138000",
        "to": "ARREARS",
        "text": "我下周一还款",
        "received_at": "2026-11-20T10:00:00Z",
    }
    raw = body(payload)
    inbound = parse_inbound_sms(raw, sign(SECRET, raw, NOW), SECRET, now=NOW)
    assert inbound.sender == "+8613800138000"
    assert inbound.text == "我下周一还款"
    assert inbound.received_at.tzinfo is not None


# -- end to end with the sandbox -------------------------------------------------------------


def test_the_sandbox_posts_signed_receipts(
    sms_sandbox_with_webhooks: SmsSandboxServer, webhook_receiver: WebhookReceiver
) -> None:
    server = sms_sandbox_with_webhooks
    messages = [
        OutgoingMessage("r:ok", "sms", "+8613800138000", "", "hello"),
        OutgoingMessage("r:gone", "sms", "+8613800000000", "", "hello"),  # ends 0000
    ]
    with HttpSmsChannel(server.url, api_key=server.api_key, sender_id="ARREARS") as adapter:
        results = adapter.send_many(messages)
    requests = webhook_receiver.wait_for(2, path="/receipts")
    receipts = {}
    for request in requests:
        receipt = parse_receipt(
            request.body, request.headers[SIGNATURE_HEADER.lower()], WEBHOOK_SECRET
        )
        receipts[receipt.reference] = receipt
    assert receipts["r:ok"].status == "delivered"
    assert receipts["r:ok"].id == results[0].provider_id
    assert receipts["r:gone"].status == "undeliverable"
    assert receipts["r:gone"].error == "unknown subscriber"
    assert server.state.get(str(results[1].provider_id))["status"] == "undeliverable"  # type: ignore[index]


def test_a_refused_receipt_is_retried(
    sms_sandbox_with_webhooks: SmsSandboxServer, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.fail_next(1)
    server = sms_sandbox_with_webhooks
    with HttpSmsChannel(server.url, api_key=server.api_key, sender_id="ARREARS") as adapter:
        adapter.send(OutgoingMessage("retry-me", "sms", "+8613800138000", "", "hello"))
    first, second = webhook_receiver.wait_for(2, path="/receipts")
    assert first.body == second.body
    parse_receipt(second.body, second.headers[SIGNATURE_HEADER.lower()], WEBHOOK_SECRET)


def test_simulated_inbound_sms_reaches_the_receiver(
    sms_sandbox_with_webhooks: SmsSandboxServer, webhook_receiver: WebhookReceiver
) -> None:
    server = sms_sandbox_with_webhooks
    response = httpx.post(
        f"{server.url}/v1/simulate/inbound",
        json={"from": "+8613800138000", "to": "ARREARS", "text": "已还款，请查收"},
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert response.status_code == 200
    [request] = webhook_receiver.wait_for(1, path="/inbound")
    inbound = parse_inbound_sms(
        request.body, request.headers[SIGNATURE_HEADER.lower()], WEBHOOK_SECRET, now=time.time()
    )
    assert inbound.id == response.json()["id"]
    assert inbound.sender == "+8613800138000"
    assert inbound.text == "已还款，请查收"


def test_simulated_inbound_needs_a_configured_url(sms_sandbox: SmsSandboxServer) -> None:
    response = httpx.post(
        f"{sms_sandbox.url}/v1/simulate/inbound",
        json={"from": "+8613800138000", "to": "ARREARS", "text": "hi"},
        headers={"Authorization": f"Bearer {sms_sandbox.api_key}"},
    )
    assert response.status_code == 409
    assert "inbound_url" in response.json()["error"]


def test_simulated_inbound_reports_a_receiver_that_refuses(
    sms_sandbox_with_webhooks: SmsSandboxServer, webhook_receiver: WebhookReceiver
) -> None:
    webhook_receiver.fail_next(10)
    server = sms_sandbox_with_webhooks
    response = httpx.post(
        f"{server.url}/v1/simulate/inbound",
        json={"from": "+8613800138000", "to": "ARREARS", "text": "hi"},
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    assert response.status_code == 502
    assert len(webhook_receiver.wait_for(3, path="/inbound")) == 3  # bounded retry
