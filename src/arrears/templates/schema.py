"""The template file, as pydantic models (every key documented in docs/templates.md).

One YAML file per template, ``<folder>/<channel>/<name>.yaml``. Every model
forbids unknown keys, so a typo is an error with its line rather than a
setting silently ignored. Checks across fields (a subject only where the
channel has one, the folder matching the channel ...) are made by the loader,
which reports each at its own line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CHANNELS = ("sms", "email", "call", "voicemail", "letter")
Channel = Literal["sms", "email", "call", "voicemail", "letter"]
# The channels whose text has a subject line.
SUBJECT_CHANNELS = frozenset({"email", "letter"})
NAME_PATTERN = r"^[a-z][a-z0-9_\-]*$"  # as a strategy step's ``template``
LOCALE_PATTERN = r"^[a-z]{2,3}-[A-Z]{2}$"
RULE_PATTERN = r"^(US|CN|UK)(-[A-Z0-9]+)+$"
JURISDICTION_PATTERN = r"^(\*|[A-Z]{2}(-\*|-[A-Z0-9]{1,3})?)$"

Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocaleSpec(_Strict):
    """The words of a template in one locale."""

    subject: Text | None = None  # e-mail and letter only
    body: Text  # SMS text, e-mail text part, call script, voicemail, letter body (HTML)
    html: Text | None = None  # optional e-mail HTML part


class TemplateSpec(_Strict):
    """One template file."""

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    channel: Channel
    purpose: Text  # one line for `templates list`
    purpose_zh: Text | None = None
    jurisdictions: Annotated[
        list[Annotated[str, Field(pattern=JURISDICTION_PATTERN)]], Field(min_length=1)
    ]
    # consumer: consumer-collection law applies. business: written for company debtors;
    # rendered for a company debtor, the consumer disclosures are not added.
    audience: Literal["consumer", "business"] = "consumer"
    initial_communication: bool = False  # may be the first communication about the debt
    for_time_barred_debts: bool = True  # may be used on time-barred debts (checked so)
    for_validation_period: bool = True  # may be used in the US validation period (checked so)
    fallback: bool = False  # a missing locale falls back to the first one
    reviewed: list[Annotated[str, Field(pattern=RULE_PATTERN)]] = Field(default_factory=list)
    voicemail: Annotated[str, Field(pattern=NAME_PATTERN)] | None = None  # call: message to leave
    notes: str = ""  # for authors and reviewers; never rendered
    locales: Annotated[
        dict[Annotated[str, Field(pattern=LOCALE_PATTERN)], LocaleSpec], Field(min_length=1)
    ]

    @field_validator("jurisdictions")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        repeated = sorted({j for j in value if value.count(j) > 1})
        if repeated:
            raise ValueError(f"listed twice: {', '.join(repeated)}")
        return value
