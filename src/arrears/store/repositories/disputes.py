"""Disputes, documents and contact preferences."""

from __future__ import annotations

from arrears.store.repositories.base import Repository


class DisputeRepository(Repository):
    pass
