"""Fault injection: kill the worker at every point; nothing is sent twice, nothing is lost.

A crash is simulated by raising a ``BaseException`` (like a kill, it is not
caught by the dispatcher's error handling) at each checkpoint of a batch and
in the middle of an adapter's batch send. Then a new worker starts after the
lease has run out and finishes the day. The providers (fake channels that,
like the real ones, recognise a repeated idempotency key) must have received
every message exactly once, and the store must say so: one interaction per
sent message, nothing left claimed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select

from arrears.channels.base import OutgoingMessage, SendResult
from arrears.channels.fake import FakeChannel
from arrears.store.records import InteractionRecord, OutboxRecord
from tests.outbox.conftest import Outreach

pytestmark = pytest.mark.db


class Killed(BaseException):
    """The process died here."""


class DiesMidBatch(FakeChannel):
    """Accepts ``survive`` messages of a batch, then the process dies."""

    def __init__(self, channel: str, survive: int) -> None:
        super().__init__(channel)
        self.survive = survive
        self.attempted: Counter[str] = Counter()

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        results = []
        for message in messages:
            if self.survive == 0:
                raise Killed("killed in the middle of a batch")
            self.survive -= 1
            self.attempted[message.dedup_key] += 1
            results.append(self.send(message))
        return results


def kill_at(point: str, after: int = 1):
    seen = Counter[str]()

    def checkpoint(name: str) -> None:
        seen[name] += 1
        if name == point and seen[name] == after:
            raise Killed(f"killed at {name}")

    return checkpoint


def finish_day(outreach: Outreach) -> None:
    """A fresh worker after the dead one's lease ran out."""
    outreach.clock.advance(timedelta(minutes=6))
    outreach.dispatcher(worker="worker-2", batch_size=25).run()
    for hour in (14, 20):
        outreach.clock.at(hour, 30)
        outreach.dispatcher(worker="worker-2", batch_size=25).run()


def assert_exactly_once(outreach: Outreach) -> None:
    with outreach.uow_factory() as uow:
        rows = uow.session.scalars(select(OutboxRecord)).all()
        keys = [i.dedup_key for i in uow.session.scalars(select(InteractionRecord)) if i.dedup_key]
        sent_rows = {r.dedup_key for r in rows if r.status == "sent"}
        assert not [r for r in rows if r.status == "sending"], "nothing is left claimed"
    delivered = [m.dedup_key for fake in outreach.fakes.values() for m in fake.sent]
    assert len(delivered) == len(set(delivered)), "a message reached a debtor twice"
    assert set(delivered) == sent_rows, "a delivered message is not recorded as sent (or v.v.)"
    assert Counter(keys) == Counter(sent_rows), "one interaction per sent message"


@pytest.mark.parametrize("point", ["claimed", "rendered", "sent", "recorded"])
@pytest.mark.parametrize("batch", [1, 2])
def test_killed_at_a_checkpoint(outreach: Outreach, point: str, batch: int):
    with pytest.raises(Killed):
        outreach.dispatcher(kill_at(point, batch), batch_size=25).run()
    finish_day(outreach)
    assert_exactly_once(outreach)
    assert any(fake.sent for fake in outreach.fakes.values())


@pytest.mark.parametrize("survive", [0, 3, 17])
def test_killed_in_the_middle_of_a_provider_batch(outreach: Outreach, survive: int):
    dying = DiesMidBatch("sms", survive)
    outreach.fakes["sms"] = dying
    with pytest.raises(Killed):
        outreach.dispatcher(batch_size=25, channels=("sms",)).run()
    # The messages accepted before the crash are retried with the same key and not repeated.
    dying.survive = 10**9
    finish_day(outreach)
    assert_exactly_once(outreach)
    retried = [k for k, n in dying.attempted.items() if n > 1]
    assert len(retried) == survive, "each message accepted before the crash was re-offered"
