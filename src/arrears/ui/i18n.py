"""Languages of every page: Babel catalogues, and money and dates per locale.

Strings in templates and messages are English message ids looked up in
gettext catalogues (``<root>/<zh_CN|en_US>/LC_MESSAGES/<domain>.po``), read
at run time with :mod:`babel.messages.pofile` (no compiled ``.mo`` files to
keep in step). Each part of the web app keeps its own catalogue beside its
templates (the portal's, the workbench's, the dashboards'); a translator
looks through its catalogues in order. A message missing everywhere falls
back to its English id, so a gap shows English rather than nothing; tests
keep the Chinese catalogues complete.
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
from arrears.errors import N_, ArrearsError

__all__ = ["DEFAULT", "LOCALES", "N_", "UI", "Catalogue", "Translator", "normalize"]

LOCALES = ("zh-CN", "en-US")
DEFAULT = "en-US"


def normalize(tag: str | None, default: str = DEFAULT) -> str:
    """One of :data:`LOCALES` for any language tag (``zh``, ``zh_CN``, ``en-GB``...)."""
    value = (tag or "").replace("_", "-").lower()
    if value.startswith("zh"):
        return "zh-CN"
    if value.startswith("en"):
        return "en-US"
    return default


@dataclass(frozen=True)
class Catalogue:
    """One gettext domain kept in a folder of locales."""

    root: Path
    domain: str

    def path(self, locale: str) -> Path:
        return self.root / locale.replace("-", "_") / "LC_MESSAGES" / f"{self.domain}.po"

    def messages(self, locale: str) -> dict[str, str]:
        return _read(self.path(locale), locale, self.domain)


@lru_cache(maxsize=32)
def _read(path: Path, locale: str, domain: str) -> dict[str, str]:
    """Message id -> translation (empty translations left out)."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale.replace("-", "_"), domain=domain)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
    }


UI = Catalogue(Path(__file__).parent / "locales", "ui")


@dataclass(frozen=True)
class Translator:
    """Everything a page needs to speak one locale."""

    locale: str
    catalogues: tuple[Catalogue, ...] = (UI,)
    zone: str = "UTC"  # times are shown in this zone unless a call names another

    @property
    def babel_locale(self) -> str:
        return self.locale.replace("-", "_")

    @property
    def html_lang(self) -> str:
        return self.locale

    def gettext(self, message: str, **values: object) -> str:
        text = message
        for catalogue in self.catalogues:
            found = catalogue.messages(self.locale).get(message)
            if found:
                text = found
                break
        return text % values if values else text

    def error(self, exc: ArrearsError) -> str:
        """An error's message in this locale (its template translated, its values filled in)."""
        values = {k: self.gettext(v) if isinstance(v, str) else v for k, v in exc.values.items()}
        return self.gettext(exc.message_id, **values)

    def money(self, minor: int, currency: str) -> str:
        return Money(minor, currency).format(self.babel_locale)

    def date(self, value: date | None) -> str:
        if value is None:
            return ""
        return format_date(value, format="long", locale=self.babel_locale)

    def datetime(self, value: datetime | None, zone: str | None = None) -> str:
        if value is None:
            return ""
        tz = ZoneInfo(zone or self.zone)
        return format_datetime(value.astimezone(tz), format="medium", locale=self.babel_locale)
