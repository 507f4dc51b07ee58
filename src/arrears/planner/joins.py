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
    (checked, nulls excluded); the right frame is sorted unless it already is; and
    when both have the same keys in the same order (a frame and one computed from it,
    row by row), the columns are put side by side.
    """
    if in_key_order(frame, on):
        if _same_keys(frame, other, on):
            return frame.hstack(other.drop(on).get_columns())
        frame = frame.with_columns(pl.col(on).set_sorted())
        # Most right frames come in key order too (derived from the same frames):
        # checking is one pass, sorting a copy of every column.
        if in_key_order(other, on):
            other = other.with_columns(pl.col(on).set_sorted())
        else:
            other = other.sort(on, maintain_order=True)
    return frame.join(other, on=on, how=how, maintain_order="left")


def _same_keys(frame: pl.DataFrame, other: pl.DataFrame, on: str) -> bool:
    """``other`` has one row per row of ``frame`` (sorted), in the same order: the join
    is then a concatenation of columns (a frame and what was computed from it)."""
    if other.height != frame.height or frame.height == 0:
        return False
    key = frame.get_column(on)
    if not key.equals(other.get_column(on), check_names=False):
        return False
    return frame.height == 1 or bool(key.diff().slice(1).min() > 0)  # type: ignore[operator]


def in_key_order(frame: pl.DataFrame, on: str) -> bool:
    """``frame``'s ``on`` ascending without nulls (a pass over the key unless flagged):
    marked sorted, Polars' joins and group-bys on it take their sorted paths."""
    key = frame.get_column(on)
    return key.null_count() == 0 and (key.flags["SORTED_ASC"] or key.is_sorted())
