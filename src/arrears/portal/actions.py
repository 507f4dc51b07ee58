"""What a verified debtor can do in the portal, each through the service a collector uses.

Every action obeys the same rules as a collector's: the resolution policy
decides which plans, settlements and promises are possible (with the debtor's
own authority for settlements), a dispute opens the same hold, preferences
are the ones the compliance engine reads. Each action is an interaction on
the account's timeline (channel ``portal``, direction ``in``) and an audit
event; where the called service already records the interaction (a dispute)
it is not recorded twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from arrears.channels.letters.channel import file_name
from arrears.core.currency import exponent
from arrears.errors import InvalidInput, NotFound
from arrears.payments import disputes, preferences
from arrears.payments.documents import DocumentInput, read_document
from arrears.portal.i18n import N_
from arrears.portal.service import ACTOR, Verified, record
from arrears.portal.views import balance_minor
from arrears.store.records import PaymentRecord
from arrears.store.uow import UnitOfWork

CALLBACK_SLOTS = {"morning": (time(9), time(12)), "afternoon": (time(12), time(17)),
                  "evening": (time(17), time(20))}  # fmt: skip
MAX_NOTE = 500
MAX_CALLBACK_DAYS = 30
_AMOUNT = re.compile(r"\d{1,13}(\.\d{1,6})?")


def parse_amount(text: str, currency: str) -> int:
    """Minor units from what a person typed ("1,234.50", "100"); no rounding, no floats."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "").lstrip("¥$£")
    if not _AMOUNT.fullmatch(cleaned):
        raise InvalidInput(N_("Enter an amount such as 100.00"))
    value = Decimal(cleaned)
    places = exponent(currency)
    if value <= 0:
        raise InvalidInput(N_("Enter an amount greater than zero"))
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(N_("Enter an amount such as 100.00"))
    return int(scaled)


# --- paying -----------------------------------------------------------------------------------


def check_payment_amount(who: Verified, amount_minor: int) -> None:
    owed = balance_minor(who)
    if amount_minor <= 0:
        raise InvalidInput(N_("Enter an amount greater than zero"))
    if amount_minor > owed:
        raise InvalidInput(N_("The amount is more than you owe"))


# --- disputes ---------------------------------------------------------------------------------


def dispute(
    uow: UnitOfWork, who: Verified, *, reason: str, details: str | None,
    uploads: Sequence[DocumentInput], documents_root: Path, at: datetime,
) -> int:  # fmt: skip
    """Open a dispute (the service puts the hold on and records the interaction)."""
    opened = disputes.open_dispute(
        uow=uow, account=who.account, reason=reason, details=details, channel="portal",
        by=ACTOR, at=at, documents_root=documents_root, documents=list(uploads),
    )  # fmt: skip
    return opened.dispute.id


# --- preferences ------------------------------------------------------------------------------


def set_preferences(
    uow: UnitOfWork, who: Verified, *, stop: set[str], consent: set[str],
    times: list[dict[str, Any]], at: datetime,
) -> preferences.Preferences:  # fmt: skip
    current = preferences.preferences(uow, who.debtor.id)
    opt_outs = {channel: channel in stop for channel in current.channels}
    unknown = stop - set(current.channels)
    if unknown:
        raise InvalidInput(N_("Choose only the channels listed"))
    consents = {kind: kind in consent for kind in preferences.CONSENT_KINDS}
    after = preferences.set_preferences(
        uow=uow, debtor_id=who.debtor.id, opt_outs=opt_outs, consents=consents,
        inconvenient_times=times, by=ACTOR, at=at,
    )  # fmt: skip
    record(uow, who, "portal_preferences", at=at, details={
        "opted_out": sorted(after.opted_out), "consents": sorted(after.consents),
        "inconvenient_times": len(after.inconvenient_times),
        "before": {"opted_out": sorted(current.opted_out), "consents": sorted(current.consents)},
    })  # fmt: skip
    return after


