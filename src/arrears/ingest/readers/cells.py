"""Cell text: a typed cell value as the text a person would have typed.

XLSX numbers and dates and Parquet columns arrive typed; the field parsers read
text, so every value becomes the text a person would have written:

* dates -> ``2026-03-05`` (``2026-03-05T14:30:00`` when there is a time of day);
* whole numbers -> ``1234``; other floats -> the shortest text that reads back
  as the same float (XLSX: to 15 significant digits, what Excel shows, so a
  formula's ``1234.5600000000001`` is ``1234.56``); decimals exactly, without
  trailing zeros; booleans -> ``true`` / ``false``.

Text is stripped, and an empty cell is None (``_text``, which the CSV reader
applies to its string cells too).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def cell_text(value: object, *, excel: bool = True) -> str | None:
    """The text a person would type for a typed cell value (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, excel=excel)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return _text(value.decode("utf-8", errors="replace"))
    return _text(str(value))


def _float_text(value: float, *, excel: bool) -> str | None:
    if math.isnan(value) or math.isinf(value):
        return None  # pandas writes missing values as NaN
    if value.is_integer() and abs(value) < 1e17:
        return str(int(value))
    if excel:
        shown = f"{value:.15g}"
        if "e" not in shown:
            return shown
    return repr(value)


def _decimal_text(value: Decimal) -> str | None:
    if not value.is_finite():
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
