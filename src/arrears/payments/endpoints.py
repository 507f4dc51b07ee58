"""The payments JSON API and the payment gateways' webhooks (filled in by the gateway work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter

from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class PaymentsWeb:
    """What the payments endpoints need from the entry point."""


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime], config: PaymentsWeb
) -> APIRouter:
    return APIRouter()
