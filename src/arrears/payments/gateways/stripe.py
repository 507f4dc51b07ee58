"""Stripe, against its documented HTTP API (form-encoded requests, JSON answers).

- **Checkout.** ``create_checkout`` creates a Checkout Session
  (``POST /v1/checkout/sessions``, ``mode=payment``): Stripe's hosted payment
  page, which creates and confirms a *PaymentIntent* for the amount. Our
  reference travels as ``client_reference_id`` and as the PaymentIntent's
  ``metadata[reference]`` (``payment_intent_data[metadata][reference]``), so
  every PaymentIntent event names it. The request carries an
  ``Idempotency-Key`` derived from our reference: a retry after a timeout
  returns the same session instead of a second one.
- **Reading.** ``fetch`` reads a session (``cs_…``, with its PaymentIntent
  expanded) or a PaymentIntent (``pi_…``, ``GET /v1/payment_intents/{id}``).
- **Webhooks.** ``Stripe-Signature: t=…,v1=…`` is HMAC-SHA256 of
  ``"{t}.{body}"`` with the endpoint's signing secret (``whsec_…``), with five
  minutes of tolerance (:mod:`.signing`). Events mapped:

  ===============================  ============  ==================================
  Stripe event                     kind          amount
  ===============================  ============  ==================================
  ``payment_intent.succeeded``     succeeded     ``amount_received``
  ``payment_intent.processing``    pending       ``amount``
  ``payment_intent.payment_failed`` failed       ``amount`` (decline code as detail)
  ``payment_intent.canceled``      failed        ``amount``
  ``charge.refunded``              refunded      ``amount_refunded`` (cumulative)
  ``charge.dispute.created``       chargeback    the dispute's ``amount``
  anything else                    ignored       0 (acknowledged, changes nothing)
  ===============================  ============  ==================================

Stripe amounts are in the currency's smallest unit, which is our minor unit for
every currency in :mod:`arrears.core.currency` (Stripe's own exceptions, e.g.
HUF and ISK, are not in that table). Currencies are lower case at Stripe.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from arrears.kit.signing import TOLERANCE_SECONDS
from arrears.payments.gateways import signing
from arrears.payments.gateways.base import (
    Checkout,
    CheckoutStatus,
    EventKind,
    GatewayError,
    GatewayEvent,
    GatewayPayment,
    InvalidGatewayEvent,
    header,
)

API_BASE = "https://api.stripe.com"
API_VERSION = "2024-06-20"
SIGNATURE_HEADER = "Stripe-Signature"
_LOCALES = {"zh-CN": "zh", "zh-HK": "zh-HK", "zh-TW": "zh-TW", "en-US": "en", "en-GB": "en-GB"}
_PI_STATUS: dict[str, CheckoutStatus] = {
    "succeeded": "succeeded",
    "processing": "pending",
    "canceled": "failed",
    "requires_payment_method": "open",
    "requires_confirmation": "open",
    "requires_action": "open",
    "requires_capture": "pending",
}


class StripeGateway:
    """The ``stripe`` gateway (Checkout Sessions creating PaymentIntents)."""

    name = "stripe"
    # Checkout Sessions are hosted by Stripe on its own origin, not on the API's.
    checkout_origins: tuple[str, ...] = ("https://checkout.stripe.com",)

    def __init__(
        self,
        *,
        api_key: str,
        webhook_secret: str,
        base_url: str = API_BASE,
        api_version: str = API_VERSION,
        timeout: float = 20.0,
        tolerance: int = TOLERANCE_SECONDS,
        client: httpx.Client | None = None,
    ) -> None:
        self._api_key = api_key
        self._secret = webhook_secret
        self.base_url = base_url.rstrip("/")
        self._version = api_version
        self._tolerance = tolerance
        self._client = client or httpx.Client(timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> StripeGateway:
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
        form = {
            "mode": "payment",
            "client_reference_id": reference,
            "success_url": _with_query(return_url, "intent={CHECKOUT_SESSION_ID}"),
            "cancel_url": _with_query(return_url, urlencode({"status": "cancelled"})),
            "locale": _LOCALES.get(locale, "auto"),
            "line_items[0][quantity]": "1",
            "line_items[0][price_data][currency]": currency.lower(),
            "line_items[0][price_data][unit_amount]": str(amount_minor),
            "line_items[0][price_data][product_data][name]": description,
            "payment_intent_data[description]": description,
            "payment_intent_data[metadata][reference]": reference,
            "metadata[reference]": reference,
        }
        data = self._request(
            "POST",
            "/v1/checkout/sessions",
            form=form,
            idempotency_key=f"arrears-checkout-{reference}",
        )
        return Checkout(
            intent_id=_text(data, "id"),
            redirect_url=_text(data, "url"),
            status=_session_status(data),
        )

    def fetch(self, intent_id: str) -> GatewayPayment:
        if intent_id.startswith("cs_"):
            data = self._request(
                "GET", f"/v1/checkout/sessions/{intent_id}", params={"expand[]": "payment_intent"}
            )
            intent = data.get("payment_intent")
            paid = intent.get("id") if isinstance(intent, dict) else intent
            metadata = data.get("metadata") or {}
            return GatewayPayment(
                intent_id=_text(data, "id"),
                status=_session_status(data),
                amount_minor=int(data.get("amount_total") or 0),
                currency=str(data.get("currency") or "").upper(),
                reference=metadata.get("reference"),
                payment_id=paid,
            )
        data = self._request("GET", f"/v1/payment_intents/{intent_id}")
        return GatewayPayment(
            intent_id=_text(data, "id"),
            status=_intent_status(data),
            amount_minor=int(data.get("amount") or 0),
            currency=str(data.get("currency") or "").upper(),
            reference=(data.get("metadata") or {}).get("reference"),
            payment_id=_text(data, "id"),
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
            tolerance=self._tolerance,
        )
        return parse_event(body)

    def close(self) -> None:
        self._client.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._api_key}", "Stripe-Version": self._version}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        # A retry with the same idempotency key is safe: Stripe answers as the first time.
        attempts = 2 if idempotency_key or method == "GET" else 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.request(
                    method, self.base_url + path, data=form, params=params, headers=headers
                )
            except httpx.HTTPError as exc:
                if attempt < attempts:
                    continue
                raise GatewayError(f"Stripe is not reachable: {type(exc).__name__}") from exc
            if response.status_code >= 500 and attempt < attempts:
                continue
            return _answer(response)
        raise AssertionError("unreachable")  # pragma: no cover


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise GatewayError(f"Stripe answered {response.status_code} without JSON") from exc
    if not response.is_success:
        error = data.get("error") if isinstance(data, dict) else None
        error = error if isinstance(error, dict) else {}
        # Type and code only: Stripe's message may quote a (masked) key or a parameter value.
        what = error.get("code") or error.get("type") or "error"
        param = f", parameter {error['param']}" if error.get("param") else ""
        raise GatewayError(f"Stripe refused the request ({response.status_code} {what}{param})")
    if not isinstance(data, dict):
        raise GatewayError("Stripe answered with something that is not an object")
    return data


def _with_query(url: str, query: str) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{query}"


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise GatewayError(f"Stripe's answer has no '{key}'")
    return value


def _session_status(data: Mapping[str, Any]) -> CheckoutStatus:
    if data.get("payment_status") == "paid":
        return "succeeded"
    if data.get("status") == "expired":
        return "failed"
    intent = data.get("payment_intent")
    if isinstance(intent, dict):
        return _intent_status(intent)
    return "open"


def _intent_status(data: Mapping[str, Any]) -> CheckoutStatus:
    status = str(data.get("status"))
    if status == "requires_payment_method" and data.get("last_payment_error"):
        return "failed"
    return _PI_STATUS.get(status, "open")


# -- events ----------------------------------------------------------------------------------


def parse_event(body: bytes) -> GatewayEvent:
    """A :class:`GatewayEvent` from a (verified) Stripe event body."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidGatewayEvent("webhook body is not JSON") from exc
    if not isinstance(data, dict) or data.get("object") != "event":
        raise InvalidGatewayEvent("webhook body must be a Stripe event object")
    event_id, kind_name, created = data.get("id"), data.get("type"), data.get("created")
    holder = data.get("data")
    obj = holder.get("object") if isinstance(holder, dict) else None
    if not isinstance(event_id, str) or not event_id or not isinstance(kind_name, str):
        raise InvalidGatewayEvent("a Stripe event needs 'id' and 'type'")
    if not isinstance(created, int) or not isinstance(obj, dict):
        raise InvalidGatewayEvent("a Stripe event needs 'created' and 'data.object'")
    kind, intent_id, amount, detail = _mapped(kind_name, obj)
    currency = obj.get("currency")
    return GatewayEvent(
        id=event_id,
        kind=kind,
        intent_id=intent_id,
        amount_minor=amount,
        currency=currency.upper() if isinstance(currency, str) and len(currency) == 3 else "XXX",
        occurred_at=datetime.fromtimestamp(created, UTC),
        reference=_reference(obj),
        detail=detail,
    )


