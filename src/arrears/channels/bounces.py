"""Reading bounces: which message to which recipient failed, for good or for now.

A relay that cannot deliver a message mails a *bounce* to the envelope sender.
Standard bounces are delivery status notifications (RFC 3464): a
``multipart/report; report-type=delivery-status`` whose second part holds one
block of fields per recipient (``Final-Recipient``, ``Action``, ``Status``,
``Diagnostic-Code``) and whose third part returns the original message or its
headers. Some servers send the same fields as plain text instead; both are read.

Each failed or delayed recipient becomes a :class:`Bounce`:

- ``status`` is ``"hard"`` for a permanent failure (status class 5, e.g. 5.1.1
  unknown user — stop using the address) and ``"soft"`` for a temporary one
  (class 4, or ``Action: delayed`` — mailbox full, greylisting);
- ``message_id`` is the original's ``Message-ID`` (the ``provider_id`` the SMTP
  adapter returned), and ``dedup_key`` its ``X-Arrears-Key`` when the returned
  headers carry it, so the bounce finds its interaction.

Recipients reported as delivered, relayed or expanded are not bounces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from typing import Literal

BounceStatus = Literal["hard", "soft"]

_NOT_FAILURES = {"delivered", "relayed", "expanded"}
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*)$")
_PLAIN_HEADER = r"(?im)^{name}:[ \t]*(\S.*?)\s*$"


@dataclass(frozen=True, slots=True)
class Bounce:
    """One recipient of one message that could not be delivered."""

    message_id: str | None
    recipient: str | None
    status: BounceStatus
    diagnostic: str
    dedup_key: str | None = None


Fields = dict[str, str]


def parse_bounce(raw: bytes | str) -> list[Bounce]:
    """The bounces reported by the message ``raw``; empty when it reports none."""
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    message = BytesParser(policy=policy.compat32).parsebytes(data)
    status_part = _part(message, "message/delivery-status")
    if status_part is not None:
        blocks = _status_blocks(status_part)
        original = _original_headers(message)
    else:
        text = _plain_text(message)
        blocks = _plain_blocks(text)
        original = _plain_original(text)
    message_id = _clean(original.get("message-id"))
    key = _clean(original.get("x-arrears-key"))
    bounces = (_bounce(block, message_id, key) for block in blocks)
    return [bounce for bounce in bounces if bounce is not None]


def _bounce(block: Fields, message_id: str | None, key: str | None) -> Bounce | None:
    action = block.get("action", "").lower()
    if action in _NOT_FAILURES:
        return None
    status = block.get("status", "")
    if status[:1] == "5":
        kind: BounceStatus = "hard"
    elif status[:1] == "4" or action == "delayed":
        kind = "soft"
    elif action == "failed":
        kind = "hard"
    else:
        return None
    recipient = block.get("original-recipient") or block.get("final-recipient")
    diagnostic = block.get("diagnostic-code") or status or action
    return Bounce(
        message_id=message_id,
        recipient=_address_value(recipient),
        status=kind,
        diagnostic=_address_value(diagnostic) or "",
        dedup_key=key,
    )


# -- RFC 3464 reports ---------------------------------------------------------------------------


def _part(message: Message, content_type: str) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part
    return None


def _status_blocks(part: Message) -> list[Fields]:
    """Per-recipient field blocks (the parser gives one Message per block)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [_fields_of(block) for block in payload if isinstance(block, Message)]
    else:
        blocks = _plain_blocks(_decoded(part))
    return [block for block in blocks if "final-recipient" in block]


def _fields_of(message: Message) -> Fields:
    return {name.lower(): _unfold(str(value)) for name, value in message.items()}


def _original_headers(message: Message) -> Fields:
    returned = _part(message, "message/rfc822")
    if returned is not None:
        inner = returned.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return _fields_of(inner[0])
    headers = _part(message, "text/rfc822-headers")
    if headers is not None:
        return _fields_of(HeaderParser().parsestr(_decoded(headers)))
    return {}


# -- plain-text bounces -------------------------------------------------------------------------


def _plain_text(message: Message) -> str:
    parts = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    return "\n\n".join(_decoded(part) for part in parts)


def _plain_blocks(text: str) -> list[Fields]:
    """Paragraphs of ``Name: value`` lines that name a recipient."""
    blocks: list[Fields] = []
    for paragraph in re.split(r"\r?\n[ \t]*\r?\n", text):
        fields: Fields = {}
        for line in paragraph.splitlines():
            match = _FIELD.match(line.strip())
            if match:
                fields.setdefault(match.group(1).lower(), match.group(2).strip())
        if "final-recipient" in fields or "original-recipient" in fields:
            blocks.append(fields)
    return blocks


def _plain_original(text: str) -> Fields:
    found: Fields = {}
    for name in ("Message-ID", "X-Arrears-Key"):
        match = re.search(_PLAIN_HEADER.format(name=re.escape(name)), text)
        if match:
            found[name.lower()] = match.group(1)
    return found


# -- small helpers ------------------------------------------------------------------------------


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, "replace")
        except LookupError:
            return payload.decode("utf-8", "replace")
    return str(part.get_payload())


def _unfold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _address_value(value: str | None) -> str | None:
    """``rfc822; a@b`` → ``a@b``; ``smtp; 550 ...`` → ``550 ...``."""
    if value is None:
        return None
    kind, sep, rest = value.partition(";")
    if sep and re.fullmatch(r"[A-Za-z0-9-]+", kind.strip()):
        return rest.strip()
    return value.strip()


def _clean(value: str | None) -> str | None:
    return _unfold(value) if value else None
