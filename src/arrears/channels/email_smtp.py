"""E-mail over SMTP: one open connection, deterministic Message-IDs, honest failures.

:class:`SmtpEmailChannel` speaks to any SMTP relay (in development and tests,
the mail sink of :mod:`arrears.sandbox.mail_sink`). It keeps ONE connection
open and reuses it for every message: connecting, TLS and AUTH are paid once,
not per message. When the server has dropped an idle connection, the adapter
notices at the envelope (``MAIL``/``RCPT``), reconnects and tries once more —
nothing of the message has left yet, so that retry cannot duplicate it. When
the connection is lost after the message body was sent, the server may have
accepted it; the adapter then reports a temporary failure instead of resending,
and the outbox's retry carries the same Message-ID, so a duplicate is
recognisable downstream.

If the server offers ``PIPELINING`` (RFC 2920), ``MAIL``, ``RCPT`` and ``DATA``
go out in one write and their replies are read together.

The message is built with :class:`email.message.EmailMessage`: a UTF-8 text
part, an optional HTML alternative, attachments; non-ASCII headers (a Chinese
subject or display name) are RFC 2047 encoded and bodies are quoted-printable
or base64, so the message is 7-bit clean for every relay.

``Message-ID: <sha256(dedup_key)[:32]@domain>`` is a pure function of the
outbox's dedup key; it is also the ``provider_id`` of the result, and bounces
(:mod:`arrears.channels.bounces`) quote it. ``X-Arrears-Key`` carries the key.

SMTP replies map to results: 2xx sent; 4xx temporary; 5xx permanent (a 550
unknown recipient keeps the server's text); refused connections and timeouts
temporary; wrong credentials (535), missing STARTTLS and a certificate that
fails verification permanent — retrying cannot fix configuration.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from arrears.channels.base import (
    ChannelConfigError,
    OutgoingMessage,
    SendResult,
    permanent,
    resolve_secret,
    sent,
    temporary,
)

KEY_HEADER = "X-Arrears-Key"
Security = Literal["none", "starttls", "tls"]

# 7-bit output: every relay accepts it, with or without 8BITMIME/SMTPUTF8.
_POLICY = SMTP_POLICY.clone(cte_type="7bit")
_PROTECTED = frozenset(
    [
        "message-id",
        "date",
        "from",
        "to",
        "subject",
        "reply-to",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "x-arrears-key",
    ]
)
_ADDRESS = re.compile(r"[^\s<>()\[\]\\,;:\"@]+@[A-Za-z0-9.\-]+")
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 §2.2: printable ASCII but ':'
_RETRY_REPLY = 421  # "service not available, closing channel": reconnect and retry once


def message_id_for(dedup_key: str, domain: str) -> str:
    """The Message-ID of the message whose outbox dedup key is ``dedup_key``."""
    digest = hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def address_of(value: str) -> str:
    """The bare address (addr-spec) of ``value``, which may carry a display name.

    A non-ASCII domain is IDNA-encoded; a non-ASCII local part would need SMTPUTF8,
    which not every relay offers, so it is refused.
    """
    address = parseaddr(value)[1]
    local, _, domain = address.rpartition("@")
    if local and domain and not domain.isascii():
        with contextlib.suppress(UnicodeError):  # left as is: refused below
            address = f"{local}@{domain.encode('idna').decode('ascii')}"
    if not address or not address.isascii() or not _ADDRESS.fullmatch(address):
        raise ValueError(f"'{value}' is not an e-mail address")
    return address


def build_mime(
    message: OutgoingMessage, *, sender: str, message_id: str, date: datetime
) -> EmailMessage:
    """The MIME message for ``message``; raises ValueError for unusable input."""
    mime = EmailMessage(policy=_POLICY)
    mime["Message-ID"] = message_id
    mime["Date"] = format_datetime(date)
    mime["From"] = sender
    mime["To"] = message.to
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    if message.subject is not None:
        mime["Subject"] = message.subject
    mime[KEY_HEADER] = message.dedup_key
    for name, value in message.headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"'{name}' is not a header name")
        if name.lower() in _PROTECTED:
            raise ValueError(f"header '{name}' is set by the adapter")
        mime[name] = value
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    # Last: making the message multipart moves Content-* headers into the first part.
    mime["Content-Language"] = message.locale
    return mime


class SmtpSettings(BaseModel):
    """Settings of the ``smtp`` adapter; the password only by value or env name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    security: Security = "none"
    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    timeout: float = Field(30.0, gt=0)
    from_address: str
    return_path: str | None = None
    helo_name: str | None = None
    message_id_domain: str | None = None
    verify_tls: bool = True
    ca_file: str | None = None

    @field_validator("from_address", "return_path")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                address_of(value)
            except ValueError:
                raise ValueError("not an e-mail address") from None
        return value


