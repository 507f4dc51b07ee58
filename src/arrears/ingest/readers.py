"""Readers: a CSV, XLSX or Parquet file as a stream of rows of strings.

Every reader gives the same thing: ``headers`` (the first row, stripped) and
``batches()`` of :data:`RawRow` — ``(row number, cells)`` with one cell per
header, ``None`` for an empty cell and stripped strings otherwise. Typed cells
(XLSX numbers and dates, Parquet columns) are turned into the text a person
would have typed, so one set of field parsers serves every format:

* dates -> ``2026-03-05`` (``2026-03-05T14:30:00`` when there is a time of day);
* whole numbers -> ``1234``; other floats -> the shortest text that reads back
  as the same float (XLSX: to 15 significant digits, what Excel shows, so a
  formula's ``1234.5600000000001`` is ``1234.56``); decimals exactly, without
  trailing zeros; booleans -> ``true`` / ``false``.

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
reads the first MiB) is a row problem too, and its cells are blanked.

Memory stays bounded: files are streamed, never read whole.
"""

from __future__ import annotations

import codecs
import csv
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Protocol, Self

import charset_normalizer
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from arrears.errors import ImportFileError

RawRow = tuple[int, list[str | None]]
"""(source row number, cells aligned with the headers; empty cells are None)."""

SAMPLE_BYTES = 1 << 20  # encoding detection reads the first MiB
_DELIMITERS = ",;\t|"
_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}


class TableReader(Protocol):
    """What the importer needs of a file, whatever its format."""

    path: Path
    headers: list[str]
    encoding: str | None
    delimiter: str | None
    format: str  # "csv" | "xlsx" | "parquet"
    row_problems: dict[int, str]

    def batches(self, size: int = 20_000) -> Iterator[list[RawRow]]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


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


# --------------------------------------------------------------------------- shared


class _BaseReader:
    """Batching, width checks and the context manager shared by the readers."""

    path: Path
    headers: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    format: str

    def __init__(self, path: Path) -> None:
        self.path = path
        self.headers = []
        self.row_problems: dict[int, str] = {}

    def _rows(self) -> Iterator[RawRow]:
        raise NotImplementedError

    def batches(self, size: int = 20_000) -> Iterator[list[RawRow]]:
        """Rows in lists of at most ``size``."""
        batch: list[RawRow] = []
        for row in self._rows():
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    # A spreadsheet row simply lacks its empty trailing cells; a short CSV row lost some.
    _short_rows_ok = False

    def _fit(self, number: int, cells: list[str | None]) -> list[str | None]:
        """Cells cut or padded to the header width; a lossy fit is a row problem."""
        width = len(self.headers)
        short = len(cells) < width and not self._short_rows_ok
        if short or any(cell is not None for cell in cells[width:]):
            self.row_problems[number] = f"row has {len(cells)} cells, header has {width}"
        return cells[:width] + [None] * (width - len(cells))

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def _headers(cells: Iterable[str | None], path: Path) -> list[str]:
    headers = [(cell or "").strip().lstrip("\ufeff") for cell in cells]
    while headers and not headers[-1]:
        headers.pop()  # spreadsheets often carry formatted but empty columns
    if not headers:
        raise ImportFileError(f"{path}: the first row is empty; it must hold the column headers")
    return headers


# --------------------------------------------------------------------------- CSV


class CsvReader(_BaseReader):
    """A delimited text file, streamed with the csv module."""

    format = "csv"

    def __init__(self, path: Path, *, encoding: str | None, delimiter: str | None) -> None:
        super().__init__(path)
        sample = _read_sample(path)
        self.encoding = _check_encoding(path, encoding) if encoding else detect_encoding(sample)
        if self.encoding is None:
            raise ImportFileError(f"{path}: cannot tell the encoding; set formats.encoding")
        text = _decode_sample(sample, self.encoding, path)
        self.delimiter = delimiter or sniff_delimiter(text, tab=path.suffix.lower() == ".tsv")
        # Undecodable bytes become lone surrogates, found per row (see _rows), so a bad
        # byte rejects its own row, with its number, instead of failing the whole file.
        self._file: IO[str] = path.open(
            encoding=self.encoding, errors="surrogateescape", newline=""
        )
        self._reader = csv.reader(self._file, delimiter=self.delimiter)
        self._line = 0
        try:
            self.headers = self._read_headers()
        except ImportFileError:
            self.close()
            raise

    def _read_headers(self) -> list[str]:
        first = next(self._records(), None)
        if first is None:
            raise ImportFileError(f"{self.path}: the file holds no rows")
        if _UNDECODED.search("".join(first[1])):
            raise ImportFileError(f"{self.path}: the header row is not valid {self.encoding} text")
        return _headers(first[1], self.path)

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(first physical line, cells) of each record; csv errors become file errors."""
        while True:
            start = self._line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    f"{self.path} row {start}: cannot read ({exc}); is '{self.delimiter}' "
                    "the delimiter, and is every quote closed?"
                ) from None
            self._line = self._reader.line_num
            yield start, cells

    def _rows(self) -> Iterator[RawRow]:
        for number, cells in self._records():
            values = [_text(cell) for cell in cells]
            if any(value is not None for value in values):
                fitted = self._fit(number, values)
                if _UNDECODED.search("\x00".join(cells)):
                    self.row_problems[number] = (
                        f"row is not valid {self.encoding} text; set formats.encoding "
                        "if the file uses another encoding"
                    )
                    fitted = [None] * len(fitted)  # never pass undecodable text on
                yield number, fitted

    def close(self) -> None:
        self._file.close()


_UNDECODED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a bad byte


def _read_sample(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror})") from None


def detect_encoding(sample: bytes) -> str | None:
    """The encoding of a file from its first bytes; None when nothing fits.

    A BOM decides; otherwise UTF-8 if the sample decodes, then GB18030 (a superset of
    GBK and GB2312, the usual encodings of Chinese exports), then charset-normalizer.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    for candidate in ("utf-8", "gb18030"):
        if _decodes(sample, candidate):
            return candidate
    best = charset_normalizer.from_bytes(sample).best()
    return None if best is None else best.encoding


