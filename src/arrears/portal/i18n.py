"""The portal's languages: Babel catalogues, money and dates per locale.

Strings in templates and messages are English message ids looked up in
``locales/<zh_CN|en_US>/LC_MESSAGES/portal.po``, read at run time with
:mod:`babel.messages.pofile` (no compiled ``.mo`` files to keep in step). A
message missing from a catalogue falls back to its English id, so a gap shows
English rather than nothing; a test keeps the Chinese catalogue complete.

The debtor's language picks the first locale; the page has a switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po

from arrears.core.money import Money

LOCALES = ("zh-CN", "en-US")
DEFAULT = "en-US"
DOMAIN = "portal"
_ROOT = Path(__file__).parent / "locales"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for the catalogues; translated later, where it is shown."""
    return message


def normalize(tag: str | None) -> str:
    """One of :data:`LOCALES` for any language tag (``zh``, ``zh_CN``, ``en-GB``...)."""
    value = (tag or "").replace("_", "-").lower()
    if value.startswith("zh"):
        return "zh-CN"
    return DEFAULT


def catalogue_path(locale: str) -> Path:
    return _ROOT / locale.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=8)
def messages(locale: str) -> dict[str, str]:
    """Message id -> translation for ``locale`` (empty translations left out)."""
    path = catalogue_path(locale)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale.replace("-", "_"), domain=DOMAIN)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }


@dataclass(frozen=True)
class Translator:
    """Everything a page needs to speak one locale."""

    locale: str

    @property
    def babel_locale(self) -> str:
        return self.locale.replace("-", "_")

    @property
    def html_lang(self) -> str:
        return self.locale

    def gettext(self, message: str, **values: object) -> str:
        text = messages(self.locale).get(message, message)
        return text % values if values else text

    def money(self, minor: int, currency: str) -> str:
        return Money(minor, currency).format(self.babel_locale)

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        return format_date(value, format="long", locale=self.babel_locale)

    def datetime(self, value: datetime | None, zone: str | None = None) -> str:
        if value is None:
            return ""
        tz = ZoneInfo(zone) if zone else ZoneInfo("UTC")
        return format_datetime(value.astimezone(tz), format="medium", locale=self.babel_locale)
