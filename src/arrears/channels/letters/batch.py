"""The daily print batch of one client: one PDF for the print house and its manifest.

Every letter of the day goes into one merged PDF, each starting on an odd page
so that duplex printing never puts the first page of a letter on the back of
the previous one: a letter with an odd number of pages is followed by a blank
page. The letters are presorted by country, postal code and recipient (the
order the post sorts on), which also makes the batch the same whatever order
the letters arrive in.

Beside the PDF, a manifest in CSV (UTF-8 with BOM, for Excel) and JSON says
which pages are which letter:

``sequence, dedup_key, recipient_name, postal_code, country, page_from,
page_to, page_count, blank_pages, template, locale, sha256``

(``page_from``/``page_to`` are the letter's own pages in the merged PDF,
1-based; ``blank_pages`` is the padding after it; ``sha256`` is that of the
letter's own PDF). The JSON also holds the totals and the SHA-256 of the merged
PDF, so the print house can check the pair belongs together.

Files are ``print-<client>-<date>.pdf|.csv|.json`` in ``out_dir``. Building the
batch again for the same client and date replaces them: each is written to a
temporary file in the same folder and renamed over the old one, so a reader
never sees half a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from arrears.channels.letters.model import LetterRequest
from arrears.errors import InvalidInput

MANIFEST_FIELDS = (
    "sequence",
    "dedup_key",
    "recipient_name",
    "postal_code",
    "country",
    "page_from",
    "page_to",
    "page_count",
    "blank_pages",
    "template",
    "locale",
    "sha256",
)
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One letter of the batch and where it is in the merged PDF."""

    sequence: int
    dedup_key: str
    recipient_name: str
    postal_code: str
    country: str
    page_from: int
    page_to: int
    page_count: int
    blank_pages: int
    template: str
    locale: str
    sha256: str


@dataclass(frozen=True, slots=True)
class PrintBatch:
    """What :func:`build_print_batch` wrote."""

    client_code: str
    batch_date: date
    pdf_path: Path | None  # None when there were no letters (and no PDF is left behind)
    csv_path: Path
    json_path: Path
    letters: int
    pages: int  # pages of the merged PDF, blank pages included
    blank_pages: int
    pdf_sha256: str | None
    rows: tuple[ManifestRow, ...]

    @property
    def sheets(self) -> int:
        """Sheets of paper when printed on both sides."""
        return self.pages // 2


def batch_paths(out_dir: Path, client_code: str, batch_date: date) -> tuple[Path, Path, Path]:
    """The PDF, CSV and JSON paths of the batch of ``client_code`` on ``batch_date``."""
    if not _CODE.match(client_code):
        raise InvalidInput(f"'{client_code}' cannot name a print batch (letters, digits, _ . -)")
    stem = out_dir / f"print-{client_code}-{batch_date.isoformat()}"
    return stem.with_suffix(".pdf"), stem.with_suffix(".csv"), stem.with_suffix(".json")


def _presort_key(item: tuple[LetterRequest, bytes]) -> tuple[str, str, str, str]:
    letter = item[0]
    address = letter.recipient.address
    return (address.country, address.postal_code, letter.recipient.name, letter.dedup_key)


def _reader(letter: LetterRequest, pdf: bytes) -> PdfReader:
    if not pdf.startswith(b"%PDF"):
        raise InvalidInput(f"letter {letter.dedup_key}: not a PDF")
    try:
        return PdfReader(io.BytesIO(pdf))
    except PyPdfError as exc:
        raise InvalidInput(f"letter {letter.dedup_key}: unreadable PDF ({exc})") from None


