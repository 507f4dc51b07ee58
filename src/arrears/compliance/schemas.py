"""The input of ``arrears compliance check``: one proposed contact and its facts.

The public format is ``docs/contact-check.md``. Every model forbids
unknown fields: a typo ("opt_out" for "opt_outs") must not silently relax a
rule. Instants need an offset or ``Z``: a naive time could be read in the wrong
zone, which is exactly what the hours rules guard against.

A few optional fields extend the minimum format; each is null or empty when
absent and then changes nothing:

- ``debtor.unreachable`` (CN 失联: third parties may be asked to pass on a message);
- ``debts[].validation_sent_at``, ``debts[].first_contact_at`` (the initial
  communication, otherwise derived from ``history``) and ``debts[].judgment_obtained``;
- ``debtor.addresses[].id`` / ``line1`` (to match a letter's or visit's ``to``);
- ``history[].counterparty`` (who was reached: a call to the attorney is not
  counted, 1006.14(b)(3)(iii)).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from arrears.compliance.rulebooks import check_zone

Channel = Literal[
    "call", "voicemail", "sms", "email", "letter", "visit", "social_private", "social_public"
]
Counterparty = Literal[
    "debtor", "spouse", "attorney", "third_party", "emergency_contact", "employer"
]
Purpose = Literal[
    "collection", "location_inquiry", "reply", "opt_out_confirmation", "required_by_law"
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Outcome = Literal[
    "no_answer",
    "voicemail",
    "limited_content_message",
    "busy",
    "not_in_service",
    "conversation",
    "delivered",
    "bounced",
    "third_party_answered",
]
_JURISDICTION = re.compile(r"^(US|US-[A-Z]{2}|CN|GB)$")
_HHMM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Contact(_Strict):
    channel: Channel
    to: str = Field(min_length=1)
    debt: str = Field(min_length=1)
    automated: bool = False
    counterparty: Counterparty = "debtor"
    purpose: Purpose = "collection"
    content: str | None = None


class Phone(_Strict):
    number: str = Field(min_length=1)
    kind: Literal["mobile", "landline"] | None = None
    owner: Literal["debtor", "third_party", "employer"] = "debtor"
    consent_automated: bool = False


class Email(_Strict):
    address: str = Field(min_length=1)
    employer_provided: bool = False


class Address(_Strict):
    country: str = Field(min_length=2)
    region: str | None = None
    city: str | None = None
    postal_code: str | None = None
    kind: Literal["home", "work", "mailing", "other"] = "home"
    id: str | None = None
    line1: str | None = None


class InconvenientTime(_Strict):
    days: list[Weekday] = Field(default_factory=list)
    from_: str = Field(alias="from", default="00:00")
    to: str = "24:00"
    until: dt.date | None = None

    @field_validator("from_", "to")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError("must be a local time HH:MM (00:00 to 24:00)")
        return value


class OptOut(_Strict):
    channel: Channel
    to: str | None = None
    at: AwareDatetime | None = None


class Hold(_Strict):
    kind: Literal[
        "dispute", "cease", "attorney", "bankruptcy", "deceased", "legal", "breathing_space"
    ]
    debt: str | None = None
    since: AwareDatetime | None = None


class Consent(_Strict):
    kind: Literal["call_on_date", "automated_calls", "texts", "email"]
    date: dt.date | None = None
    to: str | None = None

    @model_validator(mode="after")
    def _dated(self) -> Consent:
        if self.kind == "call_on_date" and self.date is None:
            raise ValueError("a call_on_date consent needs its date")
        return self


class Debtor(_Strict):
    phones: list[Phone] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    addresses: list[Address] = Field(default_factory=list)
    time_zones: list[str] = Field(default_factory=list)
    inconvenient_times: list[InconvenientTime] = Field(default_factory=list)
    inconvenient_places: list[Literal["home", "work", "employer"]] = Field(default_factory=list)
    opt_outs: list[OptOut] = Field(default_factory=list)
    holds: list[Hold] = Field(default_factory=list)
    consents: list[Consent] = Field(default_factory=list)
    unreachable: bool = False

    @field_validator("time_zones")
    @classmethod
    def _zones(cls, value: list[str]) -> list[str]:
        return [check_zone(zone) for zone in value]


class Debt(_Strict):
    id: str = Field(min_length=1)
    time_barred: bool = False
    judgment_obtained: bool = False
    validation_sent_at: AwareDatetime | None = None
    first_contact_at: AwareDatetime | None = None


class Event(_Strict):
    at: AwareDatetime
    channel: Channel
    direction: Literal["out", "in"] = "out"
    to: str | None = None
    debt: str | None = None
    outcome: Outcome | None = None
    counterparty: Counterparty | None = None


class CheckInput(_Strict):
    jurisdictions: list[str] = Field(min_length=1)
    now: AwareDatetime
    contact: Contact
    debtor: Debtor = Field(default_factory=Debtor)
    debts: list[Debt] = Field(default_factory=list)
    history: list[Event] = Field(default_factory=list)

    @field_validator("jurisdictions")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _JURISDICTION.match(code):
                raise ValueError(f"'{code}' is not a jurisdiction: use US, US-XX, CN or GB")
        return value

    @model_validator(mode="after")
    def _known_debt(self) -> CheckInput:
        ids = {debt.id for debt in self.debts}
        if ids and self.contact.debt not in ids:
            raise ValueError(f"contact.debt '{self.contact.debt}' is not one of the debts")
        return self
