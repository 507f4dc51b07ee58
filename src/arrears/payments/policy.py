"""The resolution policy: what a client accepts as a promise, a plan, a settlement, a deferral.

Business configuration is data (DESIGN §4 rule 10). ``config/resolution/default.yaml``
holds the defaults, with a section per jurisdiction (CN, US, GB) that changes
only what differs; ``config/resolution/clients/<client code>.yaml`` overrides
them for one client. The three layers are merged (client over jurisdiction over
default) and validated as one document; an error names the file, the line and
the field, e.g. ``clients/cn-consumer.yaml line 7: settlements.authority.collector:
Input should be less than or equal to 1``.

Every plan, settlement, promise and deferral stores the ``version`` of the policy
it was made under (``default@2026.11.1+cn-consumer@3``), so a later change of
policy never re-interprets an arrangement already agreed.

Amounts are integer minor units of the account's currency (``*_minor``);
shares are Decimals between 0 and 1 (``0.15`` is 15 %), read exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from arrears.core.money import rate
from arrears.core.plans import Frequency, InterestMethod, PlanRules
from arrears.core.promises import PromiseLimits
from arrears.core.settlements import Authority, Role
from arrears.errors import ConfigError, InvalidInput, NotFound
from arrears.kit.yamlio import YamlDocument, YamlProblem, clean_location, parse_yaml


def _share(value: Any) -> Any:
    """A share read exactly: ``0.1`` in YAML is the text 0.1, never the float's binary value."""
    try:
        if isinstance(value, float):
            return rate(repr(value))
        if isinstance(value, str | int) and not isinstance(value, bool):
            return rate(value)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None
    return value


Share = Annotated[Decimal, BeforeValidator(_share), Field(ge=0, le=1)]
Days = Annotated[int, Field(ge=0, le=3660)]
Minor = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PromisePolicy(_Model):
    max_days_ahead: Days
    min_amount_minor: Minor
    min_percent: Share
    grace_days: Days
    reminder_days_before: Days


class InterestPolicy(_Model):
    method: InterestMethod = InterestMethod.NONE
    annual_rate: Share = Decimal(0)


class PlanPolicy(_Model):
    max_term_months: Annotated[int, Field(ge=1, le=120)]
    min_instalment_minor: Minor
    frequencies: Annotated[list[Frequency], Field(min_length=1)]
    down_payment_percent: Share = Decimal(0)
    down_payment_min_minor: Minor = 0
    interest: InterestPolicy = InterestPolicy()
    first_due_days: Days = 7
    grace_days: Days
    misses_before_break: Annotated[int, Field(ge=1)]
    reminder_days_before: Days


class AuthorityPolicy(_Model):
    debtor: Share
    collector: Share
    supervisor: Share
    manager: Share

    @model_validator(mode="after")
    def _rising(self) -> AuthorityPolicy:
        if not self.collector <= self.supervisor <= self.manager:
            raise ValueError("authority must rise: collector <= supervisor <= manager")
        return self


class SettlementPolicy(_Model):
    authority: AuthorityPolicy
    min_lump_sum_minor: Minor
    max_instalments: Annotated[int, Field(ge=2, le=24)]
    pay_within_days: Days


class DeferralPolicy(_Model):
    max_days: Annotated[int, Field(ge=1, le=366)]


class ReminderPolicy(_Model):
    channels: list[str] = Field(default_factory=lambda: ["sms", "email"])


class ResolutionPolicy(_Model):
    """One client's resolution policy, merged and validated."""

    version: str
    promises: PromisePolicy
    plans: PlanPolicy
    settlements: SettlementPolicy
    deferrals: DeferralPolicy
    reminders: ReminderPolicy = ReminderPolicy()

    @property
    def promise_limits(self) -> PromiseLimits:
        p = self.promises
        return PromiseLimits(p.max_days_ahead, p.min_amount_minor, p.min_percent, p.grace_days)

    @property
    def plan_rules(self) -> PlanRules:
        p = self.plans
        return PlanRules(
            max_term_months=p.max_term_months, min_instalment_minor=p.min_instalment_minor,
            frequencies=tuple(p.frequencies), down_payment_percent=p.down_payment_percent,
            down_payment_min_minor=p.down_payment_min_minor, interest_method=p.interest.method,
            annual_rate=p.interest.annual_rate, first_due_days=p.first_due_days,
            grace_days=p.grace_days, misses_to_break=p.misses_before_break,
        )  # fmt: skip

    @property
    def authority(self) -> Authority:
        a, s = self.settlements.authority, self.settlements
        limits = {Role.DEBTOR: a.debtor, Role.COLLECTOR: a.collector,
                  Role.SUPERVISOR: a.supervisor, Role.MANAGER: a.manager}  # fmt: skip
        return Authority(limits, s.min_lump_sum_minor, s.max_instalments)


