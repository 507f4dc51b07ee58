"""The letter channel: each letter a PDF file in an output folder, once.

:class:`PdfLetterChannel` is the ``pdf_letter`` adapter of the channel contract
(:mod:`arrears.channels.base`). ``send`` lays the letter out and writes it to
``<out_dir>/<client>/<date>/<key>.pdf`` with a JSON record of the request
beside it; the print batch of a day (:meth:`PdfLetterChannel.print_batch`) is
then built from that folder and handed to the print house.

It is idempotent by dedup key: if a PDF for the key exists already (whatever
its date folder), nothing is rendered or written and the first file's path is
returned again as the provider id. Files are written to a temporary name and
renamed, so a crash never leaves half a letter that a retry would trust.

A letter reaches the adapter either as a :class:`~.model.LetterRequest`
(:meth:`PdfLetterChannel.send_letter`), or through the outbox as an
:class:`~arrears.channels.base.OutgoingMessage` (``send``): ``to`` is the postal
block (the recipient's name on the first line, then the address lines),
``html`` the rendered body (or ``text``), ``subject`` the subject line, and
the ``X-Arrears-*`` headers of :data:`HEADERS` carry what a letter needs
beyond a message; :func:`letter_message` builds such a message from a request.
The sender (letterhead, neutral return name, return address) comes from the
adapter's settings: it is the client's, not the message's.

Results: ``sent`` (provider id = the PDF's path under ``out_dir``);
``permanent_failure`` for a letter that cannot be made (envelope refused, bad
template output, missing address); ``temporary_failure`` when the disk fails.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from arrears.channels.base import OutgoingMessage, SendResult, permanent, sent, temporary
from arrears.channels.letters.batch import PrintBatch, build_print_batch
from arrears.channels.letters.model import (
    LetterRequest,
    PostalAddress,
    Recipient,
    Sender,
    request_from_record,
    request_record,
)
from arrears.channels.letters.render import render_letter
from arrears.errors import ArrearsError, InvalidInput

HEADERS = {
    "template": "X-Arrears-Template",
    "jurisdiction": "X-Arrears-Jurisdiction",
    "postal_code": "X-Arrears-Postal-Code",
    "country": "X-Arrears-Country",
    "reference": "X-Arrears-Reference",
    "letter_date": "X-Arrears-Letter-Date",
    "client": "X-Arrears-Client",
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class PdfLetterSettings(BaseModel):
    """Settings of the ``pdf_letter`` adapter (a client's letter configuration)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    out_dir: str
    client_code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    letterhead_name: str = Field(min_length=1)
    return_name: str = Field(min_length=1)  # neutral: checked against the envelope rules
    return_address: list[str] = Field(min_length=1)
    return_postal_code: str = ""
    return_country: str = ""
    contact_lines: list[str] = []
    jurisdiction: str = "CN"  # when a message does not say
    footer_note: str = ""
    paper: Literal["A4", "LETTER"] | None = None


def file_name(dedup_key: str) -> str:
    """The file name of a letter: the key itself when it is safe, else a cleaned key + hash."""
    cleaned = _SAFE.sub("_", dedup_key)[:120]
    if cleaned == dedup_key:
        return f"{cleaned}.pdf"
    digest = hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()[:12]
    return f"{cleaned}-{digest}.pdf"


def letter_message(letter: LetterRequest) -> OutgoingMessage:
    """The outbox message that carries ``letter`` to a letter adapter."""
    address = letter.recipient.address
    headers = {
        HEADERS["template"]: letter.template,
        HEADERS["jurisdiction"]: letter.jurisdiction,
        HEADERS["postal_code"]: address.postal_code,
        HEADERS["country"]: address.country,
        HEADERS["reference"]: letter.reference,
        HEADERS["letter_date"]: letter.letter_date.isoformat(),
        HEADERS["client"]: letter.client_code,
    }
    body = "".join((letter.prefix_html, letter.body_html, letter.suffix_html))
    return OutgoingMessage(
        dedup_key=letter.dedup_key,
        channel="letter",
        to="\n".join((letter.recipient.name, *address.lines)),
        sender=letter.sender.return_name,
        text=html.unescape(re.sub(r"<[^>]+>", " ", body)).strip(),
        subject=letter.subject,
        html=body,
        locale=letter.locale,
        headers={key: value for key, value in headers.items() if value},
    )


class PdfLetterChannel:
    """Letters as PDF files in ``out_dir``, one per dedup key."""

    name = "pdf_letter"
    channel = "letter"

    def __init__(
        self,
        out_dir: Path,
        client_code: str,
        sender: Sender,
        *,
        jurisdiction: str = "CN",
        footer_note: str = "",
        paper: str | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.client_code = client_code
        self.sender = sender
        self.jurisdiction = jurisdiction
        self.footer_note = footer_note
        self.paper = paper
        self._today = today

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], environ: Mapping[str, str]
    ) -> PdfLetterChannel:
        config = PdfLetterSettings.model_validate(dict(settings))
        sender = Sender(
            letterhead_name=config.letterhead_name,
            return_name=config.return_name,
            address=PostalAddress(
                tuple(config.return_address), config.return_postal_code, config.return_country
            ),
            contact_lines=tuple(config.contact_lines),
        )
        return cls(
            Path(config.out_dir),
            config.client_code,
            sender,
            jurisdiction=config.jurisdiction,
            footer_note=config.footer_note,
            paper=config.paper,
        )

    # -- the channel contract ------------------------------------------------

    def send(self, message: OutgoingMessage) -> SendResult:
        try:
            letter = self.request_from_message(message)
        except ArrearsError as exc:
            return permanent(exc.message)
        return self.send_letter(letter)

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        return [self.send(message) for message in messages]

    def close(self) -> None:
        """Nothing to release: the adapter holds no connection."""

    # -- letters ---------------------------------------------------------------

    def request_from_message(self, message: OutgoingMessage) -> LetterRequest:
        """The letter an outbox message describes, sent by this adapter's client."""
        head = {key: message.headers.get(header, "") for key, header in HEADERS.items()}
        lines = [line.strip() for line in message.to.splitlines() if line.strip()]
        if len(lines) < 2:
            raise InvalidInput(f"letter {message.dedup_key}: 'to' needs a name and an address")
        if not message.subject:
            raise InvalidInput(f"letter {message.dedup_key}: no subject line")
        body = message.html or "".join(
            f"<p>{html.escape(part)}</p>" for part in message.text.split("\n\n") if part.strip()
        )
        sender = self.sender
        if message.sender and message.sender != sender.return_name:
            sender = replace(sender, return_name=message.sender)
        return LetterRequest(
            dedup_key=message.dedup_key,
            template=head["template"] or "letter",
            locale=message.locale,
            jurisdiction=head["jurisdiction"] or self.jurisdiction,
            sender=sender,
            recipient=Recipient(
                lines[0], PostalAddress(tuple(lines[1:]), head["postal_code"], head["country"])
            ),
            subject=message.subject,
            body_html=body,
            letter_date=self._letter_date(message.dedup_key, head["letter_date"]),
            reference=head["reference"],
            footer_note=self.footer_note,
            paper=self.paper,
            client_code=head["client"] or self.client_code,
        )

    def _letter_date(self, dedup_key: str, header: str) -> date:
        if not header:
            return self._today()
        try:
            return date.fromisoformat(header)
        except ValueError:
            raise InvalidInput(f"letter {dedup_key}: '{header}' is not a date") from None

    def path_of(self, letter: LetterRequest) -> Path:
        """Where the PDF of ``letter`` goes (or went)."""
        client = letter.client_code or self.client_code
        return self.out_dir / client / letter.letter_date.isoformat() / file_name(letter.dedup_key)

    def existing(self, dedup_key: str, client_code: str | None = None) -> Path | None:
        """The PDF already written for ``dedup_key``, in any date folder, if there is one."""
        folder = self.out_dir / (client_code or self.client_code)
        return next(iter(sorted(folder.glob(f"*/{file_name(dedup_key)}"))), None)

    def send_letter(self, letter: LetterRequest) -> SendResult:
        """Render ``letter`` to its file unless its key was sent before."""
        found = self.existing(letter.dedup_key, letter.client_code or None)
        if found is not None:
            return sent(self._provider_id(found))
        try:
            pdf = render_letter(letter)
        except ArrearsError as exc:
            return permanent(exc.message)
        target = self.path_of(letter)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            record = json.dumps(request_record(letter), ensure_ascii=False, indent=1)
            _write_atomic(target.with_suffix(".json"), record.encode("utf-8"))
            _write_atomic(target, pdf)  # last: the PDF's presence means "sent"
        except OSError as exc:
            return temporary(f"letter {letter.dedup_key}: cannot write {target}: {exc}")
        return sent(self._provider_id(target))

    def letters_of(
        self, day: date, client_code: str | None = None
    ) -> list[tuple[LetterRequest, bytes]]:
        """The letters written for ``day``, each with its PDF (for the print batch)."""
        folder = self.out_dir / (client_code or self.client_code) / day.isoformat()
        pairs = []
        for pdf_path in sorted(folder.glob("*.pdf")):
            record = json.loads(pdf_path.with_suffix(".json").read_text(encoding="utf-8"))
            pairs.append((request_from_record(record), pdf_path.read_bytes()))
        return pairs

    def print_batch(self, day: date, out_dir: Path | None = None) -> PrintBatch:
        """The print batch of ``day`` from the letters written for it."""
        target = out_dir or self.out_dir / self.client_code / "batches"
        return build_print_batch(self.letters_of(day), target, self.client_code, day)

    def _provider_id(self, path: Path) -> str:
        return path.relative_to(self.out_dir).as_posix()


def _write_atomic(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
