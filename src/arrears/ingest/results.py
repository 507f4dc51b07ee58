"""Screening results sent back from a worker process as columns, not row objects.

A worker screens a batch of 20,000 rows into :class:`.rows.AccountRow` objects. Sent as
they are, the importing process rebuilds every one of them from the pickle — a frozen
dataclass, its dates and its contact values, one Python call each: about a tenth of
that process's time, which is the import's bottleneck. :func:`pack` turns a batch's
results into one list per field instead (dates as day ordinals, contact points as
plain tuples), which unpickles at the speed of its strings; :func:`unpack` reads the
rows back as named tuples with the same fields, which the importer uses in place of
``AccountRow`` (it only reads their attributes) for a fraction of the cost.

Rejections travel as they are (few, and their order among themselves is the file's).
The order of valid rows is kept; the importer never needs the order of valid rows
relative to rejected ones.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from operator import attrgetter
from typing import Any, cast

from arrears.ingest.rows import AccountRow, ContactValue, Rejection

_FIELDS = tuple(f.name for f in fields(AccountRow))
_CONTACT_FIELDS = tuple(f.name for f in fields(ContactValue))
_DATES = frozenset(("birth_date", "opened_on", "due_on", "charged_off_on", "last_payment_on",
                    "invoice_date"))  # fmt: skip
_DATE_COLUMNS = tuple(i for i, name in enumerate(_FIELDS) if name in _DATES)
_CONTACT_COLUMN = _FIELDS.index("contacts")
_values = attrgetter(*_FIELDS)
_contact_values = attrgetter(*_CONTACT_FIELDS)

# What the importer reads in place of AccountRow and ContactValue: the same attributes.
AccountTuple = namedtuple("AccountTuple", _FIELDS)  # type: ignore[misc]
ContactTuple = namedtuple("ContactTuple", _CONTACT_FIELDS)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Packed:
    """A batch's screening results: valid account rows as columns, and rejections."""

    columns: list[list[Any]]
    rejected: list[list[Rejection]]
    others: list[Any]  # any other valid result (payments), as it is


def pack(results: list[Any]) -> Packed:
    """Results of ``screen_batch`` (each a row or a list of rejections), as columns."""
    accounts = [r for r in results if isinstance(r, AccountRow)]
    rejected = [r for r in results if isinstance(r, list)]
    others = [r for r in results if not isinstance(r, AccountRow | list)]
    if not accounts:
        return Packed([], rejected, others)
    columns = [list(c) for c in zip(*map(_values, accounts), strict=True)]
    for index in _DATE_COLUMNS:
        columns[index] = [None if d is None else d.toordinal() for d in columns[index]]
    columns[_CONTACT_COLUMN] = [
        tuple(map(_contact_values, contacts)) for contacts in columns[_CONTACT_COLUMN]
    ]
    return Packed(columns, rejected, others)


def screened_packed(screen: Callable[..., tuple[int, list[Any]]], *args: Any) -> tuple[int, Packed]:
    """``screen(*args)`` in a worker process, its results sent back as columns."""
    unchanged, results = screen(*args)
    return unchanged, pack(results)


def unpack(packed: Packed) -> list[AccountRow]:
    """The valid account rows, in order, as named tuples read like ``AccountRow``."""
    if not packed.columns:
        return []
    columns: list[Any] = list(packed.columns)
    ordinal = date.fromordinal
    for index in _DATE_COLUMNS:
        columns[index] = [None if d is None else ordinal(d) for d in columns[index]]
    contact = ContactTuple._make
    columns[_CONTACT_COLUMN] = [tuple(map(contact, cs)) for cs in columns[_CONTACT_COLUMN]]
    rows = list(map(AccountTuple._make, zip(*columns, strict=True)))
    return cast(list[AccountRow], rows)