def _decodes(sample: bytes, encoding: str) -> bool:
    # An incremental decoder keeps a character cut at the end of the sample pending
    # instead of failing on it; a sample shorter than the limit is the whole file.
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError:
        return False
    return True


def _check_encoding(path: Path, encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ImportFileError(f"{path}: unknown encoding '{encoding}'") from None


def _decode_sample(sample: bytes, encoding: str, path: Path) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path}: not valid {encoding} text ({exc.reason})") from None


def sniff_delimiter(text: str, *, tab: bool = False) -> str:
    """The delimiter among , ; tab | of a text's first lines (tab for .tsv, else ",")."""
    head = "\n".join(text.splitlines()[:50])
    first_line = head.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(head, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in first_line:
        return found
    # The sniffer can fail on short or irregular files; the header line rarely lies.
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return "\t" if tab else ","


# --------------------------------------------------------------------------- XLSX


# What openpyxl raises on a damaged workbook (SyntaxError covers XML parse errors).
_XLSX_DAMAGE = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    SyntaxError,
)


class XlsxReader(_BaseReader):
    """One sheet of an Excel workbook, streamed with openpyxl's read-only mode."""

    format = "xlsx"
    _short_rows_ok = True

    def __init__(self, path: Path, *, sheet: str | None) -> None:
        super().__init__(path)
        try:
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except _XLSX_DAMAGE as exc:
            raise ImportFileError(f"{path}: not a readable XLSX workbook ({exc})") from None
        self._sheet = self._pick_sheet(sheet)
        # Some writers store a wrong sheet size; without it openpyxl reads every cell.
        self._sheet.reset_dimensions()
        self._iter = enumerate(self._sheet.iter_rows(values_only=True), start=1)
        try:
            self.headers = self._read_headers()
        except ImportFileError:
            self.close()
            raise

    def _read_headers(self) -> list[str]:
        try:
            first = next(self._iter, None)
        except _XLSX_DAMAGE as exc:
            raise ImportFileError(f"{self.path}: the sheet is damaged ({exc})") from None
        if first is None:
            raise ImportFileError(f"{self.path}: the sheet '{self._sheet.title}' is empty")
        return _headers([cell_text(value) for value in first[1]], self.path)

    def _pick_sheet(self, sheet: str | None) -> Any:
        if sheet is None:
            return self._book.worksheets[0]
        if sheet not in self._book.sheetnames:
            names = ", ".join(self._book.sheetnames)
            self.close()
            raise ImportFileError(f"{self.path}: no sheet named '{sheet}'; sheets: {names}")
        return self._book[sheet]

    def _rows(self) -> Iterator[RawRow]:
        try:
            for number, cells in self._iter:
                values = [cell_text(value) for value in cells]
                while values and values[-1] is None:
                    values.pop()  # empty trailing cells of a ragged row
                if values:
                    yield number, self._fit(number, values)
        except _XLSX_DAMAGE as exc:
            # A damaged sheet shows only while it is streamed; report it, not a traceback.
            raise ImportFileError(f"{self.path}: the sheet is damaged ({exc})") from None

    def close(self) -> None:
        self._book.close()


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


# --------------------------------------------------------------------------- Parquet


class ParquetReader(_BaseReader):
    """A Parquet file, read one record batch at a time."""

    format = "parquet"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise ImportFileError(f"{path}: not a readable Parquet file ({exc})") from None
        self.headers = [name.strip() for name in self._file.schema_arrow.names]

    def batches(self, size: int = 20_000) -> Iterator[list[RawRow]]:
        """Rows in lists of at most ``size``; numbers are 1-based record indexes."""
        first = 1
        try:
            for record_batch in self._file.iter_batches(batch_size=size):
                rows = self._convert(record_batch, first)
                first += record_batch.num_rows
                if rows:
                    yield rows
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise ImportFileError(f"{self.path} record {first}: cannot read ({exc})") from None

    def _convert(self, record_batch: pa.RecordBatch, first: int) -> list[RawRow]:
        columns = [
            [cell_text(value, excel=False) for value in _microseconds(column).to_pylist()]
            for column in record_batch.columns
        ]
        rows: list[RawRow] = []
        for offset, values in enumerate(zip(*columns, strict=True)):
            if any(value is not None for value in values):
                rows.append((first + offset, list(values)))
        return rows

    def close(self) -> None:
        self._file.close()


def _microseconds(column: pa.Array) -> pa.Array:
    """Nanosecond times cut to microseconds: Python's datetime cannot hold nanoseconds."""
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        return column.cast(pa.timestamp("us", kind.tz), safe=False)
    if pa.types.is_time64(kind) and kind.unit == "ns":
        return column.cast(pa.time64("us"), safe=False)
    return column
