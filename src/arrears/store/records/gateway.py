"""Payment intents, gateway webhook events and API keys."""

from __future__ import annotations
