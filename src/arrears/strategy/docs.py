"""Generated documentation: the feature table of docs/strategies.md.

The table is made from :data:`.features.FEATURES`, the contract with the
planner, and a test checks the documentation contains it verbatim, so the
page a strategy manager reads never lists a feature that does not exist.
"""

from __future__ import annotations

import polars as pl

from arrears.strategy.features import FEATURES


def _type_name(dtype: object) -> str:
    if isinstance(dtype, pl.List):
        return f"list of {_type_name(dtype.inner)}"
    if isinstance(dtype, pl.Decimal):
        return "decimal"
    names = {
        pl.Int64: "integer",
        pl.Int32: "integer",
        pl.String: "text",
        pl.Boolean: "true/false",
        pl.Float64: "number",
    }
    return next((text for kind, text in names.items() if dtype == kind), str(dtype))


def feature_table_markdown() -> str:
    """A Markdown table of every feature: name, type, meaning."""
    rows = ["| feature | type | meaning |", "| --- | --- | --- |"]
    for feature in FEATURES:
        meaning = feature.description.replace("|", "\\|")
        rows.append(f"| `{feature.name}` | {_type_name(feature.dtype)} | {meaning} |")
    return "\n".join(rows) + "\n"
