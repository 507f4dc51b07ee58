"""Mappings: from the headers of a user's file to the canonical columns.

A portfolio file names its columns as its author likes (客户编号, "Account
Number"); the importer works on canonical names (``account_ref``; see
``docs/import.md``). Without a mapping, headers match
canonical names ignoring case, spaces, ``_`` and ``-`` ("Account Ref" is
``account_ref``). A mapping file renames headers, fills constants and says how
numbers and dates are written::

    name: cn-lender-export        # optional
    kind: accounts                # accounts | payments (required)
    columns:                      # user header -> canonical column
      客户编号: account_ref        # (headers match ignoring case and spaces)
      姓名: name
    constants:                    # canonical column -> value used when the file has
      currency: CNY               # no such column, or the cell is empty
      country: CN
    formats:
      decimal: "."                # "." or "," (with "," amounts read 1 234,56 / 1.234,56)
      day_first: false            # 03/05/2026 is 3 May when true, 5 March when false
      date_format: null           # a strptime format tried before the usual notations
      encoding: null              # force a CSV encoding (e.g. gb18030)
      delimiter: null             # force a CSV delimiter
      sheet: null                 # XLSX sheet name (default: the first sheet)
      default_region: null        # country used to read national phone numbers when
                                  # the row has no country

Several headers may map to the same column (合同编号 and 借据号 both to
``account_ref``) so one mapping serves several exports; a file may then hold
only one of them. Unknown keys, unknown column names and repeated keys are
errors with the file's line number, because a typo must not silently drop data.

``load_mapping`` takes a file path or the name of a shipped preset
(``presets/<name>.yaml``: ``cn-lender``, ``cn-payments``, ``en-agency``,
``en-payments``, ``uk-collections``). A plain name without ``/`` or a
``.yaml`` suffix is a preset name; anything else is a path.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from arrears.errors import ConfigError, ImportFileError
from arrears.ingest.geo import normalize_country
from arrears.ingest.normalize import FieldProblem, nfkc
from arrears.ingest.readers import cell_text
from arrears.kit.yamlio import YamlDocument, YamlProblem, parse_yaml

ACCOUNT_COLUMNS: tuple[str, ...] = (
    "account_ref", "debtor_ref", "debtor_kind", "name", "national_id", "birth_date",
    "phones", "emails", "address", "city", "region", "postal_code", "country", "language",
    "currency", "principal", "interest", "fees", "costs", "original_amount", "opened_on",
    "due_on", "charged_off_on", "last_payment_on", "last_payment_amount", "product",
    "jurisdiction", "source", "invoice_no", "invoice_date",
)  # fmt: skip
REQUIRED_ACCOUNT_COLUMNS: tuple[str, ...] = (
    "account_ref",
    "name",
    "currency",
    "principal",
    "due_on",
)
PAYMENT_COLUMNS: tuple[str, ...] = (
    "account_ref", "amount", "currency", "paid_on", "reference", "method", "kind", "reverses",
)  # fmt: skip
REQUIRED_PAYMENT_COLUMNS: tuple[str, ...] = (
    "account_ref",
    "amount",
    "currency",
    "paid_on",
    "reference",
)
Kind = Literal["accounts", "payments"]
# Passed as validation context by load_mapping, which reports target names with lines.
_DEFER_TARGETS = "defer_target_check"


def columns_for(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(all canonical columns, required columns) of an import kind."""
    if kind == "accounts":
        return ACCOUNT_COLUMNS, REQUIRED_ACCOUNT_COLUMNS
    if kind == "payments":
        return PAYMENT_COLUMNS, REQUIRED_PAYMENT_COLUMNS
    raise ValueError(f"unknown import kind {kind!r}; expected 'accounts' or 'payments'")


def header_key(text: str) -> str:
    """The form headers are matched on: case-folded, without spaces, ``_`` and ``-``."""
    return re.sub(r"[\s_\-]+", "", nfkc(text).casefold())