def _mapped(kind_name: str, obj: Mapping[str, Any]) -> tuple[EventKind, str, int, str | None]:
    """(kind, intent id, amount, detail) of one Stripe event's object."""
    if kind_name.startswith("payment_intent."):
        intent_id, amount = _id(obj, "id"), _amount(obj, "amount")
        if kind_name == "payment_intent.succeeded":
            return "succeeded", intent_id, _amount(obj, "amount_received"), None
        if kind_name == "payment_intent.processing":
            return "pending", intent_id, amount, None
        if kind_name in ("payment_intent.payment_failed", "payment_intent.canceled"):
            return "failed", intent_id, amount, _decline(obj)
    if kind_name == "charge.refunded":
        intent_id = obj.get("payment_intent") or _id(obj, "id")
        return "refunded", str(intent_id), _amount(obj, "amount_refunded"), None
    if kind_name == "charge.dispute.created":
        intent_id = obj.get("payment_intent") or obj.get("charge") or _id(obj, "id")
        reason = obj.get("reason")
        return "chargeback", str(intent_id), _amount(obj, "amount"), _short(reason)
    found = obj.get("id")
    return "ignored", found if isinstance(found, str) and found else "-", 0, kind_name[:100]


def _id(obj: Mapping[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidGatewayEvent(f"the event's object has no '{key}'")
    return value


def _amount(obj: Mapping[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidGatewayEvent(f"the event's object has no amount '{key}'")
    return value


def _reference(obj: Mapping[str, Any]) -> str | None:
    metadata = obj.get("metadata")
    found = metadata.get("reference") if isinstance(metadata, dict) else None
    return found if isinstance(found, str) and found else None


def _decline(obj: Mapping[str, Any]) -> str | None:
    error = obj.get("last_payment_error")
    if not isinstance(error, dict):
        return None
    return _short(error.get("decline_code") or error.get("code"))


def _short(value: object) -> str | None:
    return value[:100] if isinstance(value, str) and value else None
