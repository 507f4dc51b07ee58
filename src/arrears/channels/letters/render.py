"""A :class:`~.model.LetterRequest` laid out as a PDF with WeasyPrint.

The page is ``layout/letter.html`` (Jinja2, autoescaped) with ``letter.css``
and the geometry CSS of the letter's format (:mod:`.layout`). Before anything
is laid out the envelope is checked (:mod:`.envelope`): a letter whose window
would reveal the debt raises :class:`~.envelope.EnvelopeRefused`.

WeasyPrint fetches nothing: :class:`LocalOnlyFetcher` refuses every URL but
``data:`` and files under the layout folder, and a refused URL stops the
rendering (:class:`LetterRenderError`) instead of leaving a hole in the letter.
Fonts are the system's (WenQuanYi Zen Hei or Noto Sans CJK SC for Chinese).

Parsing CSS and building the font configuration cost more than laying out a
one-page letter, so each process does them once (:func:`_resources`; a forked
worker builds its own). The PDF is deterministic: the same request gives the
same bytes (creation date = letter date, file identifier from the dedup key),
so its SHA-256 identifies it in the print manifest.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from arrears.channels.letters.envelope import EnvelopeRefused, check_envelope, window_block
from arrears.channels.letters.formats import format_date
from arrears.channels.letters.layout import (
    FORMATS,
    LAYOUT_DIR,
    PAGE_CSS,
    PAGE_HTML,
    PageFormat,
    page_format_for,
)
from arrears.channels.letters.model import LetterRequest
from arrears.errors import InvalidInput

LABELS: dict[str, dict[str, Any]] = {
    "zh": {
        "date": "日期",
        "reference": "账户",
        "letter_ref": "函件编号",
        "closing": ("此致", "敬礼！"),
    },
    "en": {
        "date": "Date",
        "reference": "Account",
        "letter_ref": "Letter ref.",
        "closing": ("Sincerely,",),
    },
}


def labels_for(locale: str) -> dict[str, Any]:
    """The words of the layout in ``locale`` (a British letter closes "Yours sincerely,")."""
    labels = LABELS[locale.split("-", 1)[0]]
    if locale == "en-GB":
        return {**labels, "closing": ("Yours sincerely,",)}
    return labels


class RefusedURL(ValueError):
    """A URL the letter renderer does not fetch."""


class LetterRenderError(InvalidInput):
    """A letter that cannot be laid out (it refers to something outside the layout)."""

    code = "letter_render"


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """A WeasyPrint URL fetcher that never leaves the machine.

    ``data:`` URLs are read; ``file:`` URLs only under ``roots`` (the layout
    folder by default); everything else (http, https, ftp, file elsewhere) is
    refused before any connection is made. Refusals are fatal to the rendering.
    """

    def __init__(self, roots: Sequence[Path] = (LAYOUT_DIR,)) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
        self._roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(f"letters fetch nothing from the network: {url}")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self._roots):
            raise RefusedURL(f"letters read files of their layout folder only: {url}")
        return super().fetch(url, headers)


@dataclass
class _Resources:
    """What a process builds once: fonts, parsed stylesheets, the fetcher."""

    pid: int
    fetcher: LocalOnlyFetcher
    font_config: FontConfiguration
    stylesheets: dict[str, list[CSS]]


_state: dict[str, _Resources] = {}


def _resources() -> _Resources:
    current = _state.get("resources")
    if current is not None and current.pid == os.getpid():
        return current
    fetcher = LocalOnlyFetcher()
    fonts = FontConfiguration()
    base = CSS(
        string=PAGE_CSS.read_text(encoding="utf-8"),
        base_url=LAYOUT_DIR.as_uri() + "/",
        url_fetcher=fetcher,
        font_config=fonts,
    )
    sheets = {
        fmt.name: [base, CSS(string=fmt.window_css(), url_fetcher=fetcher, font_config=fonts)]
        for fmt in FORMATS.values()
    }
    fresh = _Resources(os.getpid(), fetcher, fonts, sheets)
    _state["resources"] = fresh
    return fresh


@functools.cache
def _layout() -> Environment:
    return Environment(
        loader=FileSystemLoader(LAYOUT_DIR), autoescape=True, undefined=StrictUndefined
    )


def build_html(letter: LetterRequest, fmt: PageFormat | None = None) -> str:
    """The HTML page of ``letter`` (the input of WeasyPrint; useful to inspect a layout)."""
    fmt = fmt or page_format_for(letter.jurisdiction, letter.locale, letter.paper)
    # Without an explicit signature a letter with a closing is signed by the letterhead.
    signature = letter.signature or ((letter.sender.letterhead_name,) if letter.closing else ())
    return (
        _layout()
        .get_template(PAGE_HTML)
        .render(
            locale=letter.locale,
            language=letter.language,
            labels=labels_for(letter.locale),
            subject=letter.subject,
            dedup_key=letter.dedup_key,
            template=letter.template,
            letter_ref=letter.letter_ref,
            created=letter.letter_date.isoformat(),
            date=format_date(letter.letter_date, letter.locale),
            reference=letter.reference,
            sender=letter.sender,
            window=window_block(letter),
            folds=fmt.folds,
            prefix_html=Markup(letter.prefix_html),
            body_html=Markup(letter.body_html),
            suffix_html=Markup(letter.suffix_html),
            closing=letter.closing,
            signature=signature,
            footer_note=letter.footer_note,
        )
    )


def check_letter(letter: LetterRequest) -> None:
    """Raise :class:`EnvelopeRefused` when the envelope of ``letter`` would reveal a debt."""
    block = window_block(letter)
    problems = check_envelope("\n".join(block.lines()), letter.sender.return_name)
    if problems:
        raise EnvelopeRefused(letter.dedup_key, problems)


def render_letter(letter: LetterRequest) -> bytes:
    """The PDF of ``letter``; EnvelopeRefused or LetterRenderError when it may not be made."""
    check_letter(letter)
    fmt = page_format_for(letter.jurisdiction, letter.locale, letter.paper)
    resources = _resources()
    html = build_html(letter, fmt)
    identifier = hashlib.sha256(letter.dedup_key.encode("utf-8")).hexdigest()[:32].encode()
    try:
        document = HTML(
            string=html, base_url=LAYOUT_DIR.as_uri() + "/", url_fetcher=resources.fetcher
        )
        pdf = document.write_pdf(
            stylesheets=resources.stylesheets[fmt.name],
            font_config=resources.font_config,
            pdf_identifier=identifier,
            custom_metadata=True,
        )
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise LetterRenderError(f"letter {letter.dedup_key} not rendered: {cause}") from None
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target
        raise LetterRenderError(f"letter {letter.dedup_key}: WeasyPrint returned no PDF")
    return pdf
