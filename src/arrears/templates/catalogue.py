"""The loaded templates, by name, with the verdict of their check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from arrears.templates.errors import UnknownTemplate
from arrears.templates.model import Template, TemplateFinding


class TemplateCatalogue:
    """Templates by name. An inactive template stays listed (with its problems) but
    :func:`~arrears.templates.render.render` refuses it."""

    def __init__(self, templates: Iterable[Template], folder: Path | None = None) -> None:
        self._templates = {t.name: t for t in sorted(templates, key=lambda t: t.name)}
        self.folder = folder

    def get(self, name: str) -> Template:
        """The template called ``name``; UnknownTemplate (a NotFound) otherwise."""
        try:
            return self._templates[name]
        except KeyError:
            raise UnknownTemplate(name, list(self._templates)) from None

    def names(self) -> list[str]:
        """Every template name, sorted."""
        return list(self._templates)

    def active(self, name: str) -> bool:
        """``name`` may be rendered: it passed its check (REVIEW findings acknowledged)."""
        return self.get(name).active

    @property
    def problems(self) -> tuple[TemplateFinding, ...]:
        """The findings that keep templates from being used (empty when all pass)."""
        return tuple(f for t in self._templates.values() for f in t.problems)

    @property
    def findings(self) -> tuple[TemplateFinding, ...]:
        """Every finding of the check, acknowledged REVIEW findings included."""
        return tuple(f for t in self._templates.values() for f in t.findings)

    def templates(self, channel: str | None = None, locale: str | None = None) -> list[Template]:
        """The templates, optionally of one channel and having one locale."""
        return [
            t
            for t in self._templates.values()
            if (channel is None or t.channel == channel) and (locale is None or locale in t.locales)
        ]

    def __iter__(self) -> Iterator[Template]:
        return iter(self._templates.values())

    def __len__(self) -> int:
        return len(self._templates)

    def __contains__(self, name: object) -> bool:
        return name in self._templates
