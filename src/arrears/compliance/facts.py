"""From a contact-check payload to the engine's frames (one contact row, its history).

What the rules need but the payload does not say outright is derived here:

- **Candidate zones** (US-TIME-02): ``debtor.time_zones`` when given; otherwise
  the union of the zones of every address (US state, China, UK ...) and of
  every phone number on file (all zones its prefix may serve), the number being
  contacted first. When nothing gives a zone, the conservative set of the
  jurisdictions is used and ``zones_known`` is false (US-TIME-02a).
- **The address used**: ``contact.to`` is matched against the debtor's phones,
  e-mails and addresses to learn the line type (an unmatched number is
  ``unknown``, i.e. possibly a mobile), the owner, the place (a debtor's
  landline or home address is *home*; an employer's line or a work address is
  *work*) and whether an e-mail is employer-provided. A letter or visit to an
  address not on file is taken as going to the home when the person has one
  (DESIGN: the protective reading of US-PLACE-01).
- **Persons**: counters are kept per person. The debtor is ``debtor``; anyone
  else is ``other:<address>``. A past call to a number owned by a third party,
  or to someone else (history ``counterparty``), is that other person's — so
  misdirected calls and calls to the attorney do not count for the debtor
  (US-FREQ-05, -06).
- **The initial communication** of the debt (US-DISC-01, US-VAL-01):
  ``debts[].first_contact_at``, else the first past communication with the
  consumer about it (a conversation, a delivered message, a voicemail that was
  not a limited-content message, or any contact the person started).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import phonenumbers
import polars as pl
from phonenumbers import timezone as phone_zones

from arrears.compliance.model import CONTACTS, HISTORY, HISTORY_OPTIONAL
from arrears.compliance.places import conservative_zones, zones_for_place
from arrears.compliance.rulebooks import check_zone
from arrears.compliance.schemas import CheckInput, Debtor

COMMUNICATIONS = ("conversation", "delivered", "voicemail")
_PHONE = re.compile(r"^\+?[\d\s().-]{7,}$")
PHONE_CHANNELS = ("call", "voicemail", "sms")
# More zones than this for one number means the prefix does not tell (see phone_zones_of).
MAX_PREFIX_ZONES = 4


def normalize_to(value: str | None) -> str | None:
    """E.164 for phone numbers, case-folded e-mails, trimmed text otherwise."""
    if value is None:
        return None
    text = " ".join(value.split())
    if "@" in text:
        return text.casefold()
    if _PHONE.match(text):
        # A number without a country code is read as a US number (NANP formatting).
        try:
            number = phonenumbers.parse(text, None if text.startswith("+") else "US")
        except phonenumbers.NumberParseException:
            return text
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text.casefold()


def phone_zones_of(number: str) -> list[str]:
    """Every IANA zone a number's prefix may serve (none for an unknown prefix).

    A non-geographic number (toll-free, mobile-only ranges, 500 numbers) gets the
    whole numbering plan's list from ``phonenumbers`` — for +1 that is every NANP
    zone from Guam to Barbados — which says nothing about where the person is:
    such a list is ignored, so that the jurisdiction's conservative set applies
    and the finding says no location is known (US-TIME-02a).
    """
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return []
    if len(phone_zones.time_zones_for_number(parsed)) > MAX_PREFIX_ZONES:
        return []
    zones = []
    for zone in phone_zones.time_zones_for_number(parsed):
        try:
            zones.append(check_zone(zone))
        except ValueError:  # "Etc/Unknown" and the like
            continue
    return zones


def candidate_zones(data: CheckInput) -> tuple[list[str], bool]:
    """The person's candidate zones, and whether any fact gave them."""
    debtor = data.debtor
    if debtor.time_zones:
        return _unique(debtor.time_zones), True
    to = normalize_to(data.contact.to)
    numbers = [normalize_to(p.number) or "" for p in debtor.phones]
    numbers.sort(key=lambda n: n != to)  # the number being contacted first
    if data.contact.channel in PHONE_CHANNELS and to and to not in numbers:
        numbers.insert(0, to)
    found = [z for n in numbers for z in phone_zones_of(n)]
    found += [z for a in debtor.addresses for z in zones_for_place(a.country, a.region)]
    if found:
        return _unique(found), True
    return list(conservative_zones(data.jurisdictions)), False


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class Point:
    """What is known about the address a contact goes to."""

    line_type: str | None = None
    owner: str | None = None
    place: str | None = None
    employer_email: bool = False


def match_point(debtor: Debtor, channel: str, to: str | None) -> Point:
    """Line type, owner and place of ``to`` from the debtor's phones, e-mails and addresses."""
    key = normalize_to(to)
    if channel in PHONE_CHANNELS:
        for phone in debtor.phones:
            if normalize_to(phone.number) == key:
                return Point(
                    phone.kind or "unknown", phone.owner, _phone_place(phone.kind, phone.owner)
                )
        return Point("unknown")
    if channel == "email":
        for email in debtor.emails:
            if normalize_to(email.address) == key:
                return Point(owner="debtor", employer_email=email.employer_provided)
        return Point()
    if channel in ("letter", "visit"):
        return _address_point(debtor, key)
    return Point()


