"""The interest and fee accrual ledger."""

from __future__ import annotations

from arrears.store.repositories.base import Repository


class InterestRepository(Repository):
    pass
