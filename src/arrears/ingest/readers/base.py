"""What every reader gives, and the machinery the readers share.

:data:`RawRow` is one row of a file: its source row number and one cell per
header. :class:`TableReader` is what the importer needs of a reader, whatever
the format; ``_BaseReader`` implements its batching, the fitting of a row to
the header width (a lossy fit is a row problem) and the context manager, and
``_headers`` reads a first row as column headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Protocol, Self

from arrears.errors import ImportFileError

RawRow = tuple[int, list[str | None]]
"""(source row number, cells aligned with the headers; empty cells are None)."""


class LineChunk(NamedTuple):
    """Consecutive lines of a text file in which each line is one record."""

    first: int  # the row number of lines[0]
    lines: list[str]  # without their line ends
    # True: the reader decoded every line without an undecodable byte (False: unknown,
    # see readers.csv.all_decoded).
    decoded: bool = False


class TableReader(Protocol):
    """What the importer needs of a file, whatever its format."""

    path: Path
    headers: list[str]
    encoding: str | None
    delimiter: str | None
    format: str  # "csv" | "xlsx" | "parquet"
    row_problems: dict[int, str]

    def batches(self, size: int = 20_000) -> Iterator[list[RawRow]]: ...

    def line_chunks(self, size: int = 20_000) -> Iterator[LineChunk] | None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


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

    def line_chunks(self, size: int = 20_000) -> Iterator[LineChunk] | None:
        """The data as chunks of ``size`` whole lines, one record a line, or None when
        the file cannot be cut so (only a CSV file without quotes can)."""
        return None

    # A spreadsheet row simply lacks its empty trailing cells; a short CSV row lost some.
    _short_rows_ok = False

    def _fit(self, number: int, cells: list[str | None]) -> list[str | None]:
        """Cells cut or padded to the header width; a lossy fit is a row problem."""
        return fit_cells(number, cells, len(self.headers), self._short_rows_ok, self.row_problems)

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


def fit_cells(
    number: int,
    cells: list[str | None],
    width: int,
    short_ok: bool,
    problems: dict[int, str],
) -> list[str | None]:
    """Cells cut or padded to ``width``; a lossy fit is recorded in ``problems``."""
    if len(cells) == width:
        return cells
    short = len(cells) < width and not short_ok
    if short or any(cell is not None for cell in cells[width:]):
        problems[number] = f"row has {len(cells)} cells, header has {width}"
    return cells[:width] + [None] * (width - len(cells))


def _headers(cells: Iterable[str | None], path: Path) -> list[str]:
    headers = [(cell or "").strip().lstrip("\ufeff") for cell in cells]
    while headers and not headers[-1]:
        headers.pop()  # spreadsheets often carry formatted but empty columns
    if not headers:
        raise ImportFileError(f"{path}: the first row is empty; it must hold the column headers")
    return headers
