"""The assignment rules file (``config/assignment.yaml``), validated at load.

The file is business configuration: a supervisor edits it, it is reviewed like
code, and every run stamps its ``version`` and digest. A mistake is answered
with the file, line and field (``assignment.yaml line 14: rules[2].when.clients:
...``). The rules are tried in order; see :mod:`arrears.core.assignment`.

.. code-block:: yaml

    version: "2026-11-23"
    default_capacity: 400        # accounts a collector holds when their profile names none
    rules:
      - name: cn-consumer-chinese
        team: CN collections
        when: {clients: [cn-consumer], languages: [zh-CN]}
        match_language: true     # the collector must speak the debtor's language
      - name: b2b
        team: B2B
        skill: b2b               # only collectors with this skill
        when: {clients: [b2b-receivables], min_balance_minor: 0}
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arrears.core.assignment import Rule
from arrears.errors import ConfigError
from arrears.kit.yamlio import (
    YamlDocument,
    YamlProblem,
    read_yaml_file,
    validation_messages,
)

_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(_Strict):
    clients: list[str] = Field(default_factory=list)
    segments: list[str] = Field(default_factory=list)
    languages: list[Literal["zh-CN", "en-US"]] = Field(default_factory=list)
    jurisdictions: list[str] = Field(default_factory=list)
    min_balance_minor: int | None = Field(default=None, ge=0)
    max_balance_minor: int | None = Field(default=None, ge=0)


class RuleSpec(_Strict):
    name: str = Field(pattern=_NAME)
    team: str = Field(min_length=1, max_length=100)
    when: When = Field(default_factory=When)
    skill: str | None = Field(default=None, pattern=_NAME)
    match_language: bool = False


class RulesFile(_Strict):
    version: str = Field(min_length=1, max_length=64)
    default_capacity: int = Field(default=400, ge=0)
    rules: list[RuleSpec] = Field(min_length=1)


@dataclass(frozen=True)
class AssignmentRules:
    """The rules of a file, ready for :func:`arrears.core.assignment.assign`."""

    version: str
    digest: str
    default_capacity: int
    rules: tuple[Rule, ...]


def load_rules(path: str | Path) -> AssignmentRules:
    """The rules in a YAML file; ConfigError naming file, line and field."""
    try:
        content, document = read_yaml_file(path, "the assignment rules")
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    parsed = _validate(document)
    return AssignmentRules(
        version=parsed.version,
        digest=hashlib.sha256(content).hexdigest(),
        default_capacity=parsed.default_capacity,
        rules=tuple(_rule(spec) for spec in parsed.rules),
    )


def _validate(document: YamlDocument) -> RulesFile:
    if not isinstance(document.data, dict):
        raise ConfigError(f"{document.source} line 1: the rules file is a YAML mapping "
                          "(version, default_capacity, rules)")  # fmt: skip
    try:
        parsed = RulesFile.model_validate(document.data)
    except ValidationError as exc:
        raise ConfigError("\n".join(validation_messages(exc, document, RulesFile))) from None
    problems = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(parsed.rules):
        if spec.name in seen:
            first = seen[spec.name]
            message = f"'{spec.name}' is already rules[{first}]"
            problems.append(document.problem(("rules", index, "name"), message))
        seen.setdefault(spec.name, index)
        low, high = spec.when.min_balance_minor, spec.when.max_balance_minor
        if low is not None and high is not None and low > high:
            problems.append(document.problem(("rules", index, "when", "max_balance_minor"),
                                             "is below min_balance_minor"))  # fmt: skip
    if problems:
        raise ConfigError("\n".join(problems))
    return parsed


def _rule(spec: RuleSpec) -> Rule:
    when = spec.when
    return Rule(
        name=spec.name,
        team=spec.team,
        clients=frozenset(when.clients),
        segments=frozenset(when.segments),
        languages=frozenset(when.languages),
        jurisdictions=tuple(when.jurisdictions),
        min_balance_minor=when.min_balance_minor,
        max_balance_minor=when.max_balance_minor,
        skill=spec.skill,
        match_language=spec.match_language,
    )
