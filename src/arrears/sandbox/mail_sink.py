"""The mail sink: a local SMTP server that files every message it receives.

``arrears sandbox mail`` (and the test fixtures) run an aiosmtpd server on
127.0.0.1. Each accepted message is written as
``<folder>/<YYYYMMDD>/<sha256(Message-ID)[:16]>.eml`` — open it in any mail
client — with ``Return-Path`` and ``Delivered-To`` added on top, as a real
mailbox would. A second arrival of the same Message-ID is kept too
(``<hash>.2.eml``): duplicates stay visible, and are counted.

What it can simulate:

- recipients matching ``refuse`` patterns (default ``*@bounce.test``) get
  ``550 5.1.1`` (a permanent failure), ``defer`` patterns (default
  ``*@defer.test``) ``451 4.2.0`` (a temporary one);
- AUTH PLAIN/LOGIN with one user (``auth=("user", "password")``): inside TLS
  when STARTTLS is on, otherwise allowed in the clear for local development;
- STARTTLS (or implicit TLS, as on port 465) with a self-signed certificate
  generated at start (:attr:`MailSink.cert_path` is the CA file a client trusts);
- lost acknowledgements: :meth:`MailSink.lose_acks` makes the next n messages
  be stored but answered ``451``, as if the connection died after the server
  took the message — the case where a sender's retry delivers a duplicate.

Counts: :meth:`count` (arrivals of one Message-ID), :meth:`message_ids`,
:meth:`duplicates`; every arrival is also appended to ``<folder>/arrivals.jsonl``
and the totals are rewritten to ``<folder>/summary.json``.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import hmac
import json
import os
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from arrears.sandbox.tls import CertificateFiles, self_signed

DEFAULT_REFUSE = ("*@bounce.test",)
DEFAULT_DEFER = ("*@defer.test",)


class _Controller(Controller):
    """aiosmtpd's controller, able to listen on port 0 and counting connections."""

    def __init__(self, sink: MailSink, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._sink = sink

    def factory(self) -> SMTP:
        self._sink._connected()
        server: SMTP = super().factory()  # type: ignore[no-untyped-call]
        return server

    def _trigger_server(self) -> None:
        if self.port == 0 and isinstance(self.server, asyncio.Server):
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class _Handler:
    """aiosmtpd hooks: recipients, EHLO extensions, message storage."""

    def __init__(self, sink: MailSink) -> None:
        self._sink = sink

    # aiosmtpd finds its hooks by these names.
    async def handle_EHLO(  # noqa: N802
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if self._sink.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        return self._sink._recipient(envelope, address)

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        return self._sink._store(envelope)


class MailSink:
    """A local SMTP server writing ``.eml`` files; start/stop or use as a context manager."""

    def __init__(
        self,
        folder: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 2525,
        auth: tuple[str, str] | None = None,
        starttls: bool = False,
        implicit_tls: bool = False,
        refuse: Sequence[str] = DEFAULT_REFUSE,
        defer: Sequence[str] = DEFAULT_DEFER,
        pipelining: bool = True,
    ) -> None:
        self.folder = Path(folder)
        self.host = host
        self.port = port
        self.pipelining = pipelining
        self._auth = auth
        self._starttls = starttls
        self._implicit_tls = implicit_tls
        self._refuse = tuple(refuse)
        self._defer = tuple(defer)
        self._lock = threading.Lock()
        self._arrivals: Counter[str] = Counter()
        self._files: list[Path] = []
        self._lose_acks = 0
        self.refused = 0
        self.deferred = 0
        self.connections = 0
        self.certificate: CertificateFiles | None = None
        self._controller: _Controller | None = None

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> MailSink:
        self.folder.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"hostname": self.host, "port": self.port}
        kwargs["server_hostname"] = "sandbox.localhost"
        if self._starttls or self._implicit_tls:
            self.certificate = self_signed(self.folder / ".tls")
            key = "tls_context" if self._starttls else "ssl_context"
            kwargs[key] = self.certificate.server_context()
        if self._auth is not None:
            # With STARTTLS on, AUTH is offered only inside TLS; without it, in the clear
            # (local development only — aiosmtpd warns about it, rightly). Under implicit
            # TLS the whole session is encrypted already.
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                auth_require_tls=self._starttls,
            )
        controller = _Controller(self, _Handler(self), **kwargs)
        controller.start()
        self._controller = controller
        self.port = controller.port
        with self._lock:
            self.connections = 0  # the controller's own start-up probe
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
            self.write_summary()

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def cert_path(self) -> Path | None:
        """The certificate to trust (as CA file) when STARTTLS is on."""
        return self.certificate.cert if self.certificate else None

    # -- what arrived ----------------------------------------------------------------------

    @property
    def received(self) -> int:
        """Messages stored (duplicates included)."""
        with self._lock:
            return len(self._files)

    @property
    def files(self) -> list[Path]:
        with self._lock:
            return list(self._files)

    def count(self, message_id: str) -> int:
        """How many times the message ``message_id`` (with or without <>) arrived."""
        with self._lock:
            return self._arrivals[_bracketed(message_id)]

    def message_ids(self) -> dict[str, int]:
        with self._lock:
            return dict(self._arrivals)

    def duplicates(self) -> dict[str, int]:
        """Message-IDs that arrived more than once, with their counts."""
        with self._lock:
            return {mid: n for mid, n in self._arrivals.items() if n > 1}

    def lose_acks(self, count: int = 1) -> None:
        """Store the next ``count`` messages but answer 451, as if the ack were lost."""
        with self._lock:
            self._lose_acks = count

    def write_summary(self) -> Path:
        path = self.folder / "summary.json"
        with self._lock:
            summary = {
                "received": len(self._files),
                "distinct": len(self._arrivals),
                "refused": self.refused,
                "deferred": self.deferred,
                "connections": self.connections,
                "duplicates": {mid: n for mid, n in self._arrivals.items() if n > 1},
            }
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        os.replace(temporary, path)
        return path

    # -- hooks (run on the server's event loop thread) -------------------------------------

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        # handled=False: aiosmtpd answers 235 or 535 itself.
        if self._auth is None or not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = self._auth
        ok_user = hmac.compare_digest(data.login, user.encode("utf-8"))
        ok_password = hmac.compare_digest(data.password, password.encode("utf-8"))
        return AuthResult(success=ok_user and ok_password, handled=False)

    def _recipient(self, envelope: Envelope, address: str) -> str:
        lowered = address.lower()
        if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in self._refuse):
            with self._lock:
                self.refused += 1
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in self._defer):
            with self._lock:
                self.deferred += 1
            return f"451 4.2.0 <{address}>: Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def _store(self, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        raw = content if isinstance(content, bytes) else content.encode("utf-8")
        headers = BytesHeaderParser().parsebytes(raw)
        message_id = _bracketed(str(headers.get("Message-ID") or "")) or _content_id(raw)
        stamped = _stamp(envelope) + raw
        with self._lock:
            self._arrivals[message_id] += 1
            arrival = self._arrivals[message_id]
            path = self._path(message_id, arrival)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(stamped)
            self._files.append(path)
            self._log(message_id, envelope, path)
            lose = self._lose_acks > 0
            self._lose_acks -= 1 if lose else 0
        self.write_summary()
        if lose:
            return "451 4.3.0 Error: connection problem after receipt (simulated lost ack)"
        return f"250 2.0.0 OK: stored as {path.name}"

    def _path(self, message_id: str, arrival: int) -> Path:
        day = datetime.now(UTC).strftime("%Y%m%d")
        digest = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:16]
        suffix = ".eml" if arrival == 1 else f".{arrival}.eml"
        return self.folder / day / f"{digest}{suffix}"

    def _log(self, message_id: str, envelope: Envelope, path: Path) -> None:
        line = {
            "message_id": message_id,
            "mail_from": envelope.mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
            "file": str(path.relative_to(self.folder)),
            "at": datetime.now(UTC).isoformat(),
        }
        with (self.folder / "arrivals.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def _bracketed(message_id: str) -> str:
    value = message_id.strip()
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value


def _content_id(raw: bytes) -> str:
    return f"<no-message-id.{hashlib.sha256(raw).hexdigest()[:32]}@sandbox>"


def _stamp(envelope: Envelope) -> bytes:
    lines = [f"Return-Path: <{envelope.mail_from or ''}>"]
    lines += [f"Delivered-To: {rcpt}" for rcpt in envelope.rcpt_tos]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace")