@dataclass(frozen=True, slots=True)
class _Envelope:
    sender: str
    recipient: str
    payload: bytes
    message_id: str


class _Refused(Exception):
    """The server answered a transaction step with an error reply."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


class _LostAfterData(Exception):
    """The connection broke after the body was sent: the server may have the message."""


class SmtpEmailChannel:
    """Sends e-mail through one SMTP relay over one reused connection."""

    name = "smtp"
    channel = "email"

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        from_address: str,
        security: Security = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        helo_name: str | None = None,
        return_path: str | None = None,
        message_id_domain: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self._password = password
        self._timeout = timeout
        self._helo = helo_name
        self.from_address = from_address
        self._return_path = address_of(return_path) if return_path else None
        self.domain = message_id_domain or address_of(from_address).rsplit("@", 1)[1]
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._conn: smtplib.SMTP | None = None
        self._lock = threading.Lock()
        self.connections_opened = 0

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], environ: Mapping[str, str]
    ) -> SmtpEmailChannel:
        config = SmtpSettings.model_validate(dict(settings))
        password = resolve_secret(
            adapter=cls.name,
            setting="password",
            value=config.password.get_secret_value() if config.password else None,
            env_name=config.password_env,
            environ=environ,
        )
        if (password is None) != (config.username is None):
            raise ChannelConfigError(cls.name, "username and password go together", "username")
        return cls(
            config.host,
            config.port,
            from_address=config.from_address,
            security=config.security,
            username=config.username,
            password=password,
            timeout=config.timeout,
            helo_name=config.helo_name,
            return_path=config.return_path,
            message_id_domain=config.message_id_domain,
            ssl_context=tls_context(verify=config.verify_tls, ca_file=config.ca_file),
        )

    def __repr__(self) -> str:
        return (
            f"SmtpEmailChannel(host={self.host!r}, port={self.port}, "
            f"security={self.security!r}, username={self.username!r})"
        )

    def __enter__(self) -> SmtpEmailChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sending ---------------------------------------------------------------------------

    def send(self, message: OutgoingMessage) -> SendResult:
        with self._lock:
            return self._send(message)

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        with self._lock:
            return [self._send(message) for message in messages]

    def close(self) -> None:
        with self._lock:
            self._drop(polite=True)

    def _send(self, message: OutgoingMessage) -> SendResult:
        try:
            envelope = self._envelope(message)
        except (ValueError, TypeError) as exc:
            return permanent(f"invalid message: {exc}")
        for attempt in (1, 2):
            reused = self._conn is not None
            try:
                return self._transact(envelope)
            except _Refused as exc:
                if exc.code == _RETRY_REPLY:
                    self._drop()
                    if attempt == 1:
                        continue
                return _result_for_reply(exc.code, exc.text)
            except smtplib.SMTPServerDisconnected as exc:
                # Lost before the body left: safe to retry once on a new connection.
                self._drop()
                if attempt == 1 and reused:
                    continue
                return temporary(f"server disconnected: {exc}")
            except _LostAfterData as exc:
                self._drop()
                return temporary(f"connection lost after the message was sent: {exc}")
            except (OSError, smtplib.SMTPException) as exc:
                self._drop()
                return _result_for_error(exc)
        raise AssertionError("unreachable")

    def _envelope(self, message: OutgoingMessage) -> _Envelope:
        sender = message.sender or self.from_address
        message_id = message_id_for(message.dedup_key, self.domain)
        mime = build_mime(message, sender=sender, message_id=message_id, date=self._clock())
        return _Envelope(
            sender=self._return_path or address_of(sender),
            recipient=address_of(message.to),
            payload=mime.as_bytes(),
            message_id=message_id,
        )

    def _transact(self, envelope: _Envelope) -> SendResult:
        conn = self._connection()
        _envelope_commands(conn, envelope.sender, envelope.recipient)
        try:
            conn.send(_dot_stuffed(envelope.payload) + b".\r\n")
            code, text = conn.getreply()
        except OSError as exc:  # includes SMTPServerDisconnected
            raise _LostAfterData(str(exc)) from exc
        if code != 250:
            raise _Refused(code, _decode(text))
        return sent(envelope.message_id)

    # -- the connection --------------------------------------------------------------------

    def _connection(self) -> smtplib.SMTP:
        if self._conn is None:
            self._conn = self._open()
            self.connections_opened += 1
        return self._conn

    def _open(self) -> smtplib.SMTP:
        conn: smtplib.SMTP
        if self.security == "tls":
            conn = smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self._helo,
                timeout=self._timeout,
                context=self._ssl_context,
            )
        else:
            conn = smtplib.SMTP(
                self.host, self.port, local_hostname=self._helo, timeout=self._timeout
            )
        try:
            conn.ehlo_or_helo_if_needed()
            if self.security == "starttls":
                conn.starttls(context=self._ssl_context)
                conn.ehlo_or_helo_if_needed()
            if self.username is not None and self._password is not None:
                _login(conn, self.username, self._password)
        except BaseException:
            conn.close()
            raise
        return conn

    def _drop(self, *, polite: bool = False) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if polite:
                conn.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            conn.close()


def tls_context(*, verify: bool = True, ca_file: str | None = None) -> ssl.SSLContext:
    """The client TLS context: system CAs (or ``ca_file``); ``verify=False`` only for dev."""
    context = ssl.create_default_context(cafile=ca_file)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _login(conn: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH; smtplib encodes credentials as ASCII, so UTF-8 ones go as PLAIN (RFC 4616)."""
    if (username + password).isascii():
        conn.login(username, password)
        return
    secret = b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8")
    code, text = conn.docmd("AUTH", "PLAIN " + base64.b64encode(secret).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, text)


