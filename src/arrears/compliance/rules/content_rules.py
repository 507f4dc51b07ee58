"""The bridge to the content checker (:mod:`arrears.compliance.content`).

When a contact comes with its text, the content checker decides what the text
may say and which disclosures it carries. It is called once per *distinct*
(text, jurisdictions, channel, context) — the planner's millions of contacts
share a few templates — and its findings are joined back to every contact
with that key. A text that cannot be checked is BLOCKed: a message nobody
checked is never sent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from arrears.compliance.content import ContentContext, check_content, disclosures_present
from arrears.compliance.findings import stack
from arrears.compliance.frames import Frames
from arrears.compliance.model import FINDINGS, UTC_TIME
from arrears.errors import ArrearsError

# The jurisdictions list travels as one string: a join key must be a plain value.
KEY = [
    "content",
    "jur_key",
    "channel",
    "initial",
    "time_barred",
    "judgment_obtained",
    "validation_end",
    "counterparty",
]


def with_disclosures(contacts: pl.DataFrame) -> pl.DataFrame:
    """Add ``disclosures`` (the items the text carries; empty without text)."""
    texts = contacts.select("content").drop_nulls().unique()
    if texts.is_empty():  # no text yet (the plan, the 360 view): nothing is carried
        return contacts.with_columns(pl.lit([], dtype=pl.List(pl.String())).alias("disclosures"))
    found = [sorted(disclosures_present(text)) for text in texts["content"].to_list()]
    table = texts.with_columns(pl.Series("disclosures", found, dtype=pl.List(pl.String())))
    joined = contacts.join(table, on="content", how="left", nulls_equal=False)
    return joined.with_columns(pl.col("disclosures").fill_null([]))


def _context(key: dict[str, Any]) -> ContentContext:
    end = key["validation_end"]
    return ContentContext(
        channel=key["channel"],
        jurisdictions=tuple(key["jur_key"].split(",")),
        initial_communication=bool(key["initial"]),
        time_barred=bool(key["time_barred"]),
        judgment_obtained=bool(key["judgment_obtained"]),
        validation_end=end if isinstance(end, date) else None,
        counterparty=key["counterparty"],
    )


def _check(key: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        found = check_content(key["content"], _context(key))
    except ArrearsError as exc:
        return [
            {
                "rule": "HOUSE-JUR-01",
                "verdict": "BLOCK",
                "citation": "arrears house rule",
                "message": f"The text could not be checked ({exc.message}): it is not sent.",
                "message_zh": "无法检查该文本，不予发送。",
                "requires": [],
            }
        ]
    return [
        {
            "rule": f.rule,
            "verdict": f.verdict.upper(),
            "citation": f.citation,
            "message": f.message,
            "message_zh": f.message_zh,
            "requires": list(f.requires),
        }
        for f in found
    ]


def content(frames: Frames) -> pl.DataFrame:
    """Forbidden content and missing disclosures in the contact's own text."""
    rows = frames.contacts.filter(pl.col("content").is_not_null())
    if rows.is_empty():
        return stack([])
    first = pl.col("first_contact_at")
    current = pl.col("validation_end") >= pl.col("now").dt.date()
    rows = rows.with_columns(
        (first.is_null() | (first >= pl.col("now"))).alias("initial"),
        pl.when(current).then(pl.col("validation_end")).alias("validation_end"),
        pl.col("jurisdictions").list.join(",").alias("jur_key"),
    )
    keys = rows.select(KEY).unique().with_row_index("key")
    out: list[dict[str, Any]] = []
    for key in keys.iter_rows(named=True):  # one call per distinct text and context
        out += [{"key": key["key"], **f} for f in _check(key)]
    if not out:
        return stack([])
    schema = {
        "key": pl.UInt32(),
        **{c: FINDINGS[c] for c in FINDINGS if c not in ("contact_id", "until")},
    }
    found = pl.DataFrame(out, schema=schema)
    joined = rows.select("contact_id", *KEY).join(keys, on=KEY, nulls_equal=True)
    joined = joined.select("contact_id", "key").join(found, on="key")
    return joined.with_columns(pl.lit(None, UTC_TIME).alias("until")).select(list(FINDINGS))
