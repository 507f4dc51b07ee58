"""Channels: sending e-mail, SMS and letters through swappable adapters.

``base`` is the contract the outbox codes against, ``registry`` builds adapters
from stored configuration, and the adapters are ``email_smtp`` (any SMTP relay),
``sms_http`` (an HTTP SMS provider), ``fake`` (in memory, for tests and demos)
and ``letters`` (PDF). ``receipts`` and ``bounces`` read what comes back.
"""

from arrears.channels.base import (
    Attachment,
    ChannelAdapter,
    ChannelConfigError,
    OutgoingMessage,
    SendResult,
    SendStatus,
)

__all__ = [
    "Attachment",
    "ChannelAdapter",
    "ChannelConfigError",
    "OutgoingMessage",
    "SendResult",
    "SendStatus",
]
