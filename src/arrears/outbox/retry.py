"""When to try again after a temporary failure.

Exponential backoff from ``base`` (1, 2, 4, 8 ... minutes), capped, with no
randomness so tests and the simulator are reproducible; after ``max_attempts``
the row is dead with the last error. Several workers spread naturally because
they claim different rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 6

    def next_try(self, attempts: int, now: datetime) -> datetime | None:
        """The instant of the next attempt after ``attempts`` tries; None: give up."""
        if attempts >= self.max_attempts:
            return None
        delay: timedelta = min(self.base * (2 ** max(attempts - 1, 0)), self.cap)
        return now + delay
