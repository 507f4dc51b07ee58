"""The in-memory token buckets of the payments API."""

from __future__ import annotations

import pytest

from arrears.payments.ratelimit import RateLimited, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_empties_refills_and_says_when():
    clock = Clock()
    limiter = RateLimiter(2, 60.0, now=clock)
    limiter.hit("k")
    limiter.hit("k")
    with pytest.raises(RateLimited) as caught:
        limiter.hit("k")
    assert caught.value.headers == {"Retry-After": "30"} and caught.value.http_status == 429
    limiter.hit("other")  # keys are independent
    clock.now += 30
    limiter.hit("k")
    assert limiter.exhausted("k")


def test_the_number_of_keys_is_bounded():
    limiter = RateLimiter(1, 1.0, now=Clock())
    for n in range(RateLimiter.MAX_KEYS + 5):
        limiter.hit(str(n))
    assert len(limiter._buckets) == RateLimiter.MAX_KEYS
