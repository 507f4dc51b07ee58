"""The client of the sandbox gateway the project ships (:mod:`arrears.sandbox.payment_gateway`).

The sandbox speaks a small JSON API (all but ``/health`` and the hosted page
need ``Authorization: Bearer <api key>``):

``POST /v1/checkouts``            ``{"amount_minor", "currency", "reference", "description",
                                  "return_url", "locale"}`` → 201 ``{"id", "status", "url", ...}``;
                                  a known reference → 200 with the same checkout
``GET  /v1/checkouts/{id}``       the checkout: ``{"id", "status", "amount_minor", "currency",
                                  "reference", ...}``
``GET  /pay/{id}``                the hosted payment page the debtor is sent to

and POSTs signed webhooks (``X-Gateway-Signature: t=..,v1=..``, see
:mod:`.signing`) whose JSON body is::

    {"id": "evt_...", "type": "succeeded|failed|pending|refunded|chargeback",
     "intent": "<checkout id>", "amount_minor": 1000, "currency": "CNY",
     "reference": "<ours>", "occurred_at": "2026-11-23T04:00:00Z", "detail": null}

:func:`event_payload` and :func:`parse_event` are both halves of that body;
the sandbox server and the fake gateway use them too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from arrears.payments.gateways import signing
from arrears.payments.gateways.base import (
    CHECKOUT_STATUSES,
    EVENT_KINDS,
    Checkout,
    CheckoutStatus,
    GatewayError,
    GatewayEvent,
    GatewayPayment,
    InvalidGatewayEvent,
    header,
    origin_of,
)

SIGNATURE_HEADER = "X-Gateway-Signature"
DEFAULT_URL = "http://127.0.0.1:8026"
DEFAULT_API_KEY = "sandbox-key"


class SandboxGateway:
    """The ``sandbox`` gateway over HTTP (keep-alive client)."""

    name = "sandbox"

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_URL,
        api_key: str = DEFAULT_API_KEY,
        webhook_secret: str,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # The hosted page is on the sandbox itself.
        self.checkout_origins: tuple[str, ...] = (origin_of(self.base_url),)
        self._api_key = api_key
        self._secret = webhook_secret
        self._client = client or httpx.Client(timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SandboxGateway:
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
        payload = {
            "amount_minor": amount_minor,
            "currency": currency,
            "reference": reference,
            "description": description,
            "return_url": return_url,
            "locale": locale,
        }
        data = self._request("POST", "/v1/checkouts", payload)
        return Checkout(
            intent_id=_text(data, "id"), redirect_url=_text(data, "url"), status=_status(data)
        )

    def fetch(self, intent_id: str) -> GatewayPayment:
        data = self._request("GET", f"/v1/checkouts/{intent_id}")
        return GatewayPayment(
            intent_id=_text(data, "id"),
            status=_status(data),
            amount_minor=int(data["amount_minor"]),
            currency=_text(data, "currency"),
            reference=data.get("reference"),
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

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, payload: Any = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._api_key}"}
        try:
            response = self._client.request(
                method, self.base_url + path, json=payload, headers=headers
            )
        except httpx.HTTPError as exc:
            raise GatewayError(
                f"the sandbox gateway is not reachable: {type(exc).__name__}"
            ) from exc
        if not response.is_success:
            raise GatewayError(
                f"the sandbox gateway answered {response.status_code}: {_error_text(response)}"
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError(
                "the sandbox gateway answered with something that is not JSON"
            ) from exc
        if not isinstance(data, dict):
            raise GatewayError("the sandbox gateway answered with something that is not an object")
        return data


def _error_text(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:200]
    except (ValueError, AttributeError):
        return ""


def _status(data: Mapping[str, Any]) -> CheckoutStatus:
    status = data.get("status")
    if status not in CHECKOUT_STATUSES:
        raise GatewayError(f"the gateway reported an unknown status '{status}'")
    return status  # type: ignore[no-any-return]


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise GatewayError(f"the gateway's answer has no '{key}'")
    return value


# -- the webhook body ------------------------------------------------------------------------


def event_payload(
    *,
    event_id: str,
    kind: str,
    intent_id: str,
    amount_minor: int,
    currency: str,
    reference: str | None,
    occurred_at: datetime,
    detail: str | None = None,
) -> dict[str, Any]:
    """The JSON body of a sandbox webhook."""
    return {
        "id": event_id,
        "type": kind,
        "intent": intent_id,
        "amount_minor": amount_minor,
        "currency": currency,
        "reference": reference,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "detail": detail,
    }


def parse_event(body: bytes) -> GatewayEvent:
    """A :class:`GatewayEvent` from a (verified) sandbox webhook body."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidGatewayEvent("webhook body is not JSON") from exc
    if not isinstance(data, dict):
        raise InvalidGatewayEvent("webhook body must be a JSON object")
    kind = data.get("type")
    if kind not in EVENT_KINDS:
        raise InvalidGatewayEvent(f"'type' must be one of {', '.join(EVENT_KINDS)}")
    amount = data.get("amount_minor")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise InvalidGatewayEvent("'amount_minor' must be a non-negative integer")
    return GatewayEvent(
        id=_event_text(data, "id"),
        kind=kind,
        intent_id=_event_text(data, "intent"),
        amount_minor=amount,
        currency=_currency(data),
        occurred_at=_instant(data, "occurred_at"),
        reference=_optional(data, "reference"),
        detail=_optional(data, "detail"),
    )


def _event_text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidGatewayEvent(f"'{key}' must be a non-empty string")
    return value


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > 500):
        raise InvalidGatewayEvent(f"'{key}' must be a string or null")
    return value


def _currency(data: Mapping[str, Any]) -> str:
    value = data.get("currency")
    if not isinstance(value, str) or len(value) != 3 or not value.isalpha():
        raise InvalidGatewayEvent("'currency' must be an ISO 4217 code")
    return value.upper()


def _instant(data: Mapping[str, Any], key: str) -> datetime:
    value = _event_text(data, key)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidGatewayEvent(f"'{key}' must be an ISO 8601 instant") from exc
    if moment.tzinfo is None:
        raise InvalidGatewayEvent(f"'{key}' must carry a UTC offset")
    return moment
