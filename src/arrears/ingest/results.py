"""Screening results sent back from a worker process as columns, not row objects.

A worker screens a batch of 20,000 rows into :class:`.rows.AccountRow` objects. Sent as
they are, the importing process rebuilds every one of them from the pickle — the row,
its dates and its contact values, one Python call each: about a tenth of that
process's time, which is the import's bottleneck. :func:`pack` turns a batch's
results into one list per field instead (dates as day ordinals, contact points as
plain tuples), which unpickles at the speed of its strings; :func:`unpack` makes the
rows again from the columns, a named tuple each.

Rejections travel as they are (few, and their order among themselves is the file's).
The order of valid rows is kept; the importer never needs the order of valid rows
relative to rejected ones.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from arrears.ingest.match_keys import Key, name_keys
from arrears.ingest.rows import AccountRow, ContactValue, Rejection
from arrears.kit.crypto import FieldCipher

_FIELDS = AccountRow._fields
_DATES = frozenset(("birth_date", "opened_on", "due_on", "charged_off_on", "last_payment_on",
                    "invoice_date"))  # fmt: skip
_DATE_COLUMNS = tuple(i for i, name in enumerate(_FIELDS) if name in _DATES)
_CONTACT_COLUMN = _FIELDS.index("contacts")


@dataclass(frozen=True, slots=True)
class Packed:
    """A batch's screening results: valid account rows as columns, and rejections."""

    columns: list[list[Any]]
    rejected: list[list[Rejection]]
    others: list[Any]  # any other valid result (payments), as it is
    # Each valid account row's name keys (match_keys.name_keys), and the blind index and
    # ciphertext of each national id: made here rather than by the importing process.
    keys: list[list[Key]] = field(default_factory=list)
    national: dict[str, tuple[str, str]] = field(default_factory=dict)


def pack(results: list[Any], cipher: FieldCipher | None = None) -> Packed:
    """Results of ``screen_batch`` (each a row or a list of rejections), as columns
    (with ``cipher``, the national ids' blind indexes and ciphertexts too)."""
    accounts = [r for r in results if isinstance(r, AccountRow)]
    rejected = [r for r in results if isinstance(r, list)]
    others = [r for r in results if not isinstance(r, AccountRow | list)]
    if not accounts:
        return Packed([], rejected, others)
    keys = list(map(name_keys, accounts))
    columns = [list(c) for c in zip(*accounts, strict=True)]
    for index in _DATE_COLUMNS:
        columns[index] = [None if d is None else d.toordinal() for d in columns[index]]
    columns[_CONTACT_COLUMN] = [
        tuple(map(tuple, contacts)) for contacts in columns[_CONTACT_COLUMN]
    ]
    national = {}
    if cipher is not None:
        ids = {row.national_id for row in accounts if row.national_id}
        national = {i: (cipher.blind_index(i), cipher.encrypt(i)) for i in ids}
    return Packed(columns, rejected, others, keys, national)


def screened_packed(
    cipher: FieldCipher | None, screen: Callable[..., tuple[int, list[Any]]], *args: Any
) -> tuple[int, Packed]:
    """``screen(*args)`` in a worker process, its results sent back as columns (see
    :func:`pack`).

    The cyclic garbage collector waits while a batch is screened. Screening makes
    tens of thousands of objects that live until the batch is sent (rows, contact
    values, columns); the collector would walk them again and again, with the
    worker's long-lived caches and metadata at each full collection: a fifth of a
    worker's CPU time at 300,000 rows. What the batch drops is freed by reference
    counting when the task returns; garbage in cycles waits for the next collection,
    which comes with the first allocations after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        unchanged, results = screen(*args)
        return unchanged, pack(results, cipher)
    finally:
        if was_enabled:
            gc.enable()


# How much lower the validation workers' scheduling priority is than the importer's.
WORKER_NICENESS = 10


def yield_to_the_importer() -> None:
    """Run in each validation worker as it starts: lower its priority.

    The importing process writes every batch and is the import's bottleneck; the
    workers screen batches ahead of it. On a machine with as many cores as workers
    the scheduler otherwise shares the cores among all of them alike, and the
    importer waits its turn behind workers that are only getting further ahead (a
    1M-row first load on 2 cores spent 9-10 s more than its CPU time that way,
    against 6-7 s with the workers niced). Where the OS has no ``nice``, nothing.

    It lives here, with what else a worker runs, and not with the import task: a
    worker then imports only the screening, not the store (0.6 s less before its
    first batch, the one the importer waits for).
    """
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def unpack(packed: Packed) -> list[AccountRow]:
    """The valid account rows, in order.

    Every call here is made at C speed, once per row or value: the named tuples are
    made by ``tuple.__new__`` (their ``_make`` is a Python method), and each distinct
    date of a column once.
    """
    if not packed.columns:
        return []
    columns: list[Any] = list(packed.columns)
    for index in _DATE_COLUMNS:
        ordinals = columns[index]
        dates = {o: None if o is None else date.fromordinal(o) for o in set(ordinals)}
        columns[index] = list(map(dates.__getitem__, ordinals))
    contact = partial(tuple.__new__, ContactValue)
    columns[_CONTACT_COLUMN] = [tuple(map(contact, cs)) for cs in columns[_CONTACT_COLUMN]]
    return list(map(partial(tuple.__new__, AccountRow), zip(*columns, strict=True)))
