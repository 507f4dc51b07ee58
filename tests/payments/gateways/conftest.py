"""Fixtures of the gateway tests: the sandbox gateway and a webhook receiver."""

from tests.fixtures.gateway import sandbox_gateway
from tests.fixtures.sms import webhook_receiver

__all__ = ["sandbox_gateway", "webhook_receiver"]
