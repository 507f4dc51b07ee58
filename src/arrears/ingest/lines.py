"""Chunks of lines: a CSV file read without the importing process splitting its rows.

In a CSV file without quotes every line is one record (``readers.line_chunks``).
The importing process then reads each row's key only — to set aside rows that
repeat an account and to look up the stored hashes — cutting a line no further
than that cell (:func:`scan_keys`); the worker that screens the chunk splits the
lines into rows itself (:func:`screen_lines`), with the reader's own rules, so the
rows, row problems and rejections are those of ``reader.batches()``. Splitting
and sending the rows' cells cost the importing process, the import's bottleneck,
about 20 us a row; a chunk of lines is one string a line to send. A worker lets
Polars split a chunk whose every line has the header's width straight into a
frame of cells (:func:`cells_of`); any other chunk it splits line by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from arrears.ingest.mapping import HeaderPlan, value_of
from arrears.ingest.readers import LineChunk, chunk_rows
from arrears.ingest.readers.csv import all_decoded, line_cells, record_values, undecodable
from arrears.ingest.rows import Rejection, screen_batch
from arrears.ingest.rows.batch import in_file_repeat
from arrears.ingest.rows.columns import Cells


@dataclass(frozen=True)
class Lines:
    """A chunk of lines of a CSV file in which each line is one record."""

    chunk: LineChunk
    delimiter: str
    width: int  # the header's cells
    encoding: str

    def values(self, number: int) -> list[str | None]:
        """A row's cells as the reader gives them (none: the row is empty)."""
        line = self.chunk.lines[number - self.chunk.first]
        cells = line_cells(line, self.delimiter)
        return record_values(number, cells, self.width, self.encoding, {}) or []


@dataclass
class LineKeys:
    """What the importing process reads of a chunk of lines."""

    read: int = 0  # rows (lines less the empty ones)
    keys: list[str] = field(default_factory=list)  # of the rows to screen
    early: list[list[Rejection]] = field(default_factory=list)  # rejected here
    skip: set[int] = field(default_factory=set)  # their row numbers


def scan_keys(
    kind: str, lines: Lines, plan: HeaderPlan, key_column: str, seen: dict[str, int]
) -> LineKeys:
    """The key of each row and the in-file repeats of an account (``seen``: account
    ref -> first row, across chunks), as the row-by-row path finds them. A line of
    another width, or one with undecodable bytes, is read as the reader reads it, so
    that its key is the one the worker sees."""
    key_of, invoice_of = _LineCell(plan, key_column, lines), _LineCell(plan, "invoice_no", lines)
    found = LineKeys()
    delimiter, cells = lines.delimiter, lines.width - 1
    plain = all_decoded(lines.chunk)
    for number, line in enumerate(lines.chunk.lines, lines.chunk.first):
        suspect = not plain and not line.isascii() and undecodable(line)
        if suspect or line.count(delimiter) != cells:
            values = lines.values(number)
            if not values:
                continue  # an empty row
            key, invoice = key_of.exact(values), invoice_of.exact(values)
        else:
            key = key_of(line)
            if not key and not line.replace(delimiter, "").strip():
                continue  # an empty row
            invoice = invoice_of(line) if key and kind == "accounts" else None
        found.read += 1
        key = key or ""
        repeat = in_file_repeat(kind, key, invoice, number, seen)
        if repeat:
            found.early.append(repeat)
            found.skip.add(number)
            continue
        found.keys.append(key)
    return found


class _LineCell:
    """One canonical column of a line of the header's width, as ``mapping.value_of``
    gives it from the row: the line is cut only as far as that cell, from whichever
    end is nearer."""

    def __init__(self, plan: HeaderPlan, name: str, lines: Lines) -> None:
        self.plan, self.name = plan, name
        self.index, self.constant = plan.columns.get(name), plan.constants.get(name)
        self.delimiter, self.width = lines.delimiter, lines.width

    def exact(self, values: list[str | None]) -> str | None:
        return value_of(self.plan, values, self.name)

    def __call__(self, line: str) -> str | None:
        index = self.index
        if index is None:
            return self.constant
        if index <= self.width // 2:
            value = line.split(self.delimiter, index + 1)[index].strip()
        else:
            value = line.rsplit(self.delimiter, self.width - index)[1].strip()
        return value or self.constant


def screen_lines(
    kind: str,
    plan: HeaderPlan,
    lines: Lines,
    skip: set[int],
    stored: dict[str, str | None],
    columnar: bool,
) -> tuple[int, list[Any]]:
    """:func:`.rows.screen_batch` of a chunk of lines, less the rows in ``skip``."""
    cells = cells_of(lines, skip) if columnar else None
    if cells is not None:
        unchanged, results = screen_batch(kind, plan, cells, {}, stored, columnar)
        return unchanged, list(results)
    rows, problems = chunk_rows(lines.chunk, lines.delimiter, lines.width, lines.encoding)
    if skip:
        rows = [row for row in rows if row[0] not in skip]
    unchanged, results = screen_batch(kind, plan, rows, problems, stored, columnar)
    return unchanged, list(results)


# Characters Python's str.strip() removes and Polars' strip_chars() keeps (the file,
# group, record and unit separators): a chunk with one is split the reader's way.
_STRIP_APART = "\x1c\x1d\x1e\x1f"


def cells_of(lines: Lines, skip: set[int]) -> Cells | None:
    """The chunk's rows (less ``skip`` and the empty ones) split into cells by Polars,
    as :func:`.readers.chunk_rows` splits them; None when the chunk needs the reader's
    rules row by row (see :func:`_split_cells`).

    Splitting in Python and building the frame from the lists took about a sixth of a
    validation worker's time.
    """
    frame = _split_cells(lines)
    if frame is None:
        return None
    if skip:
        frame = frame.filter(~pl.col("_row").is_in(list(skip)))
    return Cells(frame, lines.values)


def _split_cells(lines: Lines) -> pl.DataFrame | None:
    """``_row`` and the cells ``c0``, ``c1``… of the chunk's non-empty rows, stripped,
    an empty one null, as the reader gives them; None when a line is not of the
    header's width (a blank line of any width is an empty row), holds an undecodable
    byte or a character that strips differently."""
    chunk, delimiter, width = lines.chunk, lines.delimiter, lines.width
    if not all_decoded(chunk):
        return None
    joined = "".join(chunk.lines)
    if any(character in joined for character in _STRIP_APART):
        return None
    text = pl.Series("line", chunk.lines, dtype=pl.String)
    other_width = text.str.count_matches(delimiter, literal=True) != width - 1
    if other_width.any():
        blank = text.str.replace_all(delimiter, "", literal=True).str.strip_chars() == ""
        if (other_width & ~blank).any():
            return None
    names = [f"c{i}" for i in range(width)]
    fields = text.str.split_exact(delimiter, width - 1).struct
    numbers = pl.int_range(chunk.first, chunk.first + len(chunk.lines), eager=True)
    frame = pl.DataFrame(
        [numbers.alias("_row"), *(fields.field(f"field_{i}").alias(n) for i, n in enumerate(names))]
    ).with_columns(_cell(pl.col(name)) for name in names)
    return frame.filter(pl.any_horizontal(pl.col(names).is_not_null()))


def _cell(text: pl.Expr) -> pl.Expr:
    """A cell as the reader gives it: stripped, an empty one null."""
    stripped = text.str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped).alias(str(text.meta.output_name()))