def _merge(items: list[tuple[LetterRequest, bytes]]) -> tuple[PdfWriter, list[ManifestRow]]:
    writer = PdfWriter()
    rows: list[ManifestRow] = []
    seen: set[str] = set()
    for sequence, (letter, pdf) in enumerate(items, start=1):
        if letter.dedup_key in seen:
            raise InvalidInput(f"letter {letter.dedup_key} appears twice in the print batch")
        seen.add(letter.dedup_key)
        reader = _reader(letter, pdf)
        first = len(writer.pages)
        count = len(reader.pages)
        if count == 0:
            raise InvalidInput(f"letter {letter.dedup_key}: the PDF has no pages")
        writer.append(reader, import_outline=False)
        writer.add_outline_item(title=f"{sequence:05d} {letter.recipient.name}", page_number=first)
        blank = count % 2
        if blank:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(width=float(box.width), height=float(box.height))
        address = letter.recipient.address
        rows.append(
            ManifestRow(
                sequence=sequence,
                dedup_key=letter.dedup_key,
                recipient_name=letter.recipient.name,
                postal_code=address.postal_code,
                country=address.country,
                page_from=first + 1,
                page_to=first + count,
                page_count=count,
                blank_pages=blank,
                template=letter.template,
                locale=letter.locale,
                sha256=hashlib.sha256(pdf).hexdigest(),
            )
        )
    return writer, rows


@contextmanager
def _atomic(path: Path, mode: str = "wb", **kwargs: object) -> Iterator[io.IOBase]:
    """A file written beside ``path`` and renamed over it only when complete."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:  # type: ignore[call-overload]
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class _HashingStream:
    """A write-only stream that hashes what it passes to ``target`` (no second copy in memory)."""

    def __init__(self, target: io.IOBase) -> None:
        self._target = target
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        return self._target.write(data)  # type: ignore[no-any-return]

    def tell(self) -> int:
        return self._target.tell()

    def flush(self) -> None:
        self._target.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _write_manifests(batch: PrintBatch) -> None:
    with _atomic(batch.csv_path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS)
        writer.writeheader()
        for row in batch.rows:
            writer.writerow(asdict(row))
    summary = {
        "client_code": batch.client_code,
        "batch_date": batch.batch_date.isoformat(),
        "pdf": batch.pdf_path.name if batch.pdf_path else None,
        "pdf_sha256": batch.pdf_sha256,
        "letters": batch.letters,
        "pages": batch.pages,
        "blank_pages": batch.blank_pages,
        "sheets": batch.sheets,
        "fields": list(MANIFEST_FIELDS),
        "rows": [asdict(row) for row in batch.rows],
    }
    with _atomic(batch.json_path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def build_print_batch(
    letters: Iterable[tuple[LetterRequest, bytes]],
    out_dir: Path,
    client_code: str,
    batch_date: date,
    *,
    presort: bool = True,
) -> PrintBatch:
    """Merge the day's letters of ``client_code`` into one duplex-ready PDF and its manifest.

    ``letters`` pairs each request with its rendered PDF. With ``presort``
    (the default) they are ordered by country, postal code, recipient and
    dedup key; otherwise they keep the order given. A day with no letters
    writes empty manifests and removes the day's PDF if an earlier run left one.
    """
    pdf_path, csv_path, json_path = batch_paths(out_dir, client_code, batch_date)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = sorted(letters, key=_presort_key) if presort else list(letters)
    writer, rows = _merge(items)
    pages = len(writer.pages)
    digest: str | None = None
    if rows:
        writer.add_metadata(
            {"/Title": f"Print batch {client_code} {batch_date.isoformat()}", "/Creator": "arrears"}
        )
        with _atomic(pdf_path) as handle:
            hashing = _HashingStream(handle)
            writer.write(hashing)  # type: ignore[arg-type]
        digest = hashing.hexdigest()
    else:
        pdf_path.unlink(missing_ok=True)
    batch = PrintBatch(
        client_code=client_code,
        batch_date=batch_date,
        pdf_path=pdf_path if rows else None,
        csv_path=csv_path,
        json_path=json_path,
        letters=len(rows),
        pages=pages,
        blank_pages=sum(row.blank_pages for row in rows),
        pdf_sha256=digest,
        rows=tuple(rows),
    )
    _write_manifests(batch)
    return batch
