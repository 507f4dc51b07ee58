"""The parameters of the debtor-behaviour model, from ``config/simulation.yaml``.

Validated at load like every configuration file: an unknown key or a value out
of range is answered with the file, the line and the field. The numbers and
their sources are explained in docs/simulation.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from arrears.errors import ConfigError
from arrears.kit.yamlio import YamlProblem, read_yaml_file, validation_messages

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BetaParams(_Model):
    a: Positive
    b: Positive

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)


class HourType(_Model):
    weight: Positive
    peak: Annotated[int, Field(ge=0, le=23)]
    spread: Positive


class Debtors(_Model):
    ability: BetaParams
    willingness: BetaParams
    self_cure_daily: Probability
    ageing_half_life_days: Positive
    full_payment: Probability
    partial_share: tuple[Probability, Probability]
    hour_types: dict[str, HourType]
    weekday: Annotated[list[Positive], Field(min_length=7, max_length=7)]


class CallChannel(_Model):
    answer: BetaParams
    off_peak: Probability
    voicemail: Probability
    third_party: Probability


class MessageChannel(_Model):
    read: Probability
    reply: Probability


class Channels(_Model):
    call: CallChannel
    sms: MessageChannel
    email: MessageChannel
    letter: MessageChannel


class Conversation(_Model):
    pay_now: Probability
    promise: Probability
    dispute: Probability
    hardship: Probability


class Reaction(_Model):
    boost: dict[str, Annotated[float, Field(ge=0.0)]]
    boost_days: Annotated[int, Field(ge=0, le=30)]
    conversation: Conversation
    promise_days: tuple[int, int]
    promise_kept: Probability
    promise_share: tuple[Probability, Probability]
    replies: dict[str, Probability]

    @model_validator(mode="after")
    def _known_replies(self) -> Reaction:
        unknown = set(self.replies) - {"promise", "stop", "dispute", "hardship", "paid"}
        if unknown:
            raise ValueError(f"unknown reply kinds: {', '.join(sorted(unknown))}")
        return self


class LifeEvents(_Model):
    job_loss_daily: Probability
    windfall_daily: Probability


class Complaints(_Model):
    per_contact: Probability
    fatigue: Probability
    unsociable: Probability


class UnitCosts(_Model):
    dial: Annotated[int, Field(ge=0)]
    call_minute: Annotated[int, Field(ge=0)]
    sms: Annotated[int, Field(ge=0)]
    email: Annotated[int, Field(ge=0)]
    letter: Annotated[int, Field(ge=0)]

    def of(self, channel: str, conversation: bool = False) -> int:
        """Minor units of one attempt (a call: the dial and the collector's minutes)."""
        if channel == "call":
            return self.dial + self.call_minute * (4 if conversation else 1)
        return int(getattr(self, channel, 0))


class SimulationParams(_Model):
    version: str
    accounts: Annotated[int, Field(ge=10)]
    days: Annotated[int, Field(ge=1, le=400)]
    start: date
    call_capacity: Annotated[int, Field(ge=0)]
    debtors: Debtors
    channels: Channels
    reaction: Reaction
    life_events: LifeEvents
    complaints: Complaints
    costs: dict[str, UnitCosts]
    report_currency: str
    rates: dict[str, Decimal]

    @model_validator(mode="after")
    def _rates_known(self) -> SimulationParams:
        missing = set(self.costs) - set(self.rates)
        if missing or self.report_currency not in self.rates:
            raise ValueError(f"rates needs every currency of costs: {', '.join(sorted(missing))}")
        return self

    def cost(self, currency: str, channel: str, conversation: bool = False) -> int:
        unit = self.costs.get(currency)
        return 0 if unit is None else unit.of(channel, conversation)


def load_params(path: Path) -> SimulationParams:
    """Read and validate a simulation file; ConfigError names the line and field."""
    try:
        _, document = read_yaml_file(path, "the simulation parameters", source=path.name)
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    try:
        return SimulationParams.model_validate(document.data)
    except ValidationError as exc:
        lines = validation_messages(exc, document, SimulationParams)
        raise ConfigError("; ".join(lines)) from None
