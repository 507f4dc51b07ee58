"""The keys a debtor is matched by, packed into one string each.

A row's debtor is looked for by its ref, its national id (blind-indexed), its
name and birth date, and its name with each phone or e-mail
(:mod:`.debtors`). Each key is the kind and its parts joined by a separator:
one string, hashed once, a third of the memory of a tuple of strings. A key
with the separator inside a part stays a tuple ``(kind, *parts)``, so that two
keys never pack alike; :func:`unpack_key` gives back what the store lookup of
the kind takes.

The keys that need no secret (:func:`name_keys`: name and birth date, name and
contact) are made by the validation workers with the rows, so that the
importing process, the import's bottleneck, does not make them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arrears.ingest.rows import AccountRow

Key = str | tuple[Any, ...]
_SEP = "\x1f"


def pack_key(kind: str, *parts: str | date) -> Key:
    """The key of ``kind`` ("ref", "nid", "nb", "nc") with these parts (dates as ISO)."""
    texts = [p.isoformat() if isinstance(p, date) else p for p in parts]
    packed = _SEP.join((kind, *texts))
    return packed if packed.count(_SEP) == len(texts) else (kind, *parts)


# The keys made for every row and every new debtor and contact point: pack_key written
# out per kind (a call with *parts and a list for each costs several times more).


def ref_key(ref: str) -> Key:
    return ("ref", ref) if _SEP in ref else f"ref{_SEP}{ref}"


def national_key(index: str) -> Key:
    return ("nid", index) if _SEP in index else f"nid{_SEP}{index}"


def birth_key(name_key: str, birth_date: date) -> Key:
    if _SEP in name_key:
        return ("nb", name_key, birth_date)
    return f"nb{_SEP}{name_key}{_SEP}{birth_date.isoformat()}"


def contact_key(name_key: str, value: str) -> Key:
    if _SEP in name_key or _SEP in value:
        return ("nc", name_key, value)
    return f"nc{_SEP}{name_key}{_SEP}{value}"


def unpack_key(key: Key) -> tuple[str, Any]:
    """The kind and what the store lookup of that kind takes: the value for "ref" and
    "nid", a pair for "nb" (name key, birth date) and "nc" (name key, value)."""
    if isinstance(key, tuple):
        kind, *parts = key
    else:
        kind, *texts = key.split(_SEP)
        parts = [texts[0], date.fromisoformat(texts[1])] if kind == "nb" else list(texts)
    return kind, parts[0] if len(parts) == 1 else tuple(parts)


def name_keys(row: AccountRow) -> list[Key]:
    """A row's keys by its name: with its birth date, then with each phone and e-mail
    (an address is no key). The last of a row's keys (see ``DebtorResolver``)."""
    name_key = row.name_key
    keys = [birth_key(name_key, row.birth_date)] if row.birth_date else []
    keys.extend(contact_key(name_key, c.value) for c in row.contacts if c.kind != "address")
    return keys