def _envelope_commands(conn: smtplib.SMTP, sender: str, recipient: str) -> None:
    """MAIL, RCPT and DATA (pipelined when offered); raises _Refused on an error reply."""
    commands = [f"MAIL FROM:<{sender}>", f"RCPT TO:<{recipient}>", "DATA"]
    expected = [(250,), (250, 251), (354,)]
    replies: list[tuple[int, bytes]] = []
    if conn.has_extn("pipelining"):
        conn.send("".join(f"{command}\r\n" for command in commands))
        replies = [conn.getreply() for _ in commands]
    else:
        for command, ok in zip(commands, expected, strict=True):
            conn.send(f"{command}\r\n")
            replies.append(conn.getreply())
            if replies[-1][0] not in ok:
                break
    for (code, text), ok in zip(replies, expected, strict=False):
        if code not in ok:
            _abandon(conn, replies)
            raise _Refused(code, _decode(text))


def _abandon(conn: smtplib.SMTP, replies: list[tuple[int, bytes]]) -> None:
    """Reset a failed transaction so the connection can carry the next message."""
    if replies[-1][0] == 354:
        # A server that accepted DATA after a refusal: no clean way back; the next
        # send finds the connection closed and opens a new one.
        conn.close()
        return
    # A dead connection shows itself on the next send, which reconnects.
    with contextlib.suppress(OSError):
        conn.rset()


def _dot_stuffed(payload: bytes) -> bytes:
    """RFC 5321 §4.5.2 transparency: a line starting with '.' gets another '.'."""
    stuffed = re.sub(rb"(?m)^\.", b"..", payload)
    return stuffed if stuffed.endswith(b"\r\n") else stuffed + b"\r\n"


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def _result_for_reply(code: int, text: str) -> SendResult:
    error = f"{code} {text}".strip()
    if 500 <= code < 600:
        return permanent(error)
    return temporary(error)


def _result_for_error(exc: BaseException) -> SendResult:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _result_for_reply(exc.smtp_code, _decode(exc.smtp_error))
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLCertVerificationError):
        return permanent(f"{type(exc).__name__}: {exc}")
    return temporary(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
