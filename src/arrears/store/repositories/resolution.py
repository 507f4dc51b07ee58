"""Promises, payment plans and their instalments, settlements and deferrals."""

from __future__ import annotations

from arrears.store.repositories.base import Repository


class ResolutionRepository(Repository):
    pass
