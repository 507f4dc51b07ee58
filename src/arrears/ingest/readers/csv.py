"""CSV: a delimited text file, with its encoding and delimiter detected.

The encoding, unless given, is detected from the file's first
``SAMPLE_BYTES`` (a setting of the ``readers`` package, read from there at each
call): a BOM decides; otherwise UTF-8 if the sample decodes, then GB18030, then
charset-normalizer. The delimiter, unless given, is sniffed among ``, ; tab |``
from the first lines. The file is then streamed with the csv module; a byte
that is not valid in the encoding blanks its own row and makes it a row
problem, instead of failing the whole file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import charset_normalizer

from arrears.errors import ImportFileError
from arrears.ingest import readers as _package
from arrears.ingest.readers.base import LineChunk, RawRow, _BaseReader, _headers, fit_cells

_DELIMITERS = ",;\t|"


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
        width, encoding, problems = len(self.headers), self.encoding or "", self.row_problems
        for number, cells in self._records():
            fitted = record_values(number, cells, width, encoding, problems)
            if fitted is not None:
                yield number, fitted

    def line_chunks(self, size: int = 20_000) -> Iterator[LineChunk] | None:
        """The data lines in chunks of ``size`` when the file can be cut at any line end
        (see :func:`splittable`), else None.

        Each line is then one record, numbered by its line, and the chunks can be read
        by :func:`chunk_rows` elsewhere (in worker processes) with the same result as
        :meth:`batches`: the importing process neither splits the cells nor sends them.
        """
        assert self.encoding is not None and self.delimiter is not None
        if not splittable(self.path, self.encoding):
            return None
        return self._line_chunks(size)

    def _line_chunks(self, size: int) -> Iterator[LineChunk]:
        assert self.encoding is not None
        # The BOM is on the header line; a chunk decoded on its own must keep a U+FEFF.
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        pending: list[str] = []
        first = 2  # the header, one line, is row 1
        # Lines of pending up to this index may hold undecodable bytes.
        suspect = 0
        with self.path.open("rb") as handle:
            handle.readline()
            tail = b""
            for read in iter(lambda: handle.read(_BLOCK), b""):
                block = tail + read
                cut = block.rfind(b"\n") + 1
                tail = block[cut:]
                if cut:
                    text, clean = _decoded(block[: cut - 1], encoding)
                    pending.extend(text.split("\n"))
                    suspect = suspect if clean else len(pending)
                while len(pending) >= size:
                    yield LineChunk(first, pending[:size], decoded=suspect <= 0)
                    first += size
                    del pending[:size]
                    suspect -= size
            if tail:
                text, clean = _decoded(tail, encoding)
                pending.append(text)
                suspect = suspect if clean else len(pending)
        if pending:
            yield LineChunk(first, pending, decoded=suspect <= 0)

    def close(self) -> None:
        self._file.close()


def _decoded(data: bytes, encoding: str) -> tuple[str, bool]:
    """The text of whole lines, undecodable bytes kept as surrogates, and whether there
    were none (a strict decoding first: the common case pays nothing more)."""
    try:
        return data.decode(encoding), True
    except UnicodeDecodeError:
        return data.decode(encoding, "surrogateescape"), False


# Bytes read at a time when the file is cut into chunks of lines.
_BLOCK = 1 << 22
# Encodings in which a line feed, a carriage return or a quote byte is always that
# character (never part of a multi-byte one): a file in them can be cut at its bytes.
_CUTTABLE = frozenset(("utf-8", "utf-8-sig", "ascii", "gb18030", "gbk", "gb2312"))


def splittable(path: Path, encoding: str) -> bool:
    """Whether every line of the file is one record: no quote (a quoted field may hold
    a line break), no NUL (the csv module refuses it) and no carriage return other
    than in a CRLF line end, in an encoding of :data:`_CUTTABLE`.

    One pass over the bytes at C speed (a tenth of a second for a million rows).
    """
    if codecs.lookup(encoding).name not in _CUTTABLE:
        return False
    with path.open("rb") as handle:
        last = b""
        for read in iter(lambda: handle.read(_BLOCK), b""):
            block = last + read
            if b'"' in block or b"\x00" in block:
                return False
            # A CR at the end of a block is judged with the next block's first byte.
            last = b"\r" if block.endswith(b"\r") else b""
            body = block[:-1] if last else block
            if body.count(b"\r") != body.count(b"\r\n"):
                return False
        return not last


def line_cells(line: str, delimiter: str) -> list[str]:
    """The cells of one line of a file :func:`splittable` accepts, as the csv module
    reads them (no quotes: a split at each delimiter, the CR of a CRLF dropped)."""
    return (line[:-1] if line.endswith("\r") else line).split(delimiter)


def chunk_rows(
    chunk: LineChunk, delimiter: str, width: int, encoding: str
) -> tuple[list[RawRow], dict[int, str]]:
    """The rows of a chunk of lines, with their problems, as :meth:`CsvReader.batches`
    and ``row_problems`` give them."""
    rows: list[RawRow] = []
    problems: dict[int, str] = {}
    decoded = all_decoded(chunk)
    for number, line in enumerate(chunk.lines, chunk.first):
        cells = line_cells(line, delimiter)
        fitted = record_values(number, cells, width, encoding, problems, decoded=decoded)
        if fitted is not None:
            rows.append((number, fitted))
    return rows, problems


def record_values(
    number: int,
    cells: list[str],
    width: int,
    encoding: str,
    problems: dict[int, str],
    *,
    decoded: bool = False,
) -> list[str | None] | None:
    """A record's cells fitted to the header width (None: every cell is empty, the row
    is skipped); a lossy fit or undecodable bytes are recorded in ``problems``
    (``decoded``: the caller knows the cells hold no undecodable byte)."""
    # The csv module gives only strings: stripped, an empty one is None (cells._text).
    values = [cell.strip() or None for cell in cells]
    if not any(values):
        return None
    fitted = fit_cells(number, values, width, False, problems)
    if not decoded and undecodable("\x00".join(cells)):
        problems[number] = (
            f"row is not valid {encoding} text; set formats.encoding "
            "if the file uses another encoding"
        )
        fitted = [None] * len(fitted)  # never pass undecodable text on
    return fitted


_UNDECODED = re.compile("[\udc80-\udcff]")  # what surrogateescape makes of a bad byte


def undecodable(text: str) -> bool:
    """Whether text read with ``surrogateescape`` held bytes invalid in its encoding."""
    return _UNDECODED.search(text) is not None


def all_decoded(chunk: LineChunk) -> bool:
    """Whether no line of the chunk holds an undecodable byte: vouched for by the reader
    that decoded it strictly, else one test of the whole chunk, so that no line need be
    searched on its own (an ASCII chunk is not even searched)."""
    if chunk.decoded:
        return True
    joined = "\n".join(chunk.lines)
    return joined.isascii() or not undecodable(joined)


def _sample_bytes() -> int:
    """How much of a file detection reads: the package's ``SAMPLE_BYTES`` as it is now."""
    return _package.SAMPLE_BYTES


def _read_sample(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_sample_bytes())
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
        decoder.decode(sample, final=len(sample) < _sample_bytes())
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
