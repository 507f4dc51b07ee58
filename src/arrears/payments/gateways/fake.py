"""A gateway in memory, for tests and demos: checkouts are remembered, events are signed here.

``webhook(intent_id, kind)`` builds the body and headers the gateway would
POST (the sandbox's webhook format, signed with the fake's secret), so a test
can drive the real webhook endpoint or ``verify_webhook`` + the intake service
without a network.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from arrears.payments.gateways import signing
from arrears.payments.gateways.base import (
    Checkout,
    CheckoutStatus,
    GatewayError,
    GatewayEvent,
    GatewayPayment,
    header,
)
from arrears.payments.gateways.sandbox import SIGNATURE_HEADER, event_payload, parse_event

_STATUS_AFTER: dict[str, CheckoutStatus] = {
    "succeeded": "succeeded",
    "failed": "failed",
    "pending": "pending",
    "refunded": "refunded",
    "chargeback": "chargeback",
}


@dataclass
class FakeCheckout:
    intent_id: str
    amount_minor: int
    currency: str
    reference: str
    description: str
    return_url: str
    locale: str
    status: CheckoutStatus = "open"


class FakeGateway:
    """The ``fake`` gateway: nothing leaves the process."""

    name = "fake"
    checkout_origins: tuple[str, ...] = ()  # no page: tests settle checkouts directly

    def __init__(self, *, webhook_secret: str = "fake-gateway-secret", fail: bool = False) -> None:
        self._secret = webhook_secret
        self.fail = fail  # True: create_checkout raises GatewayError (the gateway is down)
        self.checkouts: dict[str, FakeCheckout] = {}

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> FakeGateway:
        return cls(**settings)

    def create_checkout(
        self,
        *,
        amount_minor: int,
        currency: str,
        reference: str,
        description: str,
        return_url: str,
        locale: str,
    ) -> Checkout:
        if self.fail:
            raise GatewayError("the fake gateway is set to fail")
        for checkout in self.checkouts.values():
            if checkout.reference == reference:  # idempotent on our reference
                return Checkout(checkout.intent_id, self._url(checkout.intent_id), checkout.status)
        intent_id = f"fake_{uuid.uuid4().hex[:16]}"
        self.checkouts[intent_id] = FakeCheckout(
            intent_id, amount_minor, currency, reference, description, return_url, locale
        )
        return Checkout(intent_id, self._url(intent_id), "open")

    def fetch(self, intent_id: str) -> GatewayPayment:
        checkout = self.checkouts.get(intent_id)
        if checkout is None:
            raise GatewayError(f"the fake gateway has no checkout {intent_id}")
        return GatewayPayment(
            intent_id, checkout.status, checkout.amount_minor, checkout.currency, checkout.reference
        )

    def verify_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> GatewayEvent:
        signing.verify(
            self._secret,
            body,
            header(headers, SIGNATURE_HEADER),
            header_name=SIGNATURE_HEADER,
            now=now,
        )
        return parse_event(body)

    def webhook(
        self,
        intent_id: str,
        kind: str,
        *,
        amount_minor: int | None = None,
        event_id: str | None = None,
        at: datetime | None = None,
        signed_at: datetime | None = None,
        detail: str | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The signed webhook the gateway would send about ``intent_id`` (and its new status)."""
        checkout = self.checkouts[intent_id]
        if kind in _STATUS_AFTER:
            checkout.status = _STATUS_AFTER[kind]
        moment = at or datetime.now(UTC)
        payload = event_payload(
            event_id=event_id or f"evt_{uuid.uuid4().hex[:16]}",
            kind=kind,
            intent_id=intent_id,
            amount_minor=checkout.amount_minor if amount_minor is None else amount_minor,
            currency=checkout.currency,
            reference=checkout.reference,
            occurred_at=moment,
            detail=detail,
        )
        body = json.dumps(payload).encode("utf-8")
        stamp = int((signed_at or datetime.now(UTC)).timestamp())
        return body, {
            SIGNATURE_HEADER: signing.sign(self._secret, body, stamp),
            "Content-Type": "application/json",
        }

    def event(self, intent_id: str, kind: str, **options: Any) -> GatewayEvent:
        """The verified event of :meth:`webhook` (for service tests)."""
        body, headers = self.webhook(intent_id, kind, **options)
        return self.verify_webhook(body, headers, datetime.now(UTC))

    @staticmethod
    def _url(intent_id: str) -> str:
        return f"https://fake-gateway.invalid/pay/{intent_id}"
