"""Joins of the plan's frames on their keys, cheap when the frames come in key order.

The store gives a partition's accounts in key order and the plan keeps that order
(its steps are sorted by account, its proposed contacts numbered in order). A join
of two frames sorted by the key is a merge, several times cheaper than hashing a
million keys, but Polars only merges frames it knows are sorted: :func:`attach`
checks the left frame's order, sorts the right one (stably) and says so.
"""

from __future__ import annotations

from typing import Literal

import polars as pl


def attach(
    frame: pl.DataFrame,
    other: pl.DataFrame,
    on: str,
    how: Literal["left", "inner"] = "left",
) -> pl.DataFrame:
    """``frame.join(other, on=on, how=how)`` in ``frame``'s row order.

    The same rows as the plain join; a merge when ``frame`` is sorted by ``on``
    (checked, nulls excluded).
    """
    key = frame.get_column(on)
    if key.null_count() == 0 and key.is_sorted():
        frame = frame.with_columns(pl.col(on).set_sorted())
        other = other.sort(on, maintain_order=True)
    return frame.join(other, on=on, how=how, maintain_order="left")
