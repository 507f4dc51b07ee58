"""Webhook signatures of the payment gateways: the shared ``t=...,v1=...`` scheme.

The scheme itself is :mod:`arrears.kit.signing` (the SMS sandbox's receipts use
it too); this module gives it the gateways' names and takes their clock.
"""

from __future__ import annotations

from datetime import datetime

from arrears.errors import InvalidSignature
from arrears.kit import signing
from arrears.kit.signing import TOLERANCE_SECONDS, digest, sign

__all__ = ["digest", "sign", "verify"]


def verify(
    secret: str,
    body: bytes,
    value: str | None,
    *,
    header_name: str,
    now: datetime,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise :class:`~arrears.errors.InvalidSignature` unless ``value`` signs ``body`` recently."""
    try:
        signing.verify(secret, body, value, header_name=header_name, now=now.timestamp(),
                       tolerance=tolerance)  # fmt: skip
    except signing.BadSignature as exc:
        raise InvalidSignature(str(exc)) from None
