"""The dispatcher: planned messages leave once, compliant at the real send time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from arrears.store.records import (
    AccountRecord,
    ContactPointRecord,
    InteractionRecord,
    OutboxAttemptRecord,
    OutboxRecord,
    PlannedActionRecord,
)
from tests.outbox.conftest import AS_OF, Outreach

pytestmark = pytest.mark.db


def outbox(outreach: Outreach) -> list[OutboxRecord]:
    with outreach.uow_factory() as uow:
        rows = list(uow.session.scalars(select(OutboxRecord).order_by(OutboxRecord.id)))
        uow.session.expunge_all()
    return rows


def sent_keys(outreach: Outreach) -> list[str]:
    return [m.dedup_key for fake in outreach.fakes.values() for m in fake.sent]


class TestEnqueue:
    def test_every_planned_automated_message_has_one_outbox_row(self, outreach: Outreach):
        with outreach.uow_factory() as uow:
            planned = uow.session.scalars(
                select(PlannedActionRecord).where(
                    PlannedActionRecord.status == "planned",
                    PlannedActionRecord.channel.in_(("sms", "email", "letter")),
                )
            ).all()
            assert planned, "the demo plans automated messages"
            count = len(planned)
        rows = outbox(outreach)
        assert len(rows) == count
        assert {r.channel for r in rows} <= {"sms", "email", "letter"}
        assert all(r.status == "pending" and r.template for r in rows)

    def test_re_enqueueing_the_same_plan_adds_nothing(self, outreach: Outreach):
        before = len(outbox(outreach))
        with outreach.uow_factory() as uow:
            added = uow.outbox.enqueue_planned(AS_OF, 0, outreach.clock())
            uow.commit()
        assert added == 0
        assert len(outbox(outreach)) == before


class TestSending:
    def test_due_messages_are_sent_once_and_recorded_as_interactions(self, outreach: Outreach):
        outreach.run_day()
        rows = outbox(outreach)
        sent = [r for r in rows if r.status == "sent"]
        assert sent
        keys = sent_keys(outreach)
        assert len(keys) == len(set(keys)) == len(sent)
        with outreach.uow_factory() as uow:
            recorded = uow.session.scalars(
                select(InteractionRecord).where(InteractionRecord.dedup_key.is_not(None))
            ).all()
            assert {i.dedup_key for i in recorded} == {r.dedup_key for r in sent}
            assert all(i.direction == "out" and i.status == "sent" for i in recorded)
        # Nothing is left claimed or due, and a second run finds nothing to do.
        assert not [r for r in rows if r.status == "sending"]
        assert not [r for r in rows if r.status == "pending" and r.not_before <= outreach.clock.now]
        assert outreach.dispatcher().run().counts["sent"] == 0

    def test_rendered_messages_are_in_the_debtors_language_with_disclosures(
        self, outreach: Outreach
    ):
        outreach.run_day()
        texts = [m.text for fake in outreach.fakes.values() for m in fake.sent]
        assert any("【" in t for t in texts), "Chinese SMS carry the sender's signature"
        us = [m for m in outreach.fakes["email"].sent if m.locale == "en-US"]
        assert all("debt collector" in m.text.lower() or "debt" in m.text.lower() for m in us)

    def test_quiet_hours_move_a_message_instead_of_dropping_it(self, outreach: Outreach):
        outreach.clock.at(15)  # 23:00 in Beijing
        outreach.dispatcher(channels=("sms",)).run()
        rows = [r for r in outbox(outreach) if r.channel == "sms"]
        moved = [r for r in rows if r.status == "pending" and r.attempts == 0 and r.last_error]
        assert moved, "Chinese SMS at 23:00 local wait for the morning"
        assert all(r.not_before > outreach.clock.now for r in moved)
        outreach.clock.advance(timedelta(hours=13))  # 12:00 Beijing next day
        outreach.dispatcher(channels=("sms",)).run()
        after = {r.id: r for r in outbox(outreach)}
        assert [
            (after[r.id].status, after[r.id].last_error)
            for r in moved
            if after[r.id].status != "sent"
        ] == []

    def test_a_payment_in_full_since_planning_cancels_the_message(self, outreach: Outreach):
        target = next(r for r in outbox(outreach) if r.channel == "sms")
        with outreach.uow_factory() as uow:
            uow.session.execute(
                update(AccountRecord).where(AccountRecord.id == target.account_id)
                .values(status="paid")
            )  # fmt: skip
            uow.commit()
        outreach.run_day()
        row = next(r for r in outbox(outreach) if r.id == target.id)
        assert row.status == "cancelled"
        assert "paid" in (row.last_error or "")
        assert target.dedup_key not in sent_keys(outreach)

    def test_an_opt_out_since_planning_blocks_that_channel(self, outreach: Outreach):
        target = next(r for r in outbox(outreach) if r.channel == "sms")
        with outreach.uow_factory() as uow:
            uow.session.execute(
                update(ContactPointRecord)
                .where(ContactPointRecord.debtor_id == target.debtor_id,
                       ContactPointRecord.value == target.contact_to)
                .values(opt_outs=[{"channel": "sms", "at": "2026-11-19T10:00:00+00:00"}])
            )  # fmt: skip
            uow.commit()
        outreach.run_day()
        row = next(r for r in outbox(outreach) if r.id == target.id)
        assert row.status == "cancelled"
        assert row.findings, "the rule that blocked it is kept with its citation"
        assert target.dedup_key not in sent_keys(outreach)

    def test_temporary_failures_are_retried_with_backoff_then_dead(self, outreach: Outreach):
        target = next(r for r in outbox(outreach) if r.channel == "sms")
        outreach.fakes["sms"].fail_recipient(target.contact_to, "temporary")
        outreach.clock.at(14)
        for _ in range(20):
            outreach.dispatcher().run()
            outreach.clock.advance(timedelta(hours=7))
        row = next(r for r in outbox(outreach) if r.id == target.id)
        assert row.status == "dead"
        with outreach.uow_factory() as uow:
            results = uow.session.scalars(
                select(OutboxAttemptRecord.result).where(OutboxAttemptRecord.outbox_id == target.id)
            ).all()
        assert results.count("temporary_failure") == 6

    def test_a_permanent_failure_is_dead_at_once_with_the_reason(self, outreach: Outreach):
        target = next(r for r in outbox(outreach) if r.channel == "sms")
        outreach.fakes["sms"].fail_recipient(target.contact_to, "permanent")
        outreach.run_day()
        row = next(r for r in outbox(outreach) if r.id == target.id)
        assert row.status == "dead" and "permanent" in (row.last_error or "")
