"""Writing rows to CSV, XLSX and Parquet, byte for byte reproducibly.

* CSV: the ``csv`` module with CRLF line ends, in the encoding asked for
  (GB18030 for the Chinese lender's export, UTF-8 otherwise).
* XLSX (xlsxwriter): dates are real date cells, amounts numeric cells with a
  currency format, everything else text (so ``020 7946 0123`` keeps its zero and
  is never taken for a number or formula). The document's creation time is
  pinned to the as-of date so the same seed gives the same bytes.
* Parquet (polars): dates as ``Date``, amounts as ``Decimal(18, 2)`` (exact; a
  reader casting to text gets ``1234.56``), everything else ``String``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter

from arrears.sim.portfolio.formats import AMOUNT_COLUMNS, DATE_COLUMNS, Cell, Row


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], encoding: str = "utf-8"
) -> int:
    """Write a CSV file; the number of data rows."""
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_xlsx(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Row],
    *,
    sheet: str,
    created: date,
    money_format: str,
    date_format: str = "dd/mm/yyyy",
    exponent: int = 2,
) -> int:
    """Write one sheet of canonical rows; the number of data rows."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": datetime(created.year, created.month, created.day)})
    sheet_ = book.add_worksheet(sheet)
    head = book.add_format({"bold": True})
    dates = book.add_format({"num_format": date_format})
    money = book.add_format({"num_format": money_format})
    sheet_.write_row(0, 0, list(columns), head)
    sheet_.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, column in enumerate(columns):
            value = row.get(column)
            if value is None:
                continue
            if isinstance(value, date):
                sheet_.write_datetime(r, c, value, dates)
            elif isinstance(value, int) and column in AMOUNT_COLUMNS:
                sheet_.write_number(r, c, value / 10**exponent, money)
            else:
                sheet_.write_string(r, c, str(value))
    sheet_.set_column(0, len(columns) - 1, 16)
    book.close()
    return len(rows)


def parquet_frame(columns: Sequence[str], rows: Sequence[Row], exponent: int = 2) -> pl.DataFrame:
    """Typed frame of canonical rows: Date, Decimal(18, exponent) or String columns."""
    series = []
    for column in columns:
        values = [row.get(column) for row in rows]
        if column in DATE_COLUMNS:
            series.append(pl.Series(column, values, dtype=pl.Date))
        elif column in AMOUNT_COLUMNS:
            amounts = [_decimal(v, exponent) for v in values]
            series.append(pl.Series(column, amounts, dtype=pl.Decimal(18, exponent)))
        else:
            series.append(pl.Series(column, values, dtype=pl.String))
    return pl.DataFrame(series)


def _decimal(value: Cell, exponent: int) -> Decimal | None:
    """Minor units as an exact decimal of major units."""
    return Decimal(value).scaleb(-exponent) if isinstance(value, int) else None


def write_parquet(path: Path, columns: Sequence[str], rows: Sequence[Row]) -> int:
    """Write canonical rows as typed Parquet; the number of data rows."""
    parquet_frame(columns, rows).write_parquet(path, compression="zstd", statistics=True)
    return len(rows)
