"""How values are written into the demo files: amounts, dates and cells.

Amounts live as integer minor units from the moment they are sampled; they
become text only here, by integer division, so no float error can creep in.
Dates are :class:`datetime.date` until written. A row is a dict of canonical
column name to a :data:`Cell`; an ``int`` in an amount column is minor units,
and a ``str`` is written verbatim (that is how deliberately bad values get in).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

Cell = str | int | date | None
Row = dict[str, Cell]

AMOUNT_COLUMNS = frozenset(
    {"principal", "interest", "fees", "costs", "original_amount", "last_payment_amount", "amount"}
)
DATE_COLUMNS = frozenset(
    {
        "birth_date",
        "opened_on",
        "due_on",
        "charged_off_on",
        "last_payment_on",
        "invoice_date",
        "paid_on",
    }
)

DateText = Callable[[int, int, int], str]
AmountText = Callable[[int], str]


def amount_text(minor: int, *, symbol: str = "", grouping: bool = True, exponent: int = 2) -> str:
    """``-¥12,345.67`` style text for an amount in minor units."""
    sign = "-" if minor < 0 else ""
    major, frac = divmod(abs(minor), 10**exponent)
    whole = f"{major:,}" if grouping else str(major)
    tail = f".{frac:0{exponent}d}" if exponent else ""
    return f"{sign}{symbol}{whole}{tail}"


def iso_date(y: int, m: int, d: int) -> str:
    """``2026-03-05``."""
    return f"{y:04d}-{m:02d}-{d:02d}"


def us_date(y: int, m: int, d: int) -> str:
    """``03/05/2026`` (month first, the US default)."""
    return f"{m:02d}/{d:02d}/{y:04d}"


def uk_date(y: int, m: int, d: int) -> str:
    """``05/03/2026`` (day first)."""
    return f"{d:02d}/{m:02d}/{y:04d}"


def cn_slash_date(y: int, m: int, d: int) -> str:
    """``2026/3/5``."""
    return f"{y}/{m}/{d}"


def cn_word_date(y: int, m: int, d: int) -> str:
    """``2026年3月5日``."""
    return f"{y}年{m}月{d}日"


def impossible_date(text: DateText, year: int) -> str:
    """A date that does not exist (30 February), written in the file's own style."""
    return text(year, 2, 30)


def cell_text(column: str, value: Cell, dates: DateText, amounts: AmountText) -> str:
    """The text of one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return dates(value.year, value.month, value.day)
    if isinstance(value, int):
        return amounts(value) if column in AMOUNT_COLUMNS else str(value)
    return value


def row_texts(
    row: Mapping[str, Cell], columns: Sequence[str], dates: DateText, amounts: AmountText
) -> list[str]:
    """The CSV cells of one row in ``columns`` order."""
    return [cell_text(c, row.get(c), dates, amounts) for c in columns]
