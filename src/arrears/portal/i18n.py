"""The portal's languages: its own catalogue on the shared machinery of :mod:`arrears.ui.i18n`.

Strings in the portal's templates and messages are English message ids looked
up in ``locales/<zh_CN|en_US>/LC_MESSAGES/portal.po``. The debtor's language
picks the first locale; the page has a switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arrears.ui import i18n as ui_i18n
from arrears.ui.i18n import DEFAULT, LOCALES, N_, Catalogue, normalize

__all__ = ["DEFAULT", "DOMAIN", "LOCALES", "N_", "Translator", "catalogue_path", "messages",
           "normalize"]  # fmt: skip

DOMAIN = "portal"
PORTAL = Catalogue(Path(__file__).parent / "locales", DOMAIN)


def catalogue_path(locale: str) -> Path:
    return PORTAL.path(locale)


def messages(locale: str) -> dict[str, str]:
    """Message id -> translation for ``locale`` (empty translations left out)."""
    return PORTAL.messages(locale)


@dataclass(frozen=True)
class Translator(ui_i18n.Translator):
    """A translator that reads the portal's catalogue."""

    catalogues: tuple[Catalogue, ...] = (PORTAL,)
