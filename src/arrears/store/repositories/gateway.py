"""Payment intents, gateway webhook events and API keys."""

from __future__ import annotations

from arrears.store.repositories.base import Repository


class GatewayRepository(Repository):
    pass
