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

The message is a UTF-8 text part, an optional HTML alternative and
attachments; non-ASCII headers (a Chinese subject or display name) are RFC 2047
encoded and bodies are quoted-printable or base64, so the message is 7-bit
clean for every relay. It is built with the standard library's ``compat32``
MIME classes rather than :class:`email.message.EmailMessage`: the header
registry of the newer API parses and refolds every header and cost about as
much as the rest of sending together; the headers here are few and known, so
they are encoded directly (and a header value with a line break, which could
inject headers, is refused).

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
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
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

# CRLF line ends on the wire (RFC 5321); 7-bit bodies: every relay accepts them, with or
# without 8BITMIME/SMTPUTF8.
_POLICY = compat32.clone(linesep="\r\n")
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable in any mail client's source view; base64 for binaries
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
) -> Message:
    """The MIME message for ``message``; raises ValueError for unusable input."""
    body = _text_part(message.text, "plain")
    if message.html is not None:
        body = _multipart("alternative", [body, _text_part(message.html, "html")])
    if message.attachments:
        body = _multipart("mixed", [body, *(_attachment(a) for a in message.attachments)])
    headers: list[tuple[str, str | Header]] = [
        ("Message-ID", message_id), ("Date", format_datetime(date)),
        ("From", _address_header(sender)), ("To", _address_header(message.to)),
    ]  # fmt: skip
    if message.reply_to:
        headers.append(("Reply-To", _address_header(message.reply_to)))
    if message.subject is not None:
        headers.append(("Subject", _encoded(message.subject)))
    headers.append((KEY_HEADER, _encoded(message.dedup_key)))
    for name, value in message.headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"'{name}' is not a header name")
        if name.lower() in _PROTECTED:
            raise ValueError(f"header '{name}' is set by the adapter")
        headers.append((name, _encoded(value)))
    headers.append(("Content-Language", _encoded(message.locale)))
    for header, encoded in headers:  # each value checked and encoded above
        body[header] = encoded  # type: ignore[assignment]  # compat32 takes Header values
    body["MIME-Version"] = "1.0"
    return body


def _text_part(text: str, subtype: str) -> Message:
    part = MIMEText(text, subtype, _charset=_UTF8, policy=_POLICY)  # type: ignore[arg-type]
    del part["MIME-Version"]  # only the whole message carries it
    return part


def _multipart(subtype: str, parts: list[Message]) -> Message:
    container = MIMEMultipart(subtype, policy=_POLICY)
    del container["MIME-Version"]
    for part in parts:
        container.attach(part)
    return container


def _attachment(attachment: Any) -> MIMEBase:
    maintype, _, subtype = attachment.content_type.partition("/")
    part: MIMEBase
    if maintype == "application":
        part = MIMEApplication(attachment.data, subtype or "octet-stream", policy=_POLICY)
    else:
        part = MIMEBase(maintype, subtype or "octet-stream", policy=_POLICY)
        part.set_payload(base64.encodebytes(attachment.data).decode("ascii"))
        part["Content-Transfer-Encoding"] = "base64"
    del part["MIME-Version"]
    part.add_header("Content-Disposition", "attachment",
                    filename=("utf-8", "", attachment.filename))  # fmt: skip
    return part


def _encoded(value: str) -> str | Header:
    """A header value: as it is when ASCII, else a Header the generator writes as RFC 2047
    encoded words, folded with the header's name accounted for."""
    _check_value("header", value)
    return value if value.isascii() else Header(value, "utf-8")


def _address_header(value: str) -> str:
    """An address with its display name encoded when it is not ASCII."""
    _check_value("address", value)
    name, address = parseaddr(value)
    if not name or name.isascii():
        return value
    return formataddr((name, address), charset="utf-8")


def _check_value(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name}: a header value must not contain a line break")


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
