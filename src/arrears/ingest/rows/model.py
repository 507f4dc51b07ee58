"""The records row validation produces, and the hash that identifies a row.

:class:`AccountRow` and :class:`PaymentRow` are valid, normalised rows (amounts
in minor units); :class:`ContactValue` is one contact point of an account row;
:class:`Rejection` is one bad value of a row, with its reason. All are immutable
records of plain values, so they pickle to and from worker processes.
:class:`AccountRow` and :class:`ContactValue`, made for every row and every
contact of a file, are named tuples: one is built in one call (a frozen
dataclass sets each field through ``object.__setattr__``), and a batch of them
turns into columns with a plain ``zip`` (``ingest.results``).

:func:`raw_row_hash` digests a row's canonical (projected, raw) values together
with the mapping's ``formats``, so the importer can skip unchanged rows before
validating them, and a re-import with a corrected ``day_first`` or ``decimal``
reads every row again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from arrears.ingest.mapping import Formats


@dataclass(frozen=True, slots=True)
class Rejection:
    """One bad value of one source row, with the reason."""

    row: int
    field: str  # canonical column, or "(row)" for a row that cannot be read at all
    value: str | None
    reason: str


class ContactValue(NamedTuple):
    """A phone, e-mail or postal address of the debtor, normalised."""

    kind: str  # mobile | landline | phone (line type not known) | email | address
    value: str  # E.164, normalised e-mail, or the one-line address
    line_type: str | None  # phones: mobile | landline | voip | toll_free | unknown
    region: str | None  # ISO country of the number or address
    time_zones: tuple[str, ...]
    raw: str  # as written in the file


class AccountRow(NamedTuple):
    """A valid account row; amounts in minor units of ``currency``."""

    row: int
    account_ref: str
    debtor_ref: str | None
    debtor_kind: str  # person | company
    name: str
    name_key: str
    national_id: str | None
    birth_date: date | None
    contacts: tuple[ContactValue, ...]
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    language: str
    jurisdiction: str | None
    time_zones: tuple[str, ...]  # from the place (country, region)
    currency: str
    principal: int
    interest: int
    fees: int
    costs: int
    original_amount: int | None
    opened_on: date | None
    due_on: date
    charged_off_on: date | None
    last_payment_on: date | None
    last_payment_amount: int | None
    product: str | None
    source: str | None
    invoice_no: str | None
    invoice_date: date | None
    row_hash: str

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Worker processes send every valid row back to the importer. Pickled field by
        # field, dates (a class reference each) and contacts cost several times the
        # row's validation; as plain tuples with day ordinals they cost little.
        return _unpack_account, (_pack_account(self),)


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A valid payment or reversal row; ``amount`` is positive minor units."""

    row: int
    account_ref: str
    amount: int
    currency: str
    paid_on: date
    reference: str
    method: str | None
    kind: str  # payment | reversal
    reverses: str | None
    row_hash: str


_ACCOUNT_FIELDS = AccountRow._fields
_DATE_FIELDS = ("birth_date", "opened_on", "due_on", "charged_off_on", "last_payment_on")
_ACCOUNT_DATES = tuple(_ACCOUNT_FIELDS.index(n) for n in (*_DATE_FIELDS, "invoice_date"))
_CONTACTS = _ACCOUNT_FIELDS.index("contacts")


def _pack_account(row: AccountRow) -> tuple[Any, ...]:
    values: list[Any] = list(row)
    for index in _ACCOUNT_DATES:
        if values[index] is not None:
            values[index] = values[index].toordinal()
    values[_CONTACTS] = tuple(map(tuple, row.contacts))
    return tuple(values)


def _unpack_account(values: tuple[Any, ...]) -> AccountRow:
    found = list(values)
    for index in _ACCOUNT_DATES:
        if found[index] is not None:
            found[index] = date.fromordinal(found[index])
    found[_CONTACTS] = tuple(map(ContactValue._make, found[_CONTACTS]))
    return AccountRow._make(found)


# One encoder: json.dumps with separators builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=32)
def _reading(formats: Formats | None) -> str:
    """The JSON of how a file is read: the same for every row of the file."""
    reading = formats.model_dump(mode="json") if formats is not None else {}
    return _JSON.encode(sorted(reading.items()))


def raw_row_hash(canonical: dict[str, str | None], formats: Formats | None = None) -> str:
    """A stable digest of a row's canonical raw values and of how they are read.

    Column order does not matter; the formats (decimal mark, day-first, ...)
    do, because the same text read differently is a different value.
    """
    # JSON of [sorted pairs, sorted formats] is unambiguous whatever the values contain;
    # the formats' half is the same for the whole file, so it is encoded once.
    payload = f"[{_JSON.encode(sorted(canonical.items()))},{_reading(formats)}]"
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()
