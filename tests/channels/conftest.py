"""Fixtures of the channel tests: the local mail sink and SMS sandbox (tests/fixtures)."""

from __future__ import annotations

import pytest

from tests.fixtures.mail import mail_sink, secure_mail_sink, smtp_settings
from tests.fixtures.sms import (
    http_sms_settings,
    sms_sandbox,
    sms_sandbox_with_webhooks,
    webhook_receiver,
)

__all__ = [
    "http_sms_settings",
    "mail_sink",
    "secure_mail_sink",
    "sms_sandbox",
    "sms_sandbox_with_webhooks",
    "smtp_settings",
    "webhook_receiver",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # aiosmtpd reads its own deprecated Session.login_data on every AUTH, and warns that
    # AUTH without TLS is unsafe (the sink allows it for local development on purpose).
    for item in items:
        if "tests/channels" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore:Session.login_data"))
            item.add_marker(pytest.mark.filterwarnings("ignore:Requiring AUTH while not"))
