"""Small frame helpers shared by the evaluation modules."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def require_columns(frame: pl.LazyFrame, columns: Sequence[str], step: str) -> None:
    """ValueError naming the missing columns and the function that adds them."""
    missing = [c for c in columns if c not in frame.collect_schema().names()]
    if missing:
        raise ValueError(f"the frame lacks {', '.join(missing)}; run {step} first")


def first_match(rules: Sequence[tuple[pl.Expr, int]]) -> pl.Expr:
    """The number of the first rule whose condition holds (Int32; null: none)."""
    if not rules:
        return pl.lit(None, dtype=pl.Int32)
    return pl.coalesce([pl.when(c).then(pl.lit(n, dtype=pl.Int32)) for c, n in rules])


def lookup(index: pl.Expr, values: Sequence[object], dtype: pl.DataType) -> pl.Expr:
    """``values[index]`` for each row (null where the index is null)."""
    if not values:
        return pl.lit(None, dtype=dtype)
    return index.replace_strict(
        list(range(len(values))), list(values), default=None, return_dtype=dtype
    )
