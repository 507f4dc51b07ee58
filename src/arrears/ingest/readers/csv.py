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
from arrears.ingest.readers.base import RawRow, _BaseReader, _headers

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
        for number, cells in self._records():
            # The csv module gives only strings: stripped, an empty one is None (cells._text).
            values = [cell.strip() or None for cell in cells]
            if any(values):
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
