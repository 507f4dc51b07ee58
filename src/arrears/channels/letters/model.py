"""What a letter is made of: who sends it, to whom, and the rendered text.

A :class:`LetterRequest` is complete and immutable: the outbox dispatcher builds
it once (the template already rendered to an HTML fragment) and any process can
turn it into the same PDF. It holds no database row and no setting.

The sender has two names. ``letterhead_name`` is printed at the top of the
letter, inside the envelope, and may be the agency's full trading name.
``return_name`` is the name printed with the return address behind the
envelope window, so it is seen by anyone who handles the post: it must not
reveal that the letter is about a debt (15 U.S.C. 1692f(8); 12 CFR
1006.22(f)(2); see :mod:`.envelope`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from arrears.errors import InvalidInput

LOCALES = ("zh-CN", "en-US", "en-GB")


def _clean_lines(lines: tuple[str, ...], what: str) -> tuple[str, ...]:
    cleaned = tuple(line.strip() for line in lines if line and line.strip())
    if not cleaned:
        raise InvalidInput(f"{what} has no address lines")
    return cleaned


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """An address as printed, line by line, plus the parts the post sorts on.

    ``lines`` are complete (street, district, city, postal code as the country
    writes them); ``postal_code`` and ``country`` (ISO 3166 alpha-2) are kept
    apart for sorting the print batch and for its manifest.
    """

    lines: tuple[str, ...]
    postal_code: str = ""
    country: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", _clean_lines(tuple(self.lines), "an address"))
        object.__setattr__(self, "country", self.country.strip().upper())
        object.__setattr__(self, "postal_code", self.postal_code.strip())

    def one_line(self, separator: str = ", ") -> str:
        return separator.join(self.lines)


@dataclass(frozen=True, slots=True)
class Sender:
    """The agency (or law firm, or creditor) a letter is from."""

    letterhead_name: str  # printed at the top, inside the envelope
    return_name: str  # printed beside the return address behind the window: neutral
    address: PostalAddress
    contact_lines: tuple[str, ...] = ()  # telephone, hours, web site under the letterhead

    def __post_init__(self) -> None:
        if not self.letterhead_name.strip() or not self.return_name.strip():
            raise InvalidInput("a sender needs a letterhead name and a return name")


@dataclass(frozen=True, slots=True)
class Recipient:
    """The debtor (or their representative) the letter is addressed to."""

    name: str
    address: PostalAddress

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("a recipient needs a name")


def _frozen(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class LetterRequest:
    """One letter, ready to be laid out as a PDF.

    ``body_html`` is the template's HTML fragment, already rendered and escaped
    by the template engine: it is trusted. ``prefix_html`` and ``suffix_html``
    are the places the compliance layer puts required disclosures (the
    mini-Miranda, a translation offer) before and after the body; letter
    templates never carry them. Every other text (names, addresses, subject)
    is escaped by the layout. ``variables`` are the values the body was
    rendered from, kept for the record and for re-rendering.
    """

    dedup_key: str
    template: str
    locale: str  # zh-CN | en-US | en-GB
    jurisdiction: str  # CN | US | US-MA | GB ...
    sender: Sender
    recipient: Recipient
    subject: str
    body_html: str
    letter_date: date
    reference: str = ""  # the masked account reference printed as "Your reference"
    variables: Mapping[str, object] = field(default_factory=dict)
    prefix_html: str = ""
    suffix_html: str = ""
    signature: tuple[str, ...] = ()  # lines under the closing; the letterhead name if empty
    closing: bool = True  # print the locale's closing ("Sincerely," / 此致 敬礼)
    footer_note: str = ""  # a line in the footer, e.g. a licence number
    paper: str | None = None  # "A4" | "LETTER"; None: chosen by jurisdiction
    client_code: str = ""

    def __post_init__(self) -> None:
        if not self.dedup_key.strip():
            raise InvalidInput("a letter needs a dedup key")
        if self.locale not in LOCALES:
            raise InvalidInput(f"unknown letter locale '{self.locale}'; known: {LOCALES}")
        if not self.subject.strip():
            raise InvalidInput("a letter needs a subject line")
        object.__setattr__(self, "variables", _frozen(self.variables))
        object.__setattr__(self, "signature", tuple(self.signature))

    @property
    def language(self) -> str:
        """``zh`` or ``en``."""
        return self.locale.split("-", 1)[0]

    @property
    def letter_ref(self) -> str:
        """The short reference printed on the letter (see :func:`letter_reference`)."""
        return letter_reference(self.dedup_key)


def letter_reference(dedup_key: str) -> str:
    """A short reference for the footer, derived from the dedup key: ``"K7QF-2M9X-AB"``.

    Ten characters of the key's SHA-256 in base 32 (RFC 4648: capital letters
    and the digits 2-7, so no 0/O or 1/I to confuse). It names the letter for a
    person on the telephone or in the print room without printing the key
    itself, which may carry internal ids.
    """
    digest = base64.b32encode(hashlib.sha256(dedup_key.encode("utf-8")).digest()).decode()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:10]}"


def _address_record(address: PostalAddress) -> dict[str, object]:
    return {
        "lines": list(address.lines),
        "postal_code": address.postal_code,
        "country": address.country,
    }


def _address(record: Mapping[str, Any]) -> PostalAddress:
    return PostalAddress(tuple(record["lines"]), record["postal_code"], record["country"])


def request_record(letter: LetterRequest) -> dict[str, object]:
    """``letter`` as JSON-ready data (variables as text), the record kept beside its PDF."""
    return {
        "dedup_key": letter.dedup_key,
        "template": letter.template,
        "locale": letter.locale,
        "jurisdiction": letter.jurisdiction,
        "sender": {
            "letterhead_name": letter.sender.letterhead_name,
            "return_name": letter.sender.return_name,
            "address": _address_record(letter.sender.address),
            "contact_lines": list(letter.sender.contact_lines),
        },
        "recipient": {
            "name": letter.recipient.name,
            "address": _address_record(letter.recipient.address),
        },
        "subject": letter.subject,
        "body_html": letter.body_html,
        "letter_date": letter.letter_date.isoformat(),
        "reference": letter.reference,
        "variables": {key: str(value) for key, value in letter.variables.items()},
        "prefix_html": letter.prefix_html,
        "suffix_html": letter.suffix_html,
        "signature": list(letter.signature),
        "closing": letter.closing,
        "footer_note": letter.footer_note,
        "paper": letter.paper,
        "client_code": letter.client_code,
    }


def request_from_record(record: Mapping[str, Any]) -> LetterRequest:
    """The request :func:`request_record` wrote (variables come back as text)."""
    try:
        sender, recipient = record["sender"], record["recipient"]
        return LetterRequest(
            dedup_key=record["dedup_key"],
            template=record["template"],
            locale=record["locale"],
            jurisdiction=record["jurisdiction"],
            sender=Sender(
                sender["letterhead_name"],
                sender["return_name"],
                _address(sender["address"]),
                tuple(sender["contact_lines"]),
            ),
            recipient=Recipient(recipient["name"], _address(recipient["address"])),
            subject=record["subject"],
            body_html=record["body_html"],
            letter_date=date.fromisoformat(record["letter_date"]),
            reference=record["reference"],
            variables=record["variables"],
            prefix_html=record["prefix_html"],
            suffix_html=record["suffix_html"],
            signature=tuple(record["signature"]),
            closing=record["closing"],
            footer_note=record["footer_note"],
            paper=record["paper"],
            client_code=record["client_code"],
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"not a letter record: {exc}") from None
