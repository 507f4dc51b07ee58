"""Everything outreach needs on one laptop, started together and stopped together.

``arrears send --sandbox`` (and ``make run``) use this: the mail sink writes
every e-mail as an ``.eml`` file under ``var/sandbox/mail``, the SMS sandbox
provider logs every text to ``var/sandbox/sms.jsonl`` and posts signed
delivery receipts to arrears' own web app, which runs in a thread beside them
and records the receipts on the interactions. Letters are PDF files under
``var/letters``. Ports are chosen free, so nothing a developer already runs is
disturbed; the channel configurations handed back point at them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from arrears.inbound.service import Classifier
from arrears.outbox.adapters import ChannelConfig
from arrears.sandbox.mail_sink import MailSink
from arrears.sandbox.server import ServerThread
from arrears.sandbox.sms_provider import create_app as sms_app
from arrears.sandbox.sms_state import SmsSandbox, SmsSandboxConfig
from arrears.store.uow import UnitOfWork
from arrears.web.app import create_app as web_app

SANDBOX_KEY = "sandbox-key"  # the development provider's documented key, not a secret
SENDER = "collections@arrears.test"


@dataclass
class LocalSandbox:
    mail: MailSink
    sms: SmsSandbox
    sms_url: str
    web_url: str
    letters_dir: Path

    def channel_configs(self) -> list[ChannelConfig]:
        return sandbox_channels(self.letters_dir, self.mail.port, self.sms_url)


@contextmanager
def local_sandbox(
    folder: Path,
    letters_dir: Path,
    uow_factory: Callable[[], UnitOfWork],
    *,
    webhook_secret: str,
    classify: Classifier,
    clock: Callable[[], datetime],
) -> Iterator[LocalSandbox]:
    """Start the mail sink, our web app and the SMS provider; stop them on exit."""
    web = ServerThread(web_app(uow_factory, webhook_secret=webhook_secret, classify=classify,
                               clock=clock))  # fmt: skip
    with web:
        state = SmsSandbox(SmsSandboxConfig(
            api_keys=frozenset({SANDBOX_KEY}), log_path=folder / "sms.jsonl",
            receipt_url=f"{web.url}/webhooks/sms/receipts",
            inbound_url=f"{web.url}/webhooks/sms/inbound", secret=webhook_secret,
        ))  # fmt: skip
        with MailSink(folder / "mail", port=0) as mail, ServerThread(sms_app(sandbox=state)) as sms:
            yield LocalSandbox(mail, state, sms.url, web.url, letters_dir)


# The local sandboxes the demo's messages go to (``arrears sandbox mail|sms``).
SANDBOX_MAIL_PORT = 2525
SANDBOX_SMS_PORT = 8025


LETTER_RETURN_NAME = "Customer Services Office"  # neutral: nothing on the envelope says debt


def letter_settings(letters_dir: Path) -> dict[str, Any]:
    """The demo's letters: PDF files under ``letters_dir``, a neutral return address."""
    return {
        "out_dir": str(letters_dir), "client_code": "demo",
        "letterhead_name": "Arrears Demo Services",
        "return_name": LETTER_RETURN_NAME, "return_address": ["PO Box 1024", "Shanghai 200000"],
        "return_postal_code": "200000", "return_country": "CN",
        "contact_lines": ["400-000-0000", "collections@arrears.test"],
    }  # fmt: skip


def sandbox_channels(
    letters_dir: Path,
    mail_port: int = SANDBOX_MAIL_PORT,
    sms_url: str = f"http://127.0.0.1:{SANDBOX_SMS_PORT}",
) -> list[ChannelConfig]:
    """Every channel pointed at a local sink (the fixed ports of ``arrears sandbox ...``)."""
    return [
        ChannelConfig(None, "email", "smtp", {"host": "127.0.0.1", "port": mail_port,
                      "security": "none", "from_address": SENDER, "timeout": 10.0}, SENDER),
        ChannelConfig(None, "sms", "http_sms", {"base_url": sms_url, "api_key": SANDBOX_KEY,
                      "sender_id": "ARREARS"}, "ARREARS"),
        ChannelConfig(None, "letter", "pdf_letter", letter_settings(letters_dir),
                      LETTER_RETURN_NAME),
    ]  # fmt: skip


def configure_sandbox_channels(
    uow_factory: Callable[[], UnitOfWork], letters_dir: Path, at: datetime
) -> None:
    """Store the demo's channel configuration (every client) unless one exists."""
    with uow_factory() as uow:
        existing = {(c.client_id, c.channel) for c in uow.outbox.channel_configs()}
        for c in sandbox_channels(letters_dir):
            if (None, c.channel) not in existing:
                uow.outbox.set_channel_config(
                    None, c.channel, c.adapter, dict(c.settings), c.sender, at
                )
        uow.commit()
