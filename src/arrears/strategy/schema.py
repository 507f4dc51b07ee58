"""The strategy file, as pydantic models (every key documented in docs/strategies.md).

A strategy is business configuration a strategy manager edits: which accounts
it applies to, the segments accounts fall into (the FIRST segment whose
``when`` matches), each segment's treatment path of steps, and optional
champion/challenger experiments. Every model forbids unknown keys, so a typo
is an error with its line rather than a setting silently ignored.

Cross-field rules (unique ids, experiments naming real segments and steps)
live in :mod:`.checks`, which reports each problem at its own location.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Annotated, Self

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from arrears.kit.yamlio import format_location
from arrears.strategy.fields import Condition, Id, Priority, StrictModel, Text
from arrears.strategy.steps import Fallback, Step, StepOverride

DEFER_CHECKS = "defer_checks"  # validation context key: the loader reports checks with lines
SHARE_TOLERANCE = 1e-9
_JURISDICTION = re.compile(r"\*|[A-Z]{2}(-\*|-[A-Z0-9]{1,3})?")


class AppliesTo(StrictModel):
    """Which accounts the strategy is for.

    ``clients`` names client codes; ``jurisdictions`` takes codes (``US``,
    ``US-CA``), a country's subdivisions (``US-*``) or ``*`` (any); ``when`` is
    a condition (``debtor_kind = 'company'``). An account is first matched by
    client; only accounts no strategy names by client are matched by
    jurisdiction and ``when`` (both must hold when both are given).
    """

    clients: list[Text] = Field(default_factory=list)
    jurisdictions: list[str] = Field(default_factory=list)
    when: Condition | None = None

    @field_validator("jurisdictions")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if not _JURISDICTION.fullmatch(pattern):
                raise ValueError(
                    f"'{pattern}' is not a jurisdiction pattern: write CN, US, US-CA, US-* or *"
                )
        return value

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.clients or self.jurisdictions or self.when):
            raise ValueError("name clients, jurisdictions or a when condition")
        return self


class Defaults(StrictModel):
    """Defaults for every step of the strategy."""

    quiet: bool = False  # plan and record the steps, but do not carry them out
    priority: Priority | None = None


class Segment(StrictModel):
    """A group of accounts with its own treatment path."""

    id: Id
    name: str
    name_zh: str | None = None
    description: str = ""
    when: Condition
    priority: Priority
    stop_when: Condition | None = None
    steps: list[Step] = Field(default_factory=list)


class Arm(StrictModel):
    """One arm of an experiment: the segment's steps, replaced or adjusted."""

    id: Id
    name: str | None = None
    share: Annotated[float, Field(gt=0, le=1)]
    steps: list[Step] | None = None
    step_overrides: dict[str, StepOverride] | None = None

    @model_validator(mode="after")
    def _one_kind_of_change(self) -> Self:
        if self.steps is not None and self.step_overrides is not None:
            raise ValueError("an arm gives either steps (replacing all) or step_overrides")
        return self


class Experiment(StrictModel):
    """A champion/challenger test: a segment's accounts split between arms by a stable hash."""

    id: Id
    name: str | None = None
    segment: str
    arms: Annotated[list[Arm], Field(min_length=2)]
    start: date | None = None
    end: date | None = None

    @field_validator("arms")
    @classmethod
    def _shares_sum_to_one(cls, arms: list[Arm]) -> list[Arm]:
        total = sum(arm.share for arm in arms)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            shares = " + ".join(f"{arm.share:g}" for arm in arms)
            raise ValueError(f"the arms' shares must add up to 1 ({shares} = {total:g})")
        ids = [arm.id for arm in arms]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"arm id(s) used twice: {', '.join(repeated)}")
        return arms

    @field_validator("end")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError(f"ends ({value}) before it starts ({start})")
        return value

    def running_on(self, day: date) -> bool:
        """The experiment assigns arms on ``day`` (start and end are inclusive)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Strategy(StrictModel):
    """A treatment strategy: segments, their steps, experiments; versioned."""

    id: Id
    name: str
    name_zh: str | None = None
    description: str = ""
    version: Annotated[Text, Field(min_length=1)]
    applies_to: AppliesTo
    segments: Annotated[list[Segment], Field(min_length=1)]
    experiments: list[Experiment] = Field(default_factory=list)
    defaults: Defaults = Field(default_factory=Defaults)
    _digest: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Self:
        if (info.context or {}).get(DEFER_CHECKS):
            return self
        from arrears.strategy.checks import problems  # checks reads these models

        found = problems(self)
        if found:
            raise ValueError("; ".join(f"{format_location(at)}: {msg}" for at, msg in found))
        return self

    @property
    def digest(self) -> str:
        """A short fingerprint of the file content (of the data when built in code)."""
        digest = self._digest
        if digest is None:
            digest = self._digest = content_digest(self.model_dump_json().encode())
        return digest

    def with_digest(self, content: bytes) -> Strategy:
        """This strategy stamped with the digest of the file it was read from."""
        self._digest = content_digest(content)  # private: allowed on a frozen model
        return self

    def segment(self, segment_id: str) -> Segment:
        return next(s for s in self.segments if s.id == segment_id)


def content_digest(content: bytes) -> str:
    """``sha256:`` and the first 12 hex digits of the SHA-256 of ``content``."""
    return "sha256:" + hashlib.sha256(content).hexdigest()[:12]


__all__ = [
    "SHARE_TOLERANCE",
    "AppliesTo",
    "Arm",
    "Condition",
    "Defaults",
    "Experiment",
    "Fallback",
    "Segment",
    "Step",
    "StepOverride",
    "Strategy",
    "content_digest",
]
