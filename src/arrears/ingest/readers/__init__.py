"""Readers: a CSV, XLSX or Parquet file as a stream of rows of strings.

Every reader gives the same thing: ``headers`` (the first row, stripped) and
``batches()`` of :data:`RawRow` — ``(row number, cells)`` with one cell per
header, ``None`` for an empty cell and stripped strings otherwise. Typed cells
(XLSX numbers and dates, Parquet columns) are turned into the text a person
would have typed (the rules are in ``cells``), so one set of field parsers
serves every format.

Row numbers are what a person finds in the source: for CSV and XLSX the
physical row, the header being row 1 (a CSV record with a line break inside a
quoted field is numbered by its first line); for Parquet the 1-based record
index. Rows whose cells are all empty are skipped but keep their number.

A row with more non-empty cells than headers, or fewer cells, is still yielded
(padded with ``None`` or cut to the header width) and its problem is recorded
in ``reader.row_problems`` before the batch holding it is yielded; the row
validator rejects it. Extra cells that are empty (a trailing delimiter) lose
nothing and are not a problem; nor are an XLSX row's missing trailing cells. A CSV
row holding bytes that are not valid in the detected encoding (the detection
reads the first :data:`SAMPLE_BYTES`, a MiB) is a row problem too, and its cells
are blanked.

Memory stays bounded: files are streamed, never read whole.

A CSV file in which every line is one record (no quotes) can also be read as
``line_chunks()``: whole lines, which :func:`chunk_rows` turns into the same rows
and problems wherever it runs — so an importer can leave splitting the cells to
its worker processes. Other files give None there and are read with ``batches()``.

The package, one concept a module:

* ``base`` — :data:`RawRow`, the :class:`TableReader` protocol and what the readers share;
* ``cells`` — a typed cell value as the text a person would have typed;
* ``csv`` — delimited text, with its encoding and delimiter detected;
* ``xlsx`` — one sheet of an Excel workbook;
* ``parquet`` — a Parquet file, one record batch at a time.

:func:`open_table` (here) picks the reader by the file's extension.
"""

from __future__ import annotations

from pathlib import Path

from arrears.errors import ImportFileError
from arrears.ingest.readers.base import LineChunk, RawRow, TableReader
from arrears.ingest.readers.cells import cell_text
from arrears.ingest.readers.csv import CsvReader, chunk_rows, detect_encoding, sniff_delimiter
from arrears.ingest.readers.parquet import ParquetReader
from arrears.ingest.readers.xlsx import XlsxReader

__all__ = [
    "SAMPLE_BYTES",
    "CsvReader",
    "LineChunk",
    "ParquetReader",
    "RawRow",
    "TableReader",
    "XlsxReader",
    "cell_text",
    "chunk_rows",
    "detect_encoding",
    "open_table",
    "sniff_delimiter",
]

# Encoding detection reads the first MiB. The setting belongs to the package: the
# ``csv`` module reads it from here each time, so changing it here takes effect.
SAMPLE_BYTES = 1 << 20

_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> TableReader:
    """Open a table file, choosing the reader by the file's extension.

    ``encoding`` and ``delimiter`` apply to CSV and ``sheet`` to XLSX; any of them
    left None is detected. A file that cannot be read raises ImportFileError.
    """
    path = Path(path)
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(_FORMATS))
        raise ImportFileError(f"{path}: unknown file type '{path.suffix}'; expected {known}")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path}: the file is empty")
    if kind == "csv":
        return CsvReader(path, encoding=encoding, delimiter=delimiter)
    if kind == "xlsx":
        return XlsxReader(path, sheet=sheet)
    return ParquetReader(path)
