"""Loaded templates: the words in each locale, compiled, and the verdict of the check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import jinja2

from arrears.compliance.content.model import BLOCK, ContentFinding

ACTIVE = "active"
BLOCKED = "blocked"  # a BLOCK finding
NEEDS_REVIEW = "review"  # a REVIEW finding the file does not acknowledge
UNCHECKED = "unchecked"  # built in code, never checked against the samples

PARTS = ("subject", "body", "html")


@dataclass(frozen=True, eq=False)
class LocaleText:
    """A template's words in one locale, compiled once."""

    locale: str
    subject: str | None
    body: str
    html: str | None
    compiled: Mapping[str, jinja2.Template]  # part -> compiled template (subject body html)
    variables: frozenset[str]  # every variable the parts name
    lines: Mapping[str, int] = field(default_factory=dict)  # part -> line in the file
    # Variables the parts only name under ``is defined`` or ``| default(...)``.
    optional: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class TemplateFinding:
    """A content finding of the check at load, where it was found and whether it is accepted."""

    template: str
    locale: str
    jurisdictions: tuple[str, ...]
    situation: str  # "initial communication", "time-barred debt", "validation period" ...
    finding: ContentFinding
    acknowledged: bool  # a REVIEW finding listed under ``reviewed:``
    source: str = ""
    line: int = 0

    @property
    def blocking(self) -> bool:
        """True when this finding keeps the template from being used."""
        return self.finding.verdict == BLOCK or not self.acknowledged

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}: " if self.source else ""
        places = ", ".join(self.jurisdictions) or "any jurisdiction"
        state = " (acknowledged)" if self.acknowledged else ""
        f = self.finding
        return (
            f"{where}{self.template} [{self.locale}, {places}, {self.situation}]: "
            f"{f.verdict}{state} {f.rule} ({f.citation}): {f.message}"
        )


@dataclass(frozen=True, eq=False)
class Template:
    """One template: what it is for, where it may be used, its words, its check."""

    name: str
    channel: str
    purpose: str
    jurisdictions: tuple[str, ...]
    locales: Mapping[str, LocaleText]
    purpose_zh: str | None = None
    audience: str = "consumer"
    initial_communication: bool = False
    for_time_barred_debts: bool = True
    for_validation_period: bool = True
    fallback: bool = False
    reviewed: frozenset[str] = frozenset()
    voicemail: str | None = None
    notes: str = ""
    source: str = ""
    line: int = 1
    status: str = UNCHECKED
    findings: tuple[TemplateFinding, ...] = ()

    @property
    def locale_names(self) -> tuple[str, ...]:
        return tuple(self.locales)

    @property
    def active(self) -> bool:
        """May be rendered: no BLOCK and no unacknowledged REVIEW at load."""
        return self.status in (ACTIVE, UNCHECKED)

    @property
    def problems(self) -> tuple[TemplateFinding, ...]:
        """The findings that keep the template from being used."""
        return tuple(f for f in self.findings if f.blocking)
