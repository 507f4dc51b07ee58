"""Rulebooks: the parameters of each jurisdiction's rules, as reviewed YAML data.

A rulebook file ``config/rulebooks/<CODE>.yaml`` holds only *numbers*: hours,
caps, windows. The logic of every rule stays in Python (:mod:`.rules`), so a
file can tune a rule but never invent or drop one. Files are validated at load
(unknown keys are errors: a typo must not silently relax a rule), and every
error names the file, the line and the field.

Each rulebook carries a version stamp, ``<version>+<sha256 prefix>``: the
``version:`` the author wrote plus a hash of the file's bytes, so an edit that
forgot to bump the version still changes the stamp. Callers record
:meth:`Rulebooks.stamp` with every decision (DESIGN §4.10).

Codes: ``US`` (FDCPA, Reg F, TCPA), the state overlays ``US-MA`` and
``US-WA`` (a state overlay always runs together with ``US``), ``CN``, ``GB``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from arrears.compliance.zones import Window, time_ns
from arrears.errors import ConfigError

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(_Params):
    """A daily window of permitted local times, checked in every candidate zone."""

    open: str = Field(description="first permitted local time, HH:MM")
    close: str = Field(description="last permitted local time, HH:MM")
    close_inclusive: bool = True
    also_zones: tuple[str, ...] = Field(default=(), description="zones checked as well")

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a time HH:MM such as 08:00")
        return value

    @field_validator("also_zones")
    @classmethod
    def _zones(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for zone in value:
            check_zone(zone)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Hours:
        if time_ns(self.open) >= time_ns(self.close):
            raise ValueError("open must be before close")
        return self

    @property
    def window(self) -> Window:
        return Window(time_ns(self.open), time_ns(self.close), self.close_inclusive)


class Cap(_Params):
    """At most ``max`` contacts in any ``window_days`` consecutive local calendar days."""

    max: int = Field(ge=1)
    window_days: int = Field(ge=1, le=31)


class RegF(_Params):
    """12 CFR 1006.14(b) call-frequency presumptions and the bunching factor."""

    calls: Cap
    after_conversation_days: int = Field(ge=1, le=31)
    bunching_minutes: int = Field(ge=0, le=60)


class Validation(_Params):
    """12 CFR 1006.34: when the notice is due and how long the validation period runs."""

    notice_within_days: int = Field(ge=0)
    receipt_business_days: int = Field(ge=0)
    period_days: int = Field(ge=1)


class BookParams(_Params):
    code: str
    version: str = Field(min_length=1)
    name: str


BookT = TypeVar("BookT", bound=BookParams)


class USBook(BookParams):
    hours: Hours
    reg_f: RegF
    validation: Validation


class MABook(BookParams):
    calls_home_or_cell: Cap
    calls_elsewhere: Cap


class WABook(BookParams):
    hours_at_home: Hours
    contacts_per_week: Cap
    workplace_per_week: Cap


class CNBook(BookParams):
    hours: Hours
    unanswered_per_number_per_day: int = Field(ge=1)
    connected_per_debtor_per_day: int = Field(ge=1)


class GBBook(BookParams):
    hours: Hours


BOOK_TYPES: dict[str, type[BookParams]] = {
    "US": USBook,
    "US-MA": MABook,
    "US-WA": WABook,
    "CN": CNBook,
    "GB": GBBook,
}


def first_error(exc: ValidationError) -> Any:
    """The error to report: an unknown key first (a typo also makes its key "missing")."""
    errors = exc.errors()
    return next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])


def check_zone(zone: str) -> str:
    """Raise ``ValueError`` unless ``zone`` is an IANA zone name."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{zone}' is not an IANA time zone") from exc
    return zone


@dataclass(frozen=True, slots=True)
class Rulebook:
    """One jurisdiction's parameters, with the stamp that identifies them."""

    code: str
    version: str
    params: BookParams
    source: str


@dataclass(frozen=True, slots=True)
class Rulebooks(Mapping[str, Rulebook]):
    """The rulebooks in force, by code."""

    books: Mapping[str, Rulebook]

    def __getitem__(self, code: str) -> Rulebook:
        return self.books[code]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.books))

    def __len__(self) -> int:
        return len(self.books)

    def versions(self) -> dict[str, str]:
        """The version stamp of each rulebook, by code."""
        return {code: self.books[code].version for code in self}

    def stamp(self) -> str:
        """All versions in one string, e.g. ``CN=2026.1+ab12…;US=2026.1+cd34…``."""
        return ";".join(f"{code}={version}" for code, version in self.versions().items())

    def params(self, code: str, kind: type[BookT]) -> BookT | None:
        book = self.books.get(code)
        return book.params if book is not None and isinstance(book.params, kind) else None


def bundled_directory() -> Path:
    """``config/rulebooks`` of the source tree this package runs from."""
    return Path(__file__).resolve().parents[3] / "config" / "rulebooks"


def load_rulebooks(directory: Path | None = None) -> Rulebooks:
    """Load and validate every ``<CODE>.yaml`` of ``directory``."""
    folder = directory or bundled_directory()
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no rulebook folder there")
    books = {}
    for path in sorted(folder.glob("*.yaml")):
        book = load_rulebook(path)
        books[book.code] = book
    if not books:
        raise ConfigError(f"{folder}: no rulebook (*.yaml) there")
    return Rulebooks(books)


def load_rulebook(path: Path) -> Rulebook:
    """Load one rulebook file; errors name the file, the line and the field."""
    code = path.stem
    kind = BOOK_TYPES.get(code)
    if kind is None:
        known = ", ".join(BOOK_TYPES)
        raise ConfigError(f"{path}: unknown rulebook '{code}' (known: {known})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a rulebook is a mapping of parameters")
    if data.get("code") != code:
        raise ConfigError(f"{path}:{_line(node, ('code',))}: code: must be '{code}'")
    try:
        params = kind.model_validate(data)
    except ValidationError as exc:
        error = first_error(exc)
        loc = tuple(error["loc"])
        field = ".".join(str(part) for part in loc) or "(file)"
        raise ConfigError(f"{path}:{_line(node, loc)}: {field}: {error['msg']}") from exc
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return Rulebook(code, f"{params.version}+{digest}", params, str(path))


def _line(node: Any, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest YAML node on the path ``loc``."""
    line = 1 if node is None else node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if part < len(node.value) else None
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
