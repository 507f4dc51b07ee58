"""Several workers on PostgreSQL: claims never overlap and never wait (SKIP LOCKED)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.outbox.conftest import Outreach

pytestmark = pytest.mark.db


def test_two_workers_claim_disjoint_rows_at_the_same_time(outreach: Outreach, database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: one worker is the rule there")
    now = outreach.clock.now + timedelta(hours=20)
    first, second = outreach.uow_factory(), outreach.uow_factory()
    with first, second:
        mine = first.outbox.claim("w1", now, 10, timedelta(minutes=5))  # not committed yet
        theirs = second.outbox.claim("w2", now, 10, timedelta(minutes=5))
        assert mine and theirs
        assert not {r.id for r in mine} & {r.id for r in theirs}


def test_a_lapsed_lease_is_claimed_again_with_the_same_key(outreach: Outreach):
    now = outreach.clock.now + timedelta(hours=20)
    with outreach.uow_factory() as uow:
        (row,) = uow.outbox.claim("dead-worker", now, 1, timedelta(minutes=5))
        key = row.dedup_key
        uow.commit()
    with outreach.uow_factory() as uow:
        early = uow.outbox.claim("w2", now + timedelta(minutes=1), 500, timedelta(minutes=5))
        assert key not in {r.dedup_key for r in early}, "the lease still holds"
    with outreach.uow_factory() as uow:
        again = uow.outbox.claim("w2", now + timedelta(minutes=6), 500, timedelta(minutes=5))
        assert key in {r.dedup_key for r in again}
        assert next(r for r in again if r.dedup_key == key).attempts == 2
