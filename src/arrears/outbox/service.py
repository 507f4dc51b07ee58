"""Composition of a dispatcher from stored configuration, and the outbox's chores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from arrears.compliance.rulebooks import Rulebooks
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dispatcher import Checkpoint, Dispatcher, DispatchSettings
from arrears.store.uow import UnitOfWork
from arrears.templates import TemplateCatalogue


def stored_configs(uow_factory: Callable[[], UnitOfWork]) -> list[ChannelConfig]:
    with uow_factory() as uow:
        return [
            ChannelConfig(r.client_id, r.channel, r.adapter, dict(r.settings), r.sender)
            for r in uow.outbox.channel_configs()
        ]


def build_dispatcher(
    uow_factory: Callable[[], UnitOfWork],
    catalogue: TemplateCatalogue,
    rulebooks: Rulebooks,
    clock: Callable[[], datetime],
    settings: DispatchSettings,
    checkpoint: Checkpoint | None = None,
) -> Dispatcher:
    adapters = AdapterSet(stored_configs(uow_factory))
    return Dispatcher(uow_factory, adapters, catalogue, rulebooks, clock, settings, checkpoint)
