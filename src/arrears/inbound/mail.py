"""E-mail replies: parsing a received message, and the SMTP receiver that takes them.

A reply's useful text is its own words, not the quoted message below them:
quoted lines (``>``) and everything after a reply header ("On ... wrote:",
"-----Original Message-----", "在 ... 写道：", "发件人:") are cut before the
text is classified. A delivery status notification (a bounce) is not a reply:
it marks the original message bounced (:mod:`arrears.outbox.receipts`).

:class:`MailReceiver` is an SMTP server (aiosmtpd) on the address replies are
routed to; each message is handled in its own transaction, and a failure to
handle one answers a temporary SMTP error so the sending server tries again
rather than the reply being lost.
"""

from __future__ import annotations

import hashlib
import logging
import re
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any

from aiosmtpd.controller import Controller

from arrears.channels.bounces import parse_bounce
from arrears.inbound.service import Classifier, Reply, receive
from arrears.outbox.receipts import apply_bounce
from arrears.store.uow import UnitOfWork

log = logging.getLogger(__name__)

_REPLY_HEADER = re.compile(
    r"^(On .{4,200} wrote:|-{2,}\s*Original Message\s*-{2,}|在.{2,80}写道[:：]|"
    r"发件人[:：]|From:\s.+@)",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]+>")


def own_words(body: str) -> str:
    """The reply's text without the quoted conversation under it."""
    kept = []
    for line in body.splitlines():
        if _REPLY_HEADER.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def parse_reply(raw: bytes, now: datetime) -> Reply | None:
    """A reply from a raw message; None when it has no sender."""
    message: EmailMessage = message_from_bytes(raw, policy=policy.default)
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    if not sender:
        return None
    fallback = f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-id>"  # stable across retries
    provider_id = str(message.get("Message-ID", "")).strip() or fallback
    return Reply(
        channel="email",
        provider_id=provider_id[:200],
        sender=sender,
        recipient=parseaddr(str(message.get("To", "")))[1].lower() or None,
        subject=str(message.get("Subject", "")) or None,
        body=own_words(_text(message)),
        received_at=_date(message, now),
    )


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    text = content if isinstance(content, str) else ""
    return _TAGS.sub(" ", text) if part.get_content_subtype() == "html" else text


def _date(message: EmailMessage, now: datetime) -> datetime:
    try:
        when = parsedate_to_datetime(str(message.get("Date", "")))
    except (TypeError, ValueError):
        return now
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def handle_mail(
    uow_factory: Callable[[], UnitOfWork], raw: bytes, classify: Classifier, now: datetime
) -> str:
    """Bounce or reply: what was done, in a few words (for the log)."""
    bounces = parse_bounce(raw)
    if bounces:
        with uow_factory() as uow:
            applied = sum(apply_bounce(uow, b, now, actor="mail:receiver") for b in bounces)
            uow.commit()
        return f"bounce: {applied} of {len(bounces)} recipient(s) matched"
    reply = parse_reply(raw, now)
    if reply is None:
        return "ignored: no sender"
    with uow_factory() as uow:
        result = receive(uow, reply, classify, actor="mail:receiver")
        uow.commit()
    return f"reply {result.message_id}: {result.status} ({result.intent})"


class _Handler:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], classify: Classifier,
                 clock: Callable[[], datetime]) -> None:  # fmt: skip
        self._uow, self._classify, self._clock = uow_factory, classify, clock
        self.handled = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        try:
            outcome = handle_mail(self._uow, bytes(envelope.content), self._classify, self._clock())
        except Exception:
            log.exception("inbound mail could not be handled; the sender will retry")
            return "451 Requested action aborted: local error in processing"
        self.handled += 1
        log.info("inbound mail: %s", outcome)
        return "250 Message accepted"


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class MailReceiver:
    """The SMTP server replies arrive at (``arrears inbound receive-mail``)."""

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], classify: Classifier,
        clock: Callable[[], datetime], host: str = "127.0.0.1", port: int = 2526,
    ) -> None:  # fmt: skip
        self.handler = _Handler(uow_factory, classify, clock)
        self._controller = Controller(self.handler, hostname=host, port=port or _free_port(host))

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> MailReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
