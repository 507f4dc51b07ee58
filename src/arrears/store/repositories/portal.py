"""The debtor portal: links, sessions, disputes, documents and contact preferences."""

from __future__ import annotations

from arrears.store.repositories.base import Repository


class PortalRepository(Repository):
    pass
