"""What the content checker reads (a context) and writes (findings).

:class:`ContentContext` says where a text is going: the channel, the rulebooks
that apply, whom it is for and the facts of the debt that change what may be
said (time-barred, judgment obtained, validation period). :class:`ContentFinding`
is one thing wrong with the text, under one rule of the catalogue
(``compliance-rules.md``), with the verdict the engine applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arrears.errors import InvalidInput

CHANNELS = frozenset(
    {"call", "voicemail", "sms", "email", "letter", "visit", "social_private", "social_public"}
)
COUNTERPARTIES = frozenset(
    {"debtor", "spouse", "attorney", "third_party", "emergency_contact", "employer"}
)
# People who are not the consumer (Reg F 1006.6(a) counts the spouse as the
# consumer) nor their attorney: with them the debt must not be mentioned.
THIRD_PARTIES = frozenset({"third_party", "emergency_contact", "employer"})
# People the debt disclosures are owed to (1006.18(e) speaks of "the consumer").
CONSUMER_SIDE = frozenset({"debtor", "spouse"})

# The rulebooks the lexicons name. A jurisdiction is read by its country part
# (US-MA is a US rulebook); "UK" is accepted for GB.
COUNTRIES = frozenset({"US", "CN", "GB"})
_ALIASES = {"UK": "GB"}

BLOCK = "BLOCK"
REVIEW = "REVIEW"


@dataclass(frozen=True, slots=True)
class ContentContext:
    """Where a text is going and the facts of the debt that change what it may say."""

    channel: str  # call voicemail sms email letter visit social_private social_public
    jurisdictions: tuple[str, ...]  # US, US-MA, US-WA, CN, GB ...
    initial_communication: bool = False  # the first communication with the consumer about the debt
    time_barred: bool = False
    judgment_obtained: bool = False  # garnishment/levy language allowed only with a judgment
    validation_end: date | None = None  # US validation period end, for overshadowing checks
    counterparty: str = "debtor"  # debtor spouse attorney third_party emergency_contact employer

    def __post_init__(self) -> None:
        # An unknown channel or counterparty would silently skip the disclosure
        # rules; a message that cannot be checked must not be sent.
        if self.channel not in CHANNELS:
            known = ", ".join(sorted(CHANNELS))
            raise InvalidInput(f"unknown channel '{self.channel}'; channels: {known}")
        if self.counterparty not in COUNTERPARTIES:
            known = ", ".join(sorted(COUNTERPARTIES))
            raise InvalidInput(f"unknown counterparty '{self.counterparty}'; known: {known}")

    @property
    def countries(self) -> frozenset[str]:
        """The rulebooks among US, CN and GB that the jurisdictions name."""
        found = set()
        for jurisdiction in self.jurisdictions:
            head = jurisdiction.strip().upper().split("-", 1)[0]
            found.add(_ALIASES.get(head, head))
        return frozenset(found & COUNTRIES)

    @property
    def content_countries(self) -> frozenset[str]:
        """The rulebooks whose content prohibitions apply.

        A text for a place none of the lexicons covers is held to all of them:
        threats, abuse and exposure are forbidden everywhere, and a failing
        message is never sent (design choice, D).
        """
        return self.countries or COUNTRIES


@dataclass(frozen=True, slots=True)
class ContentFinding:
    """One thing wrong with a text, under one rule of the catalogue."""

    rule: str  # rule id from the catalogue, e.g. US-HAR-01, CN-PROH-01, UK-09, US-ELEC-01
    verdict: str  # BLOCK for forbidden content and a missing disclosure; REVIEW for doubtful
    citation: str  # e.g. "FDCPA §806(1); 12 CFR 1006.14(c)"
    message: str  # one English sentence naming what was found (quoting the phrase)
    message_zh: str | None = None  # the same in Chinese
    requires: tuple[str, ...] = ()  # for missing disclosures: e.g. ("opt_out_notice",)
