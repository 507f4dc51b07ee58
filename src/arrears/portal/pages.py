"""The debtor portal's pages (filled in by the portal work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter

from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class PortalWeb:
    """What the portal pages need from the entry point."""


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime], config: PortalWeb
) -> APIRouter:
    return APIRouter()
