"""The fake channel: records, deduplicates by key, fails on demand."""

from __future__ import annotations

from arrears.channels.base import OutgoingMessage
from arrears.channels.fake import FakeChannel


def message(key: str, to: str = "li.na@example.test") -> OutgoingMessage:
    return OutgoingMessage(dedup_key=key, channel="email", to=to, sender="", text="hello")


def test_records_what_it_sends() -> None:
    fake = FakeChannel("email")
    result = fake.send(message("k1"))
    assert result.status == "sent"
    assert result.provider_id == "fake-email-1"
    assert [m.dedup_key for m in fake.sent] == ["k1"]


def test_a_resent_key_returns_the_first_id_and_is_not_recorded_twice() -> None:
    fake = FakeChannel("sms")
    first = fake.send(message("k1"))
    again = fake.send(message("k1"))
    assert again.status == "sent"
    assert again.provider_id == first.provider_id
    assert len(fake.sent) == 1
    assert fake.calls == 2


def test_fails_by_recipient() -> None:
    fake = FakeChannel(fail_recipients={"gone@example.test": "permanent"})
    fake.fail_recipient("full@example.test", "temporary")
    assert fake.send(message("k1", "gone@example.test")).status == "permanent_failure"
    assert fake.send(message("k2", "full@example.test")).status == "temporary_failure"
    assert fake.send(message("k3")).status == "sent"
    assert len(fake.sent) == 1


def test_fails_the_nth_call_once_and_a_retry_then_succeeds() -> None:
    fake = FakeChannel(fail_calls={2: "temporary"})
    results = fake.send_many([message("k1"), message("k2"), message("k3")])
    assert [r.status for r in results] == ["sent", "temporary_failure", "sent"]
    retry = fake.send(message("k2"))
    assert retry.status == "sent"
    assert [m.dedup_key for m in fake.sent] == ["k1", "k3", "k2"]


def test_a_failed_key_can_be_sent_later() -> None:
    fake = FakeChannel()
    fake.fail_call(1, "permanent")
    failed = fake.send(message("k1"))
    assert failed.status == "permanent_failure"
    assert failed.error is not None and "call 1" in failed.error
    assert fake.send(message("k1")).status == "sent"
    assert fake.provider_id("k1") == "fake-email-1"


def test_close_is_recorded() -> None:
    fake = FakeChannel()
    fake.close()
    assert fake.closed
