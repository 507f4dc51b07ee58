"""(being built) Staff pages of this part; see arrears.ui for how they render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter

from arrears.store.uow import UnitOfWork


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
    require: Callable[[str | None], Any],
) -> APIRouter:  # fmt: skip
    return APIRouter(include_in_schema=False)
