"""Signed, expiring portal links.

The token in ``/portal/<token>`` is an itsdangerous signature over an opaque,
random link key, with the time it was signed. It carries nothing about the
debtor or the debt: a token seen by someone else (a forwarded message, a
shared phone) says nothing until the reader proves to be the debtor, and the
link it names can be revoked or expire in the store. The signature's own age
limit (``MAX_AGE``) is a second lock in case a link row is kept too long.

Time is a parameter: the signer reads ``at`` instead of the wall clock.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

SALT = "arrears.portal.link"
MAX_AGE_DAYS = 90
_MAX_TOKEN = 200  # longer input is not ours: refuse before doing any work


def new_link_key() -> str:
    """A fresh opaque link key (128 bits of randomness)."""
    return secrets.token_urlsafe(16)


def _serializer(secret: bytes, at: datetime) -> URLSafeTimedSerializer:
    stamp = int(at.timestamp())

    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    return URLSafeTimedSerializer(secret, salt=SALT, signer=_Signer)


def issue(link_key: str, *, secret: bytes, at: datetime) -> str:
    """The token for ``link_key``, signed at ``at``."""
    return str(_serializer(secret, at).dumps(link_key))


def read(
    token: str, *, secret: bytes, at: datetime, max_age_days: int = MAX_AGE_DAYS
) -> str | None:
    """The link key of a genuine token younger than ``max_age_days``; else None.

    A forged, altered, truncated or too old token gives None, all alike: the
    caller answers the same plain page whatever went wrong.
    """
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        value = _serializer(secret, at).loads(token, max_age=max_age_days * 86_400)
    except BadData:
        return None
    return value if isinstance(value, str) and value else None