# --- call backs -------------------------------------------------------------------------------


def request_callback(
    uow: UnitOfWork, who: Verified, *, day: str, slot: str, note: str | None, at: datetime
) -> int:
    """A call-back task for the collectors, in the debtor's local time."""
    if slot not in CALLBACK_SLOTS:
        raise InvalidInput(N_("Choose a time of day"))
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput(N_("Choose a day")) from None
    zone = ZoneInfo(who.zone or "UTC")
    today = at.astimezone(zone).date()
    if not today <= wanted <= today + timedelta(days=MAX_CALLBACK_DAYS):
        raise InvalidInput(N_("Choose a day within the next 30 days"))
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(N_("The note is too long"))
    start, end = CALLBACK_SLOTS[slot]
    due = datetime.combine(wanted, start, zone)
    task = uow.tasks.add(
        kind="callback", client_id=who.account.client_id, account_id=who.account.id,
        debtor_id=who.debtor.id, title=f"Call back requested in the portal ({slot})",
        details={"day": wanted.isoformat(), "slot": slot, "from": start.isoformat("minutes"),
                 "to": end.isoformat("minutes"), "zone": zone.key, "note": (note or "").strip()},
        role="collector", due_at=due, dedup_key=None, created_by=ACTOR, created_at=at,
    )  # fmt: skip
    record(uow, who, "portal_callback_requested", at=at, notes=(note or "").strip() or None,
           details={"task_id": task.id, "day": wanted.isoformat(), "slot": slot})  # fmt: skip
    return task.id


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    id: int  # the interaction that sent it
    title: str
    day: date


def receipts(uow: UnitOfWork, who: Verified) -> list[PaymentRecord]:
    return [p for p in uow.payments.of_account(who.account.id)
            if p.kind == "payment" and p.reversed_by_id is None]  # fmt: skip


def letters(uow: UnitOfWork, who: Verified, letters_dir: Path) -> list[Letter]:
    """Letters sent to the debtor about this account whose PDF we still hold."""
    out = []
    for item in uow.interactions.of_account(who.account.id):
        if item.channel != "letter" or item.direction != "out" or not item.dedup_key:
            continue
        if _letter_path(letters_dir, who, item.dedup_key) is not None:
            title = (item.template or "letter").replace("_", " ")
            out.append(Letter(item.id, title, item.occurred_at.date()))
    return out


def _letter_path(letters_dir: Path, who: Verified, dedup_key: str) -> Path | None:
    folder = letters_dir / who.client.code
    found = sorted(folder.glob(f"*/{file_name(dedup_key)}")) if folder.is_dir() else []
    return found[0] if found else None


def letter_pdf(uow: UnitOfWork, who: Verified, letters_dir: Path, interaction_id: int) -> bytes:
    for item in uow.interactions.of_account(who.account.id):
        if item.id == interaction_id and item.channel == "letter" and item.dedup_key:
            path = _letter_path(letters_dir, who, item.dedup_key)
            if path is not None:
                return path.read_bytes()
    raise NotFound("no such letter")


def upload(
    uow: UnitOfWork, who: Verified, documents_dir: Path, document_id: int
) -> tuple[str, str, bytes]:
    """A document the debtor sent: (name, content type, bytes)."""
    doc = uow.disputes.document(who.account.id, document_id)
    if doc.kind != "dispute_evidence":
        raise NotFound("no such document")
    return doc.filename, doc.content_type, read_document(documents_dir, doc)


def uploads(uow: UnitOfWork, who: Verified) -> list[Any]:
    return [d for d in uow.disputes.documents(who.account.id) if d.kind == "dispute_evidence"]


def downloaded(uow: UnitOfWork, who: Verified, what: str, ident: int, at: datetime) -> None:
    record(uow, who, "portal_document_downloaded", at=at, details={"what": what, "id": ident})
