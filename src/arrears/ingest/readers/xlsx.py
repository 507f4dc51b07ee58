"""XLSX: one sheet of an Excel workbook, streamed with openpyxl's read-only mode.

The first sheet unless one is named. Cell values are read as stored (cached
formula results, not formulas) and turned into text by :func:`.cells.cell_text`;
a row's missing trailing cells are not a problem. A damaged workbook, whether
it shows on opening or only while the sheet is streamed, is a file error, never
a traceback.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from arrears.errors import ImportFileError
from arrears.ingest.readers.base import RawRow, _BaseReader, _headers
from arrears.ingest.readers.cells import cell_text

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
