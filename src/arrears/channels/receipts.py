"""Signed webhooks from the SMS provider: delivery receipts and inbound SMS.

The provider signs each webhook body with a shared secret, the scheme of
``X-Sandbox-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is
``HMAC-SHA256(secret, f"{t}.{body}")``. A receiver accepts a request only when

- one of its ``v1`` signatures matches (compared in constant time), and
- ``t`` is within five minutes of now, so a captured request cannot be replayed
  later (the signature covers ``t``, so it cannot be moved forward).

Then the JSON body becomes a :class:`Receipt` (``{"id", "reference", "status",
"error", "at"}``; ``reference`` is our dedup key) or an :class:`InboundSms`
(``{"id", "from", "to", "text", "received_at"}``). ``sign`` is the provider's
half, used by the sandbox so both sides run the same code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from arrears.errors import InvalidInput, InvalidSignature
from arrears.kit import signing
from arrears.kit.signing import TOLERANCE_SECONDS

SIGNATURE_HEADER = "X-Sandbox-Signature"

ReceiptStatus = Literal["delivered", "failed", "undeliverable"]
_STATUSES: tuple[str, ...] = get_args(ReceiptStatus)


class InvalidWebhook(InvalidInput):
    """A correctly signed webhook whose body is not the documented JSON."""

    code = "invalid_webhook"


@dataclass(frozen=True, slots=True)
class Receipt:
    """The provider's word on what became of one message."""

    id: str  # the provider's message id (our provider_id)
    reference: str | None  # our dedup key
    status: ReceiptStatus
    error: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class InboundSms:
    """A text a debtor sent to one of our numbers."""

    id: str
    sender: str  # "from" in the payload
    to: str
    text: str
    received_at: datetime


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The ``X-Sandbox-Signature`` value for ``body`` at ``timestamp`` (default now)."""
    return signing.sign(secret, body, int(time.time()) if timestamp is None else timestamp)


def verify_signature(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`InvalidSignature` unless ``header`` signs ``body`` recently."""
    try:
        signing.verify(secret, body, header, header_name=SIGNATURE_HEADER,
                       now=time.time() if now is None else now, tolerance=tolerance)  # fmt: skip
    except signing.BadSignature as exc:
        raise InvalidSignature(str(exc)) from None


def parse_receipt(
    body: bytes, header: str | None, secret: str, *, now: float | None = None
) -> Receipt:
    """A verified delivery receipt."""
    verify_signature(secret, body, header, now=now)
    data = _load(body)
    status = data.get("status")
    if status not in _STATUSES:
        raise InvalidWebhook(f"receipt status must be one of {', '.join(_STATUSES)}")
    return Receipt(
        id=_text(data, "id"),
        reference=_optional_text(data, "reference"),
        status=status,
        error=_optional_text(data, "error"),
        at=_instant(data, "at"),
    )


def parse_inbound_sms(
    body: bytes, header: str | None, secret: str, *, now: float | None = None
) -> InboundSms:
    """A verified inbound SMS."""
    verify_signature(secret, body, header, now=now)
    data = _load(body)
    return InboundSms(
        id=_text(data, "id"),
        sender=_text(data, "from"),
        to=_text(data, "to"),
        text=_text(data, "text", allow_empty=True),
        received_at=_instant(data, "received_at"),
    )


def _load(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidWebhook("webhook body is not JSON") from exc
    if not isinstance(data, dict):
        raise InvalidWebhook("webhook body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str, *, allow_empty: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or (not value and not allow_empty):
        raise InvalidWebhook(f"'{key}' must be a non-empty string")
    return value


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidWebhook(f"'{key}' must be a string or null")
    return value


def _instant(data: dict[str, Any], key: str) -> datetime:
    value = _text(data, key)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidWebhook(f"'{key}' must be an ISO 8601 instant") from exc
    if moment.tzinfo is None:
        raise InvalidWebhook(f"'{key}' must carry a UTC offset")
    return moment