@dataclass(frozen=True)
class _Layer:
    document: YamlDocument
    prefix: tuple[str | int, ...]  # where this layer's keys sit in its document
    data: dict[str, Any]


@dataclass
class PolicyBook:
    """The default policy and the client overrides of a folder; merged per client on demand."""

    folder: Path
    default: YamlDocument
    clients: dict[str, YamlDocument] = field(default_factory=dict)
    _cache: dict[tuple[str | None, str | None], ResolutionPolicy] = field(default_factory=dict)

    def for_client(self, code: str | None, jurisdiction: str | None = None) -> ResolutionPolicy:
        """The policy of client ``code`` (jurisdiction: the client's, for the defaults)."""
        key = (code, (jurisdiction or "").upper() or None)
        if key not in self._cache:
            self._cache[key] = _merge(self, *key)
        return self._cache[key]

    def check(self) -> list[str]:
        """Validate the default for every jurisdiction and each client file (for ``check``)."""
        problems: list[str] = []
        sections = self.default.data.get("jurisdictions") or {}
        for code, jurisdiction in [(None, None), *((None, j) for j in sections),
                                   *((c, None) for c in self.clients)]:  # fmt: skip
            try:
                self.for_client(code, jurisdiction)
            except ConfigError as exc:
                problems.append(exc.message)
        return problems


def load_policies(folder: Path) -> PolicyBook:
    """Read ``default.yaml`` and ``clients/*.yaml`` of ``folder``; the default is validated now."""
    path = folder / "default.yaml"
    if not path.is_file():
        raise NotFound(f"{path}: no resolution policy there")
    clients = {}
    for client_path in sorted((folder / "clients").glob("*.yaml")):
        clients[client_path.stem] = _read(client_path, folder)
    book = PolicyBook(folder=folder, default=_read(path, folder), clients=clients)
    book.for_client(None)
    return book


def _read(path: Path, folder: Path) -> YamlDocument:
    source = str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)
    try:
        document = parse_yaml(path.read_text(encoding="utf-8"), f"resolution/{source}")
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    if not isinstance(document.data, dict):
        raise ConfigError(f"{document.source} line 1: a resolution policy is a mapping")
    return document


def _layers(book: PolicyBook, code: str | None, jurisdiction: str | None) -> list[_Layer]:
    data = {k: v for k, v in book.default.data.items() if k != "jurisdictions"}
    layers = [_Layer(book.default, (), data)]
    sections = book.default.data.get("jurisdictions") or {}
    if jurisdiction and isinstance(sections.get(jurisdiction), dict):
        layers.append(_Layer(book.default, ("jurisdictions", jurisdiction),
                             sections[jurisdiction]))  # fmt: skip
    client = book.clients.get(code or "")
    if client is not None:
        layers.append(_Layer(client, (), {k: v for k, v in client.data.items() if k != "client"}))
    return layers


def _merge(book: PolicyBook, code: str | None, jurisdiction: str | None) -> ResolutionPolicy:
    layers = _layers(book, code, jurisdiction)
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = _deep_merge(merged, {k: v for k, v in layer.data.items() if k != "version"})
    merged["version"] = "+".join(_version(layer) for layer in layers)
    try:
        return ResolutionPolicy.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError("; ".join(_messages(exc, layers))) from None


def _version(layer: _Layer) -> str:
    name = Path(layer.document.source).stem
    if layer.prefix:
        name = f"{name}.{layer.prefix[-1]}"
    return f"{name}@{layer.document.data.get('version', '0')}"


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def _messages(exc: ValidationError, layers: list[_Layer]) -> list[str]:
    """Each error at the file (and line) of the last layer that wrote the field."""
    lines = []
    for error in exc.errors():
        loc = clean_location(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        layer = next((x for x in reversed(layers) if _has(x.data, loc)), layers[-1])
        lines.append(layer.document.problem((*layer.prefix, *loc), message))
    return lines


def _has(data: Any, loc: tuple[str | int, ...]) -> bool:
    for part in loc:
        found = (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        )
        if not found:
            return False
        data = data[part]
    return True
