"""The measures of docs/kpis.md: one function each, Polars over the store's frames.

Every function is pure: frames in (from ``store.queries.analytics``), a frame
out, grouped by client and currency so amounts in different currencies are
never added. Amounts are Int64 minor units; rates are Float64 shares between
0 and 1 (ratios of two sums, not money), ``null`` when the denominator is 0.
"""

from __future__ import annotations

import polars as pl


def share(numerator: str | pl.Expr, denominator: str | pl.Expr) -> pl.Expr:
    """numerator ÷ denominator, null when the denominator is 0 (never a division by zero)."""
    num = pl.col(numerator) if isinstance(numerator, str) else numerator
    den = pl.col(denominator) if isinstance(denominator, str) else denominator
    return pl.when(den != 0).then(num.cast(pl.Float64) / den.cast(pl.Float64)).otherwise(None)
