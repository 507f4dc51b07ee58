"""Documents attached to an account: evidence a debtor uploads, receipts, letters.

An upload is checked before anything is written: the type is taken from the
file's first bytes (a PDF, PNG or JPEG — not from the name or the browser's
claim, which anyone can set), the size is at most 5 MB, and the name is reduced
to a safe one. The bytes are kept under ``<root>/<sha[:2]>/<sha>``: content
addressed, so the same file uploaded twice is stored once and a stored file is
never overwritten with other bytes. The file is written (to a temporary name,
then renamed) before the transaction commits; if the transaction rolls back,
an unreferenced file remains, which is harmless and is never served because
only a database row makes a document visible.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from arrears.errors import InvalidInput, NotFound
from arrears.store.records import AccountRecord
from arrears.store.records.disputes import DocumentRecord
from arrears.store.uow import UnitOfWork

MAX_BYTES = 5 * 1024 * 1024
# Magic numbers of the accepted types: what the file is, whatever it is called.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class DocumentInput:
    """An uploaded file as received: the name the uploader gave and its bytes."""

    filename: str
    data: bytes
    content_type: str | None = None  # what the browser said; informative only


def sniff(data: bytes) -> str:
    """The content type of ``data`` from its first bytes; InvalidInput for other types."""
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    raise InvalidInput("only PDF, PNG or JPEG files can be uploaded")


def safe_name(filename: str) -> str:
    """A file name safe to show and to send back: no path, no control characters."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*]", "", name).strip(" .")
    return name[:200] or "document"


def store_document(
    *,
    uow: UnitOfWork,
    root: Path,
    account: AccountRecord,
    kind: str,
    upload: DocumentInput,
    source: str,
    at: datetime,
    dispute_id: int | None = None,
) -> DocumentRecord:
    """Check an upload, keep its bytes and record it on the account."""
    if not upload.data:
        raise InvalidInput(f"{safe_name(upload.filename)}: the file is empty")
    if len(upload.data) > MAX_BYTES:
        raise InvalidInput(f"{safe_name(upload.filename)}: larger than 5 MB")
    content_type = sniff(upload.data)
    digest = hashlib.sha256(upload.data).hexdigest()
    _write_once(root, digest, upload.data)
    return uow.disputes.add_document(
        account_id=account.id, dispute_id=dispute_id, kind=kind,
        filename=safe_name(upload.filename), content_type=content_type,
        size=len(upload.data), sha256=digest, source=source, created_at=at,
    )  # fmt: skip


def read_document(root: Path, document: DocumentRecord) -> bytes:
    """The bytes of a stored document, checked against its digest."""
    path = root / document.sha256[:2] / document.sha256
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"document {document.id} is missing from the documents folder") from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise NotFound(f"document {document.id} does not match its digest")
    return data


def _write_once(root: Path, digest: str, data: bytes) -> None:
    folder = root / digest[:2]
    path = folder / digest
    if path.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
