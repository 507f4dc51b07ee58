"""What every field parser shares: the problem it raises and NFKC text.

:class:`FieldProblem` carries a reason a person understands. :func:`nfkc` is
the first step of every parser: full-width digits and punctuation typed with a
Chinese input method become ASCII and a no-break space a space.
:func:`clean_text` reads free text.
"""

from __future__ import annotations

import unicodedata


class FieldProblem(ValueError):
    """A cell that cannot be read as the value its column holds."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def nfkc(text: str) -> str:
    """NFKC form, stripped: full-width forms become ASCII, NBSP becomes a space."""
    return unicodedata.normalize("NFKC", text).strip()


def clean_text(text: str | None) -> str | None:
    """Free text (address, product, reference): NFKC, one space between words; None if empty."""
    if text is None:
        return None
    cleaned = " ".join(nfkc(text).split())
    return cleaned or None
