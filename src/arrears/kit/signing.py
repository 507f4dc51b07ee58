"""Webhook signatures of the scheme ``t=<unix seconds>,v1=<hex>``.

``<hex>`` is ``HMAC-SHA256(secret, f"{t}." + body)``: the scheme Stripe
documents for its ``Stripe-Signature`` header, which the SMS sandbox, its
receipts and the sandbox payment gateway use too, so one implementation signs
and checks them all.

A receiver accepts a request only when one of its ``v1`` signatures matches
(every candidate compared in constant time, no early exit) and ``t`` is within
the tolerance of now, so a captured request cannot be replayed later: the
signature covers ``t``.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_SECONDS = 300


class BadSignature(ValueError):
    """Missing, malformed, wrong or too old; callers turn it into their 401 error."""


def digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header value signing ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def verify(
    secret: str, body: bytes, value: str | None, *, header_name: str, now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:  # fmt: skip
    """Raise :class:`BadSignature` unless ``value`` signs ``body`` within ``tolerance``."""
    if not value:
        raise BadSignature(f"missing {header_name} header")
    timestamp, signatures = _parse(value)
    if abs(now - timestamp) > tolerance:
        raise BadSignature("signature timestamp outside the tolerance (replayed or stale)")
    expected = digest(secret, timestamp, body)
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    if not any(matches):
        raise BadSignature("signature does not match")


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
        raise BadSignature("malformed signature header")
    return timestamp, signatures
