"""Signed webhook delivery, the provider's side of :mod:`arrears.channels.receipts`.

The body is JSON, signed with :func:`arrears.channels.receipts.sign` (one
implementation for both sides) and POSTed; a failed attempt (no answer or a
non-2xx status) is retried a bounded number of times with a doubling pause.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import httpx

from arrears.channels.receipts import SIGNATURE_HEADER, sign


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one webhook: the last status (None: no answer) and attempts made."""

    url: str
    status: int | None
    attempts: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def post_signed(
    client: httpx.AsyncClient,
    url: str,
    payload: dict[str, Any],
    secret: str,
    *,
    attempts: int = 3,
    pause: float = 0.2,
) -> Delivery:
    """POST ``payload`` signed with ``secret``; retry up to ``attempts`` in total."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    status: int | None = None
    error: str | None = None
    for attempt in range(1, attempts + 1):
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body)}
        try:
            response = await client.post(url, content=body, headers=headers)
            status, error = response.status_code, None
            if response.is_success:
                return Delivery(url, status, attempt)
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        if attempt < attempts:
            await asyncio.sleep(pause * 2 ** (attempt - 1))
    return Delivery(url, status, attempts, error)
