"""Conditions: SQL boolean expressions over the account features.

A strategy manager writes ``dpd between 31 and 60 and balance >= 500``; the
Polars SQL engine (``pl.sql_expr``) turns it into an expression evaluated over
millions of accounts at once. There is no hand-written parser here: Polars
parses, and we check what it produced —

* every column it reads (``Expr.meta.root_names()``) is a documented feature
  (:data:`.features.NAMES`), so a typo is an error at load, not a silent false;
* evaluated on a small sample of accounts it yields one boolean per account
  (not a number, not an aggregate such as ``count(*) > 1``), which also catches
  type errors like ``status > 5``.

Like a SQL ``WHERE``, a condition that is null (unknown: ``dpd >= 30`` when
``dpd`` is null) counts as false.
"""

from __future__ import annotations

import difflib
from functools import cache

import polars as pl

from arrears.strategy.features import NAMES, SCHEMA


class ConditionError(ValueError):
    """A condition that does not compile; the message says why, for the author."""


@cache
def compile_condition(sql: str) -> pl.Expr:
    """The checked Polars expression of a SQL condition; null counts as false.

    Raises ConditionError with a message naming the problem (syntax, unknown
    feature with the valid names, wrong result type).
    """
    text = sql.strip()
    if not text:
        raise ConditionError("an empty condition; write SQL such as: dpd >= 30")
    try:
        expr = pl.sql_expr(text)
    except Exception as exc:  # Polars raises several SQL and compute error types here
        raise ConditionError(f"not valid SQL ({_first_line(exc)}) in: {text}") from None
    _check_names(expr, text)
    _check_result(expr, text)
    return expr.fill_null(False)


def referenced_features(sql: str) -> list[str]:
    """The feature names a (valid) condition reads, each once, in order of appearance."""
    return list(dict.fromkeys(pl.sql_expr(sql).meta.root_names()))


def _check_names(expr: pl.Expr, text: str) -> None:
    unknown = [n for n in dict.fromkeys(expr.meta.root_names()) if n not in NAMES]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name.lower(), sorted(NAMES), n=1)
        hints.append(f"'{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    raise ConditionError(
        f"unknown feature {', '.join(hints)} in: {text}; valid features: {', '.join(sorted(NAMES))}"
    )


def _check_result(expr: pl.Expr, text: str) -> None:
    sample = sample_accounts()
    try:
        result = sample.select(expr.alias("result"))
    except Exception as exc:  # a type error only shows when the expression runs
        raise ConditionError(f"cannot be evaluated ({_first_line(exc)}) in: {text}") from None
    dtype = result.schema["result"]
    if dtype != pl.Boolean:
        raise ConditionError(f"is not a true/false condition (it gives {dtype}) in: {text}")
    if expr.meta.is_literal(allow_aliasing=True):
        return  # `true` / `false`: a constant is fine
    if not expr.meta.root_names():
        raise ConditionError(f"reads no feature (write true or false for a constant) in: {text}")
    if result.height != sample.height:
        raise ConditionError(
            f"must be a condition on each account, not an aggregate (count, sum, …) in: {text}"
        )


@cache
def sample_accounts() -> pl.DataFrame:
    """Two accounts: one with every feature null, one with plain values (for checks)."""
    plain: dict[str, object] = {}
    for name, dtype in SCHEMA.items():
        if dtype == pl.String:
            plain[name] = "x"
        elif dtype == pl.Boolean:
            plain[name] = False
        elif isinstance(dtype, pl.List):
            plain[name] = []
        else:
            plain[name] = 0
    rows = [dict.fromkeys(SCHEMA), plain]
    return pl.DataFrame(rows, schema=SCHEMA)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sql_literal(text: str) -> str:
    """A SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"