def _phone_place(kind: str | None, owner: str) -> str | None:
    if owner == "employer":
        return "work"
    return "home" if kind == "landline" and owner == "debtor" else None


def _address_point(debtor: Debtor, key: str | None) -> Point:
    for address in debtor.addresses:
        names = {normalize_to(address.id), normalize_to(address.line1)}
        if key is not None and key in names - {None}:
            place = address.kind if address.kind in ("home", "work") else None
            return Point(owner="debtor", place=place)
    homes = [a for a in debtor.addresses if a.kind == "home"]
    return Point(place="home" if homes else None)


def person_of(counterparty: str | None, to: str | None, owner: str | None) -> str:
    """``debtor`` for the debtor, ``other:<address>`` for anyone else reached."""
    if counterparty not in (None, "debtor") or owner == "third_party":
        return f"other:{normalize_to(to)}"
    return "debtor"


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _consents(debtor: Debtor) -> list[dict[str, Any]]:
    given = [{"kind": c.kind, "date": c.date, "to": normalize_to(c.to)} for c in debtor.consents]
    given += [
        {"kind": "automated_calls", "date": None, "to": normalize_to(p.number)}
        for p in debtor.phones
        if p.consent_automated
    ]
    return given


def _history_rows(data: CheckInput) -> list[dict[str, Any]]:
    rows = []
    for event in data.history:
        point = match_point(data.debtor, event.channel, event.to)
        rows.append(
            {
                "person": person_of(event.counterparty, event.to, point.owner),
                "at": _utc(event.at),
                "channel": event.channel,
                "direction": event.direction,
                "to": normalize_to(event.to),
                "debt": event.debt,
                "outcome": event.outcome,
                "counterparty": event.counterparty,
                "to_line_type": point.line_type,
                "to_owner": point.owner,
                "to_place": point.place,
            }
        )
    return rows


def first_communication(data: CheckInput) -> datetime | None:
    """The initial communication with the consumer about the contact's debt, if any."""
    debt = next((d for d in data.debts if d.id == data.contact.debt), None)
    if debt is not None and debt.first_contact_at is not None:
        return _utc(debt.first_contact_at)
    times = [
        event.at
        for event in data.history
        if event.debt in (None, data.contact.debt)
        and event.counterparty in (None, "debtor", "spouse")
        and event.at < data.now
        and (event.direction == "in" or event.outcome in COMMUNICATIONS)
    ]
    return _utc(min(times)) if times else None


def _contact_row(data: CheckInput) -> dict[str, Any]:
    c, debtor = data.contact, data.debtor
    point = match_point(debtor, c.channel, c.to)
    zones, known = candidate_zones(data)
    debt = next((d for d in data.debts if d.id == c.debt), None)
    return {
        "contact_id": 0,
        "person": person_of(c.counterparty, c.to, None),
        "now": _utc(data.now),
        "jurisdictions": data.jurisdictions,
        "channel": c.channel,
        "to": normalize_to(c.to),
        "debt": c.debt,
        "automated": c.automated,
        "counterparty": c.counterparty,
        "purpose": c.purpose,
        "content": c.content,
        "to_line_type": point.line_type,
        "to_owner": point.owner,
        "to_place": point.place,
        "to_employer_email": point.employer_email,
        "zones": zones,
        "zones_known": known,
        "inconvenient_times": [
            {"days": t.days, "from": t.from_, "to": t.to, "until": t.until}
            for t in debtor.inconvenient_times
        ],
        "inconvenient_places": debtor.inconvenient_places,
        "opt_outs": [
            {"channel": o.channel, "to": normalize_to(o.to), "at": _utc(o.at)}
            for o in debtor.opt_outs
        ],
        "holds": [{"kind": h.kind, "debt": h.debt, "since": _utc(h.since)} for h in debtor.holds],
        "consents": _consents(debtor),
        "time_barred": bool(debt and debt.time_barred),
        "validation_sent_at": _utc(debt.validation_sent_at) if debt else None,
        "first_contact_at": first_communication(data),
        "debtor_unreachable": debtor.unreachable,
        "judgment_obtained": bool(debt and debt.judgment_obtained),
    }


def frames(data: CheckInput) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The one-row contacts frame and the history frame of a check."""
    schema = {**CONTACTS, "judgment_obtained": pl.Boolean()}
    contacts = pl.DataFrame([_contact_row(data)], schema=schema)
    history = pl.DataFrame(_history_rows(data), schema={**HISTORY, **HISTORY_OPTIONAL})
    return contacts, history