class Formats(BaseModel):
    """How a file writes numbers and dates, and how to open it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decimal: Literal[".", ","] = "."
    day_first: bool = False
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    default_region: str | None = None

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding '{value}'") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError('a delimiter is one character (write a tab as "\\t")')
        return value

    @field_validator("date_format")
    @classmethod
    def _strptime_format(cls, value: str | None) -> str | None:
        if value is not None and "%" not in value:
            raise ValueError("a strptime format such as '%d.%m.%Y'")
        return value

    @field_validator("default_region")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        try:
            return None if value is None else normalize_country(value)
        except FieldProblem as exc:
            raise ValueError(exc.reason) from None


class Mapping(BaseModel):
    """A mapping file: renamed headers, constants and formats for one import kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    kind: Kind
    columns: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    formats: Formats = Field(default_factory=Formats)

    @field_validator("columns", "constants", mode="before")
    @classmethod
    def _scalars_as_text(cls, value: Any) -> Any:
        # YAML reads `2024: x`, `interest: 0` or `opened_on: 2026-01-01` as numbers and
        # dates; the file meant the text written.
        if not isinstance(value, dict):
            return value
        return {_scalar_text(k): _scalar_text(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _known_targets(self, info: ValidationInfo) -> Self:
        if not (info.context or {}).get(_DEFER_TARGETS):
            problems = target_problems(self)
            if problems:
                raise ValueError("; ".join(f"{'.'.join(p)}: {m}" for p, m in problems))
        return self


def _scalar_text(value: Any) -> Any:
    if isinstance(value, bool | int | float | date):  # datetime is a date too
        return cell_text(value, excel=False)
    return value


def target_problems(mapping: Mapping) -> list[tuple[tuple[str, ...], str]]:
    """(field path, message) for each column name the import kind does not have."""
    valid, _ = columns_for(mapping.kind)
    hint = f"not a column of {mapping.kind} imports; valid: {', '.join(valid)}"
    problems: list[tuple[tuple[str, ...], str]] = [
        (("columns", header), f"'{target}' is {hint}")
        for header, target in mapping.columns.items()
        if target not in valid
    ]
    problems += [
        (("constants", c), f"'{c}' is {hint}") for c in mapping.constants if c not in valid
    ]
    seen: dict[str, str] = {}
    for header in mapping.columns:
        first = seen.setdefault(header_key(header), header)
        if first != header:
            problems.append((("columns", header), f"the same header as '{first}'"))
    return problems


# --------------------------------------------------------------------------- loading


def list_presets() -> list[str]:
    """Names of the shipped mapping presets."""
    folder = resources.files("arrears.ingest").joinpath("presets")
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_mapping(ref: str | Path) -> Mapping:
    """A mapping from a YAML file or a preset name; ConfigError with file, line and field."""
    source, text = _read_ref(ref)
    try:
        document = parse_yaml(text, source)
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    data = document.data
    if not isinstance(data, dict):
        raise ConfigError(f"{source} line 1: a mapping file is a YAML mapping (kind, columns, …)")
    try:
        mapping = Mapping.model_validate(data, context={_DEFER_TARGETS: True})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, document)) from None
    problems = target_problems(mapping)
    if problems:
        raise ConfigError("\n".join(document.problem(loc, m) for loc, m in problems))
    return mapping


def _read_ref(ref: str | Path) -> tuple[str, str]:
    text_ref = str(ref)
    if isinstance(ref, str) and "/" not in text_ref and not text_ref.endswith((".yaml", ".yml")):
        preset = resources.files("arrears.ingest").joinpath("presets").joinpath(f"{ref}.yaml")
        if not preset.is_file():
            names = ", ".join(list_presets())
            raise ConfigError(f"no mapping preset named '{ref}'; presets: {names}")
        return f"presets/{ref}.yaml", preset.read_text(encoding="utf-8")
    try:
        return text_ref, Path(ref).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{text_ref}: cannot read the mapping file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{text_ref}: the mapping file is not UTF-8 text") from None


def _describe(exc: ValidationError, document: YamlDocument) -> str:
    lines = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"] if part != "[key]")
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            model = Formats if loc[:1] == ("formats",) else Mapping
            message = f"unknown key; expected one of {', '.join(model.model_fields)}"
        lines.append(document.problem(loc, message))
    return "\n".join(lines)


# --------------------------------------------------------------------------- header plans


@dataclass
class HeaderPlan:
    """Where each canonical column of one file comes from."""

    columns: dict[str, int]  # canonical column -> index in the file's headers
    constants: dict[str, str]  # canonical column -> value for missing or empty cells
    ignored: list[str]  # file headers not used
    formats: Formats


def plan_headers(headers: list[str], mapping: Mapping | None, kind: str) -> HeaderPlan:
    """Match a file's headers to canonical columns: mapped headers first, then names."""
    valid, required = columns_for(kind)
    if mapping is not None and mapping.kind != kind:
        raise ConfigError(f"the mapping is for {mapping.kind}, not {kind}")
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        positions.setdefault(header_key(header), []).append(index)
    columns: dict[str, int] = {}
    for user_header, target in (mapping.columns if mapping else {}).items():
        for index in positions.get(header_key(user_header), []):
            _assign(columns, target, index, headers)
    mapped = set(columns.values())
    for name in valid:
        for index in positions.get(header_key(name), []):
            if index not in mapped:
                _assign(columns, name, index, headers)
    constants = dict(mapping.constants) if mapping else {}
    missing = [c for c in required if c not in columns and c not in constants]
    if missing:
        raise ImportFileError(
            f"missing required column(s): {', '.join(missing)} (map them in a mapping file or "
            f"set them as constants); the file's headers are: {', '.join(headers)}"
        )
    used = set(columns.values())
    ignored = [h for i, h in enumerate(headers) if i not in used and h]
    formats = mapping.formats if mapping else Formats()
    return HeaderPlan(columns=columns, constants=constants, ignored=ignored, formats=formats)


def _assign(columns: dict[str, int], target: str, index: int, headers: list[str]) -> None:
    if target in columns:
        first = columns[target]
        raise ImportFileError(
            f"the file gives {target} twice: column {first + 1} '{headers[first]}' and "
            f"column {index + 1} '{headers[index]}'; keep one or map them explicitly"
        )
    columns[target] = index


def project(plan: HeaderPlan, values: list[str | None]) -> dict[str, str | None]:
    """The canonical columns of one raw row; constants fill missing and empty cells."""
    canonical: dict[str, str | None] = {
        name: values[index] if index < len(values) else None for name, index in plan.columns.items()
    }
    for name, value in plan.constants.items():
        if canonical.get(name) is None:
            canonical[name] = value
    return canonical


def value_of(plan: HeaderPlan, values: list[str | None], name: str) -> str | None:
    """One canonical column of a raw row, as :func:`project` gives it."""
    index = plan.columns.get(name)
    value = values[index] if index is not None and index < len(values) else None
    return plan.constants.get(name) if value is None else value
