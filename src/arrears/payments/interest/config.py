"""Interest configuration: the law per jurisdiction and the clients' contract terms.

``config/interest/jurisdictions/*.yaml`` hold the law: rate caps with their
citations (China's 4 × LPR with the dated LPR table, US state usury caps), when a
late fee may be added, and which holds stop accrual. ``config/interest/terms.yaml``
holds each client's contractual terms per product (the import format has no rate
column). Both are validated at load; every error names the file, line and field,
and the files' versions and hash are stamped on every accrual run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from arrears.core import interest as core
from arrears.errors import ConfigError
from arrears.kit.yamlio import YamlProblem, parse_yaml, validation_messages


def _no_float(value: Any) -> Any:
    # Rates are exact decimals (DESIGN §4.1): YAML 0.1 is a float, write "0.1".
    if isinstance(value, float):
        raise ValueError('write rates as quoted decimals such as "0.138", not floats')
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RuleModel(_Model):
    # Lengths of the ledger's columns (interest_accruals.rule, .citation).
    rule: str = Field(min_length=1, max_length=64)
    citation: str = Field(min_length=1, max_length=500)
    note: str = ""
    status: Literal["P", "S", "U", "D"] = "D"

    def ref(self) -> core.RuleRef:
        return core.RuleRef(self.rule, self.citation, self.note.strip(), self.status)


class CapModel(RuleModel):
    rate: Decimal | None = None
    reference: str | None = None
    multiple: Decimal | None = None

    _floats = field_validator("rate", "multiple", mode="before")(_no_float)

    @model_validator(mode="after")
    def _one_kind(self) -> CapModel:
        if (self.rate is None) == (self.reference is None):
            raise ValueError("a cap has either a fixed rate or a reference with a multiple")
        if self.reference is not None and self.multiple is None:
            raise ValueError("a reference cap needs a multiple")
        if self.rate is not None:
            core.rate_units(self.rate)
        return self


class LateFeeLawModel(RuleModel):
    allowed: bool
    max_minor: dict[str, int] = Field(default_factory=dict)
    max_percent: Decimal | None = None

    _floats = field_validator("max_percent", mode="before")(_no_float)


class JurisdictionModel(_Model):
    name: str
    caps: list[CapModel] = Field(default_factory=list)
    late_fees: LateFeeLawModel
    stops: dict[core.StopReason, RuleModel] = Field(default_factory=dict)
    authorization: RuleModel | None = None


class RefValue(_Model):
    since: date = Field(alias="from")
    rate: Decimal

    _floats = field_validator("rate", mode="before")(_no_float)


class ReferenceModel(_Model):
    name: str
    source: str
    values: list[RefValue] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _ascending(cls, values: list[RefValue]) -> list[RefValue]:
        days = [v.since for v in values]
        if days != sorted(set(days)):
            raise ValueError("values must be in ascending date order, one per date")
        return values


class JurisdictionFile(_Model):
    version: str = Field(min_length=1)
    reference_rates: dict[str, ReferenceModel] = Field(default_factory=dict)
    jurisdictions: dict[str, JurisdictionModel]


class LateFeeTermsModel(_Model):
    grace_days: int = Field(ge=0, le=3650)
    amount_minor: int | None = Field(default=None, ge=0)
    percent: Decimal | None = None
    max_minor: int | None = Field(default=None, ge=0)

    _floats = field_validator("percent", mode="before")(_no_float)

    @model_validator(mode="after")
    def _some_amount(self) -> LateFeeTermsModel:
        if self.amount_minor is None and self.percent is None:
            raise ValueError("a late fee needs amount_minor or percent")
        return self


class TermsModel(_Model):
    client: str = Field(min_length=1)
    product: str = "*"
    rate: Decimal
    day_count: core.DayCount
    base: Literal["principal"] = "principal"
    compounding: Literal[False] = False
    stop_after_charge_off: bool = True
    accrue_from: Literal["placement", "due_date"] = "placement"
    authorized_by: str = Field(min_length=1)
    late_fee: LateFeeTermsModel | None = None

    _floats = field_validator("rate", mode="before")(_no_float)

    @field_validator("rate")
    @classmethod
    def _rate(cls, value: Decimal) -> Decimal:
        if not Decimal(0) <= value <= Decimal(10):
            raise ValueError("an annual rate between 0 and 10 (1000 %)")
        core.rate_units(value)
        return value


class TermsFile(_Model):
    version: str = Field(min_length=1)
    terms: list[TermsModel]

    @field_validator("terms")
    @classmethod
    def _unique(cls, terms: list[TermsModel]) -> list[TermsModel]:
        seen = Counter((t.client, t.product) for t in terms)
        twice = [f"{c}/{p}" for (c, p), n in seen.items() if n > 1]
        if twice:
            raise ValueError(f"terms repeated for {', '.join(twice)}")
        return terms


@dataclass(frozen=True)
class InterestConfig:
    """The law and the contracts an accrual run applies, with their version stamp."""

    books: dict[str, core.JurisdictionRules]
    references: dict[str, core.ReferenceRate]
    terms: tuple[core.ContractTerms, ...]
    version: str
    names: dict[str, str] = field(default_factory=dict)  # reference rate -> description


def _validated(path: Path, model: type[_Model]) -> Any:
    raw = path.read_bytes()
    try:
        document = parse_yaml(raw.decode("utf-8"), str(path))
    except (YamlProblem, UnicodeDecodeError) as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(document.data, dict):
        raise ConfigError(f"{path} line 1: (top): must be a mapping")
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        raise ConfigError("\n".join(validation_messages(exc, document, model))) from None


def _rules(code: str, model: JurisdictionModel) -> core.JurisdictionRules:
    caps = tuple(
        core.CapRule(cap.ref(), cap.rate, cap.reference, cap.multiple) for cap in model.caps
    )
    fees = model.late_fees
    law = core.LateFeeLaw(fees.allowed, fees.ref(), dict(fees.max_minor), fees.max_percent)
    stops = {reason: rule.ref() for reason, rule in model.stops.items()}
    authorization = model.authorization.ref() if model.authorization else None
    return core.JurisdictionRules(code, model.name, caps, law, stops, authorization)


def _terms(model: TermsModel) -> core.ContractTerms:
    fee = model.late_fee
    late = None
    if fee is not None:
        late = core.LateFeeTerms(fee.grace_days, fee.amount_minor, fee.percent, fee.max_minor)
    return core.ContractTerms(
        model.client, model.product, model.rate, model.day_count, model.authorized_by,
        model.stop_after_charge_off, model.accrue_from, late,
    )  # fmt: skip


def load_interest_config(directory: Path) -> InterestConfig:
    """Load ``jurisdictions/*.yaml`` and ``terms.yaml``; ConfigError names file, line, field."""
    files = sorted((directory / "jurisdictions").glob("*.yaml"))
    terms_path = directory / "terms.yaml"
    if not files or not terms_path.is_file():
        raise ConfigError(f"{directory}: needs jurisdictions/*.yaml and terms.yaml")
    books: dict[str, core.JurisdictionRules] = {}
    references: dict[str, core.ReferenceRate] = {}
    names: dict[str, str] = {}
    digest = hashlib.sha256()
    versions = []
    for path in files:
        parsed: JurisdictionFile = _validated(path, JurisdictionFile)
        for code, model in parsed.jurisdictions.items():
            if code in books:
                raise ConfigError(f"{path}: jurisdiction {code} is defined twice")
            books[code.upper()] = _rules(code.upper(), model)
        for name, ref in parsed.reference_rates.items():
            values = tuple((v.since, v.rate) for v in ref.values)
            references[name] = core.ReferenceRate(name, values)
            names[name] = f"{ref.name} — {ref.source}"
        digest.update(path.read_bytes())
        versions.append(f"{path.stem}={parsed.version}")
    terms: TermsFile = _validated(terms_path, TermsFile)
    _check_references(books, references, files[0].parent)
    digest.update(terms_path.read_bytes())
    versions.append(f"terms={terms.version}")
    version = ";".join(versions) + "+" + digest.hexdigest()[:12]
    return InterestConfig(books, references, tuple(_terms(t) for t in terms.terms), version, names)


def _check_references(
    books: dict[str, core.JurisdictionRules], refs: dict[str, core.ReferenceRate], where: Path
) -> None:
    for code, book in books.items():
        for cap in book.caps:
            if cap.reference is not None and cap.reference not in refs:
                raise ConfigError(
                    f"{where}: {code} cap {cap.ref.rule}: unknown reference rate '{cap.reference}'"
                )
