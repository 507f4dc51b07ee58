"""The interest and fee accrual ledger."""

from __future__ import annotations
