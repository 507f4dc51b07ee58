"""Building findings frames (schema :data:`model.FINDINGS`) from rule results.

A rule selects the contacts it has something to say about and calls
:func:`finding` with the rule id, the verdict and a message; the catalogue
supplies the citation. Messages are Polars expressions, so a million findings
are formatted in one vectorised step.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from arrears.compliance.catalogue import CATALOGUE
from arrears.compliance.model import FINDINGS, UTC_TIME, Verdict

RANK = {v.name: int(v) for v in Verdict}
_CITATIONS = {rule_id: info.citation for rule_id, info in CATALOGUE.items()}


def rank(column: str = "verdict") -> pl.Expr:
    """The verdict's strictness as an integer (ALLOW 0 ... BLOCK 4)."""
    return pl.col(column).replace_strict(RANK, return_dtype=pl.Int8)


def _text(value: pl.Expr | str | None) -> pl.Expr:
    if value is None:
        return pl.lit(None, pl.String())
    return pl.lit(value) if isinstance(value, str) else value


def finding(
    frame: pl.DataFrame,
    rule_id: str | pl.Expr,
    verdict: Verdict,
    message: pl.Expr | str,
    message_zh: pl.Expr | str | None = None,
    *,
    until: pl.Expr | None = None,
    requires: Sequence[str] = (),
) -> pl.DataFrame:
    """One finding per row of ``frame`` (which must have ``contact_id``)."""
    if frame.is_empty():
        # Most rules find nothing for most small inputs (one account's numbers): skip
        # building and evaluating the message expressions over no rows.
        return _EMPTY
    rule_expr = pl.lit(rule_id) if isinstance(rule_id, str) else rule_id
    out = frame.select(
        pl.col("contact_id"),
        rule_expr.cast(pl.String()).alias("rule"),
        pl.lit(verdict.name).alias("verdict"),
        (pl.lit(None, UTC_TIME) if until is None else until).cast(UTC_TIME).alias("until"),
        _text(message).cast(pl.String()).alias("message"),
        _text(message_zh).cast(pl.String()).alias("message_zh"),
        pl.lit(list(requires), dtype=pl.List(pl.String())).alias("requires"),
    )
    citation = pl.col("rule").replace_strict(_CITATIONS, return_dtype=pl.String())
    return out.with_columns(citation.alias("citation")).select(list(FINDINGS))


# Frames are immutable: one empty findings frame serves every rule that found nothing.
_EMPTY = pl.DataFrame(schema=FINDINGS)


def empty() -> pl.DataFrame:
    return _EMPTY


def stack(parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """All findings in one frame (no part: an empty frame with the schema)."""
    kept = [part for part in parts if not part.is_empty()]
    if len(kept) == 1:
        return kept[0]
    return pl.concat(kept, how="vertical") if kept else _EMPTY


def by_jurisdiction(choices: Sequence[tuple[str, str]], default: str) -> pl.Expr:
    """The rule id of the first ``(jurisdiction, rule)`` that applies to the contact."""
    expr = pl.lit(default)
    for code, rule_id in reversed(choices):
        applies = pl.col("jurisdictions").list.contains(code)
        expr = pl.when(applies).then(pl.lit(rule_id)).otherwise(expr)
    return expr


def fmt(template: str, **values: pl.Expr) -> pl.Expr:
    """``fmt("{n} calls to {until}", n=..., until=...)``: named placeholders as expressions."""
    import re

    names = re.findall(r"\{(\w+)\}", template)
    return pl.format(re.sub(r"\{\w+\}", "{}", template), *[values[name] for name in names])
