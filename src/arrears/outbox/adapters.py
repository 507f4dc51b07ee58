"""Which adapter sends a client's messages on a channel.

Channel configuration is data (``channel_configs``): for a client and a
channel, an adapter name from :mod:`arrears.channels.registry` and its
settings. A client without its own configuration uses the default row (no
client). Adapters are created once per dispatcher and closed with it, so an
SMTP connection or an HTTP keep-alive is reused across a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arrears.channels.base import ChannelAdapter
from arrears.channels.registry import create


@dataclass(frozen=True)
class ChannelConfig:
    client_id: int | None
    channel: str
    adapter: str
    settings: Mapping[str, Any]
    sender: str | None


class NotConfigured(LookupError):
    """No adapter is configured for this client and channel (the row is dead with this reason)."""


class AdapterSet:
    """Adapters by (client, channel), made on first use from the configuration rows."""

    def __init__(
        self,
        configs: Iterable[ChannelConfig],
        factory: Callable[[str, Mapping[str, Any]], ChannelAdapter] = create,
    ) -> None:
        self._configs = {(c.client_id, c.channel): c for c in configs}
        self._factory = factory
        self._made: dict[tuple[int | None, str], ChannelAdapter] = {}

    def config(self, client_id: int, channel: str) -> ChannelConfig:
        found = self._configs.get((client_id, channel)) or self._configs.get((None, channel))
        if found is None:
            raise NotConfigured(f"no {channel} adapter configured for client {client_id}")
        return found

    def adapter(self, client_id: int, channel: str) -> tuple[ChannelAdapter, ChannelConfig]:
        config = self.config(client_id, channel)
        key = (config.client_id, config.channel)
        if key not in self._made:
            self._made[key] = self._factory(config.adapter, config.settings)
        return self._made[key], config

    def close(self) -> None:
        for adapter in self._made.values():
            adapter.close()
        self._made.clear()
