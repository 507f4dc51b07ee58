"""An in-memory rate limit for the payments API and webhooks (token buckets).

Each key (an API key, a client address, a gateway) has a bucket of ``limit``
tokens refilled evenly over ``window`` seconds; a request takes one, and an
empty bucket is :class:`RateLimited` (HTTP 429 with ``Retry-After``). Per
process: behind several workers each counts alone, which still bounds a
runaway client; a shared limiter belongs in front of the app.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from arrears.errors import ArrearsError


class RateLimited(ArrearsError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        super().__init__(f"too many requests: try again in {seconds} s")
        self.headers = {"Retry-After": str(seconds)}


class RateLimiter:
    """Token buckets in memory: ``limit`` requests per ``window`` seconds per key."""

    MAX_KEYS = 10_000

    def __init__(
        self, limit: int, window: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.rate, self._now = limit, limit / window, now
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Take one token for ``key`` or raise :class:`RateLimited`."""
        with self._lock:
            now = self._now()
            tokens, last = self._buckets.pop(key, (float(self.limit), now))
            tokens = min(float(self.limit), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise RateLimited((1.0 - tokens) / self.rate)
            self._buckets[key] = (tokens - 1.0, now)
            while len(self._buckets) > self.MAX_KEYS:
                self._buckets.popitem(last=False)

    def exhausted(self, key: str) -> bool:
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.limit), self._now()))
            return min(float(self.limit), tokens + (self._now() - last) * self.rate) < 1.0
