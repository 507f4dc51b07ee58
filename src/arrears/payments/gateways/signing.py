"""Webhook signatures of the scheme ``t=<unix seconds>,v1=<hex>``.

``<hex>`` is ``HMAC-SHA256(secret, f"{t}." + body)``. Stripe documents this
scheme for its ``Stripe-Signature`` header; the sandbox gateway uses it too
(header ``X-Gateway-Signature``), so both sides of both run this code.

A receiver accepts a request only when one of its ``v1`` signatures matches
(compared in constant time) and ``t`` is within the tolerance of now, so a
captured request cannot be replayed later (the signature covers ``t``).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from arrears.payments.gateways.base import TOLERANCE_SECONDS, WebhookSignatureError


def digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value signing ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def _parse(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, _, item = part.strip().partition("=")
        if key == "t" and item.isdigit() and len(item) < 12:
            timestamp = int(item)
        elif key == "v1" and item:
            signatures.append(item)
    if timestamp is None or not signatures:
        raise WebhookSignatureError("malformed signature header")
    return timestamp, signatures


def verify(
    secret: str,
    body: bytes,
    value: str | None,
    *,
    header_name: str,
    now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`WebhookSignatureError` unless ``value`` signs ``body`` recently."""
    if not value:
        raise WebhookSignatureError(f"missing {header_name} header")
    timestamp, signatures = _parse(value)
    if abs(now.timestamp() - timestamp) > tolerance:
        raise WebhookSignatureError("signature timestamp outside the tolerance (replayed or stale)")
    expected = digest(secret, timestamp, body)
    # Check every candidate (no early exit) so timing reveals nothing.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    if not any(matches):
        raise WebhookSignatureError("signature does not match")
