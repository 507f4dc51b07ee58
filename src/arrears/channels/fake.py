"""An in-memory channel for tests and demos (never the only adapter of a channel).

:class:`FakeChannel` records what it "sent", fails on demand and deduplicates
by ``dedup_key`` the way the real providers do: sending a key that was already
sent returns the first provider id and records nothing new, so a test can
prove that the outbox's retries never reach a debtor twice.

Failures are configured by recipient (every send to that address fails) or by
call number (the n-th call to ``send``, counting from 1, fails once), each as
``"temporary"`` or ``"permanent"``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from arrears.channels.base import OutgoingMessage, SendResult, permanent, sent, temporary

FailureKind = Literal["temporary", "permanent"]


class FakeSettings(BaseModel):
    """Settings of the ``fake`` adapter (as stored in a client's channel configuration)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel: Literal["email", "sms", "letter"] = "email"
    fail_recipients: dict[str, FailureKind] = {}
    fail_calls: dict[int, FailureKind] = {}


class FakeChannel:
    """A channel adapter that keeps messages in memory."""

    name = "fake"

    def __init__(
        self,
        channel: str = "email",
        *,
        fail_recipients: Mapping[str, FailureKind] | None = None,
        fail_calls: Mapping[int, FailureKind] | None = None,
    ) -> None:
        self.channel = channel
        self.sent: list[OutgoingMessage] = []
        self.calls = 0
        self.closed = False
        self._fail_recipients: dict[str, FailureKind] = dict(fail_recipients or {})
        self._fail_calls: dict[int, FailureKind] = dict(fail_calls or {})
        self._ids: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], environ: Mapping[str, str]) -> FakeChannel:
        config = FakeSettings.model_validate(dict(settings))
        return cls(
            config.channel, fail_recipients=config.fail_recipients, fail_calls=config.fail_calls
        )

    def fail_recipient(self, to: str, kind: FailureKind = "permanent") -> None:
        """Every later send to ``to`` fails with ``kind``."""
        with self._lock:
            self._fail_recipients[to] = kind

    def fail_call(self, number: int, kind: FailureKind = "temporary") -> None:
        """The ``number``-th call to ``send`` (counting from 1) fails once with ``kind``."""
        with self._lock:
            self._fail_calls[number] = kind

    def provider_id(self, dedup_key: str) -> str | None:
        """The id under which ``dedup_key`` was sent, if it was."""
        return self._ids.get(dedup_key)

    def send(self, message: OutgoingMessage) -> SendResult:
        with self._lock:
            self.calls += 1
            self.closed = False
            failure = self._fail_calls.pop(self.calls, None) or self._fail_recipients.get(
                message.to
            )
            if failure is not None:
                return _failure(failure, message, self.calls)
            known = self._ids.get(message.dedup_key)
            if known is not None:
                return sent(known)
            provider_id = f"fake-{self.channel}-{len(self.sent) + 1}"
            self._ids[message.dedup_key] = provider_id
            self.sent.append(message)
            return sent(provider_id)

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        return [self.send(message) for message in messages]

    def close(self) -> None:
        self.closed = True

    def to(self, recipient: str) -> list[OutgoingMessage]:
        """The messages sent to ``recipient``, oldest first."""
        return [message for message in self.sent if message.to == recipient]

    def __repr__(self) -> str:
        return f"FakeChannel(channel={self.channel!r}, sent={len(self.sent)})"


def _failure(kind: FailureKind, message: OutgoingMessage, call: int) -> SendResult:
    text = f"fake {kind} failure for {message.to} (call {call})"
    return temporary(text) if kind == "temporary" else permanent(text)
