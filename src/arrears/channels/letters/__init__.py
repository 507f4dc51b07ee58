"""Letters as PDF: the page layout, the envelope rules, the daily print batch, the channel.

A letter goes from a template to the post in four steps:

1. :func:`compose_letter` renders a template of ``config/templates/letter/``
   (:func:`render_body`, the one place the template engine is called) and
   freezes it with the sender and the recipient into a :class:`LetterRequest`;
2. :func:`render_letter` checks what the envelope window would show
   (:func:`window_text`, :func:`check_envelope`; a letter revealing a debt
   raises :class:`EnvelopeRefused`) and lays the page out with WeasyPrint:
   A4 in a DL window envelope for China and the UK, US Letter in a No. 10
   window envelope for the US (:mod:`.layout`);
3. :class:`PdfLetterChannel`, the ``pdf_letter`` channel adapter, writes each
   PDF once per dedup key to ``<out>/<client>/<date>/``;
4. :func:`build_print_batch` merges a day's letters into one duplex-ready PDF
   with a CSV and JSON manifest for the print house.

See ``docs/letters.md``.
"""

from arrears.channels.letters.batch import (
    MANIFEST_FIELDS,
    ManifestRow,
    PrintBatch,
    build_print_batch,
)
from arrears.channels.letters.channel import (
    PdfLetterChannel,
    PdfLetterSettings,
    file_name,
    letter_message,
)
from arrears.channels.letters.compose import compose_letter
from arrears.channels.letters.envelope import (
    EnvelopeProblem,
    EnvelopeRefused,
    check_envelope,
    visible_text,
    window_text,
)
from arrears.channels.letters.layout import A4_DL, US_LETTER_10, PageFormat, page_format_for
from arrears.channels.letters.model import (
    LetterRequest,
    PostalAddress,
    Recipient,
    Sender,
    letter_reference,
)
from arrears.channels.letters.render import (
    LetterRenderError,
    LocalOnlyFetcher,
    build_html,
    render_letter,
)
from arrears.channels.letters.templating import (
    LetterTemplate,
    RenderedBody,
    load_letter_templates,
    render_body,
)

__all__ = [
    "A4_DL",
    "MANIFEST_FIELDS",
    "US_LETTER_10",
    "EnvelopeProblem",
    "EnvelopeRefused",
    "LetterRenderError",
    "LetterRequest",
    "LetterTemplate",
    "LocalOnlyFetcher",
    "ManifestRow",
    "PageFormat",
    "PdfLetterChannel",
    "PdfLetterSettings",
    "PostalAddress",
    "PrintBatch",
    "Recipient",
    "RenderedBody",
    "Sender",
    "build_html",
    "build_print_batch",
    "check_envelope",
    "compose_letter",
    "file_name",
    "letter_message",
    "letter_reference",
    "load_letter_templates",
    "page_format_for",
    "render_body",
    "render_letter",
    "visible_text",
    "window_text",
]
