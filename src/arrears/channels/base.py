"""The channel contract: what the outbox hands an adapter and what it gets back.

A *channel* is a way of reaching a debtor (``email``, ``sms``, ``letter``); an
*adapter* is one implementation of a channel (SMTP, an HTTP SMS provider, a
fake). The outbox dispatcher codes against :class:`ChannelAdapter` only, so any
adapter can be swapped in per client through the registry (DESIGN §4 rule 8).

Every message carries a ``dedup_key`` built once by the outbox (DESIGN §4 rule
7). Adapters pass it to the provider as their idempotency key (the SMTP
``Message-ID`` is derived from it; the SMS provider's ``reference`` is the key
itself), so a retry after a crash is recognised instead of sent twice.

Adapters never raise for a failed send: they return a :class:`SendResult` whose
status tells the outbox what to do next — ``sent`` (record the provider id),
``temporary_failure`` (retry later) or ``permanent_failure`` (give up, record
the error). They raise only for programming and configuration errors.

Configuration problems (unknown adapter, bad settings, a missing secret) are
:class:`ChannelConfigError`, which names the adapter and the setting but never
a setting's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from arrears.errors import ConfigError

ChannelName = Literal["email", "sms", "letter"]
CHANNELS: tuple[str, ...] = ("email", "sms", "letter")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (a statement PDF, for example)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message, rendered and ready for one recipient."""

    dedup_key: str  # idempotency key: SMTP Message-ID is derived from it; SMS provider 'reference'
    channel: str  # "email" | "sms" | "letter"
    to: str  # e-mail address | E.164 number | postal block
    sender: str  # From address / SMS sender id ("" = the adapter's configured default)
    text: str
    subject: str | None = None
    html: str | None = None
    locale: str = "en-US"
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # extra headers e.g. List-Unsubscribe


SendStatus = Literal["sent", "temporary_failure", "permanent_failure"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one message: the outbox logs it as one attempt."""

    status: SendStatus
    provider_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


def sent(provider_id: str) -> SendResult:
    return SendResult("sent", provider_id=provider_id)


def temporary(error: str) -> SendResult:
    return SendResult("temporary_failure", error=error)


def permanent(error: str) -> SendResult:
    return SendResult("permanent_failure", error=error)


class ChannelAdapter(Protocol):
    """One way of sending messages of one channel.

    ``send_many`` returns one result per message, in the same order; adapters
    use it to batch (one SMTP connection, the provider's batch endpoint).
    ``close`` releases connections; an adapter may be used again afterwards
    and reconnects.
    """

    name: str  # adapter name in the registry, e.g. "smtp", "http_sms", "fake"
    channel: str  # "email" | "sms" | "letter"

    def send(self, message: OutgoingMessage) -> SendResult: ...

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]: ...

    def close(self) -> None: ...


class ChannelConfigError(ConfigError):
    """A channel configuration that cannot work: unknown adapter, bad or missing setting."""

    code = "channel_config"

    def __init__(self, adapter: str, problem: str, setting: str | None = None) -> None:
        where = f"channel adapter '{adapter}'"
        if setting:
            where += f", setting '{setting}'"
        super().__init__(f"{where}: {problem}")
        self.adapter = adapter
        self.setting = setting


def resolve_secret(
    *,
    adapter: str,
    setting: str,
    value: str | None,
    env_name: str | None,
    environ: Mapping[str, str],
    required: bool = False,
) -> str | None:
    """The secret given explicitly or through ``<setting>_env``; never echoes it.

    Secrets are configured by the *name* of an environment variable so that
    stored channel configuration (client data) holds no credentials.
    """
    if value is not None and env_name is not None:
        raise ChannelConfigError(
            adapter, f"give either '{setting}' or '{setting}_env', not both", setting
        )
    if env_name is not None:
        found = environ.get(env_name)
        if not found:
            raise ChannelConfigError(
                adapter, f"environment variable {env_name} is not set", f"{setting}_env"
            )
        return found
    if value is None and required:
        raise ChannelConfigError(adapter, f"'{setting}' or '{setting}_env' is required", setting)
    return value
