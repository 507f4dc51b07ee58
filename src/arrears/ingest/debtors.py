"""Recognising the same debtor across rows, accounts and files.

Within a client, a row's debtor is looked for in this order: the file's
``debtor_ref``; the national id (through its blind index, never in clear);
name and birth date; name and a phone number or e-mail already on file. The
last step requires the same name as well as the contact, because a shared
household phone must not merge two people (a privacy breach, PRODUCT F6).
When several debtors share a key, the lowest id is the match.

An import remembers the keys of the debtors it wrote (:class:`DebtorMemo`) and
asks the store only about the debtors that existed when it started: otherwise
every batch would search, through shared numbers, all the debtors the earlier
batches wrote, and the import would slow down as it goes.

When a matched debtor's personal data differs from the row's, the value is
filled when it was missing, replaced when the same source corrects itself,
and otherwise kept side by side as facts and flagged as a conflict — never
silently overwritten (PRODUCT A2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

from arrears.ingest.match_keys import (
    Key,
    birth_key,
    contact_key,
    name_keys,
    national_key,
    ref_key,
    unpack_key,
)
from arrears.ingest.rows import AccountRow
from arrears.kit.crypto import FieldCipher, mask
from arrears.store.uow import UnitOfWork

DEFAULT_SOURCE = "creditor"
# How much a value from each source is trusted (0-100); used for contact points.
SOURCE_CONFIDENCE = {"creditor": 80, "bureau": 70, "self_reported": 60, "skip_trace": 50}
# Personal fields whose disagreements are tracked as conflicts.
TRACKED = ("name", "birth_date", "national_id_index", "address")


def source_of(row: AccountRow) -> str:
    return _source(row.source)


@lru_cache(maxsize=256)
def _source(given: str | None) -> str:
    """Called several times a row, for a handful of distinct values."""
    return (given or DEFAULT_SOURCE).strip().lower()


class Draft:
    """A debtor about to be created in this batch.

    Its columns are its first row's until another row of the batch reconciles with
    it; only then is the dictionary :attr:`values` made (most debtors come with one
    row a batch, and the insert takes tuples).
    """

    def __init__(self, row: AccountRow, national_index: str | None, row_keys: list[Key]) -> None:
        # No reference back to the resolver: a cycle would outlive the batch (the
        # import freezes what is alive after each batch).
        self.row, self._national_index, self._row_keys = row, national_index, row_keys
        self.national_id = row.national_id
        self.id: int | None = None
        self.facts: list[dict[str, Any]] = []
        self._values: dict[str, Any] | None = None

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            self._values = dict(zip(DEBTOR_COLUMNS, self.columns(), strict=True))
        return self._values

    @property
    def ref(self) -> str | None:
        return self.row.debtor_ref  # never reconciled: a different ref is another debtor

    @property
    def name_key(self) -> str | None:
        return self.row.name_key if self._values is None else self._values.get("name_key")

    @property
    def has_conflicts(self) -> bool:
        return self._values is not None and bool(self._values.get("has_conflicts"))

    def columns(self) -> tuple[Any, ...]:
        """The values of :data:`DEBTOR_COLUMNS`, in that order."""
        if self._values is None:
            return debtor_row(self.row, self._national_index)
        return tuple(_debtor_columns(self._values))

    def keys(self) -> list[Key]:
        """The keys the memo knows this debtor by once it is written (contacts apart)."""
        row = self.row
        if self._values is None and (row.name_key or not row.birth_date):
            # Its row's keys, in the order DebtorResolver._make_keys makes them: the
            # ref, the national id, the birth date, then contacts.
            start = 1 if row.debtor_ref else 0
            return self._row_keys[start : start + bool(row.national_id) + bool(row.birth_date)]
        return debtor_keys(self.values)  # reconciled, or a birth key with a blank name


@dataclass(frozen=True)
class Prepared:
    """What the validation workers made for the resolver along with a batch's rows."""

    # Each row's name keys (match_keys.name_keys), by id(row).
    keys: Mapping[int, list[Key]] = field(default_factory=dict)
    # National id -> (blind index, ciphertext), for each id of the batch.
    national: Mapping[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Resolution:
    """What a batch needs written about debtors."""

    drafts: list[Draft] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    facts: list[dict[str, Any]] = field(default_factory=list)
    conflicted: set[int] = field(default_factory=set)


# Debtor columns an import writes, in the order of debtor_row's tuples.
DEBTOR_COLUMNS = (
    "debtor_ref", "kind", "name", "name_key", "national_id_index", "national_id_last4",
    "birth_date", "language", "jurisdiction", "address", "city", "region", "postal_code",
    "country", "time_zones", "source",
)  # fmt: skip
_debtor_columns = itemgetter(*DEBTOR_COLUMNS)


def debtor_row(row: AccountRow, national_index: str | None) -> tuple[Any, ...]:
    """The debtor columns a row carries, in the order of :data:`DEBTOR_COLUMNS`
    (``national_index``: the blind index of its national id; time zones a tuple)."""
    national_id = row.national_id
    return (
        row.debtor_ref, row.debtor_kind, row.name, row.name_key, national_index,
        national_id[-4:] if national_id else None,
        row.birth_date, row.language, row.jurisdiction, row.address, row.city, row.region,
        row.postal_code, row.country, tuple(row.time_zones), source_of(row),
    )  # fmt: skip


def debtor_values(row: AccountRow, blind_index: Callable[[str], str]) -> dict[str, Any]:
    """The debtor columns a row carries, by name (see :func:`debtor_row`)."""
    national_index = blind_index(row.national_id) if row.national_id else None
    return dict(zip(DEBTOR_COLUMNS, debtor_row(row, national_index), strict=True))


def display(field_name: str, value: Any, last4: str | None = None) -> str:
    """A value as it may appear in facts and audit events (ids masked)."""
    if field_name == "national_id_index":
        return mask("x" * 14 + (last4 or "????"))
    return value.isoformat() if isinstance(value, date) else str(value)


class DebtorResolver:
    """Matches a batch of rows to existing or new debtors of one client."""

    def __init__(
        self,
        uow: UnitOfWork,
        client_id: int,
        cipher: FieldCipher,
        import_id: int,
        at: datetime,
        memo: DebtorMemo | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        self.uow, self.client_id, self.cipher = uow, client_id, cipher
        self.prepared = prepared or Prepared()
        self.import_id, self.at = import_id, at
        self.memo = memo
        self.result = Resolution()
        self._local: dict[Any, Draft] = {}
        self._db: dict[Any, int] = {}
        self._existing: dict[int, dict[str, Any]] = {}
        self._indexes: dict[str, str] = {}
        # Each prefetched row's keys (by the row's id: the batch holds its rows until
        # it is written), made once instead of again when the row is resolved.
        self._keys: dict[int, list[Key]] = {}

    def blind_index(self, national_id: str) -> str:
        """The id's blind index, computed once per id (an HMAC each)."""
        found = self._indexes.get(national_id)
        if found is None:
            made = self.prepared.national.get(national_id)
            found = made[0] if made else self.cipher.blind_index(national_id)
            self._indexes[national_id] = found
        return found

    def encrypt(self, national_id: str) -> str:
        """The id's ciphertext: the worker's, or made here."""
        made = self.prepared.national.get(national_id)
        return made[1] if made else self.cipher.encrypt(national_id)

    def prefetch(self, rows: list[AccountRow]) -> None:
        """Load every debtor the batch could match: a query per kind of key asked of
        the store, the memo for the rest."""
        remembered = self._keys
        wanted: set[Key] = set()
        refs: list[Key] = []
        named = self.prepared.keys
        given = named.get if named else lambda _: None
        for row in rows:
            keys = remembered[id(row)] = self._make_keys(row, given(id(row)))
            wanted.update(keys)
            if row.debtor_ref:
                refs.append(keys[0])
        self._fetch(wanted, refs)
        self.load_existing(list(set(self._db.values())))

    def _fetch(self, keys: set[Key], refs: list[Key]) -> None:
        """The lowest debtor id per key: from the store, and from the memo for the
        debtors this import wrote (the store is asked about those only for keys the
        memo cannot vouch for)."""
        memo, db = self.memo, self._db
        # A ref is unique in the store (one index probe, however large the store): it is
        # always asked of the whole store, so that a debtor another import wrote
        # meanwhile is found rather than inserted twice against the unique constraint.
        if memo is None:
            db.update(self._ask(keys, None))
            return
        db.update(self._ask(refs, None))
        clean: Iterable[Key] = keys.difference(refs)
        if memo.has_dirty():
            db.update(self._ask([k for k in clean if memo.is_dirty(k)], None))
            clean = [k for k in clean if not memo.is_dirty(k)]
        if memo.max_before is None:  # the client had no debtors: the memo knows them all
            db.update(memo.found_of(clean))
            return
        found = memo.get
        # A debtor that existed at the start has a lower id than any this import wrote.
        old = self._ask(clean, memo.max_before)
        for key in clean:
            debtor_id = old.get(key)
            if debtor_id is None:
                debtor_id = found(key)
            if debtor_id is not None:
                db[key] = debtor_id

    def _ask(self, keys: Iterable[Key], up_to: int | None) -> dict[Key, int]:
        """The store's lowest debtor id (up to ``up_to``) per key, a query per kind."""
        by_kind: dict[str, dict[Any, Key]] = {}
        for key in keys:
            kind, parts = unpack_key(key)
            by_kind.setdefault(kind, {})[parts] = key
        d = self.uow.debtors
        lookups: dict[str, Callable[..., dict[Any, int]]] = {
            "ref": d.ids_by_ref,
            "nid": d.ids_by_national_index,
            "nb": d.ids_by_name_birth,
            "nc": d.ids_by_contact,
        }
        out: dict[Key, int] = {}
        for kind, wanted in by_kind.items():
            for parts, debtor_id in lookups[kind](self.client_id, list(wanted), up_to).items():
                asked = wanted.get(parts)
                if asked is not None:
                    out[asked] = debtor_id
        return out

    def keys(self, row: AccountRow) -> list[Key]:
        """The keys a row is matched by, in the order they are tried."""
        keys = self._keys.get(id(row))
        return self._make_keys(row) if keys is None else keys

    def _make_keys(self, row: AccountRow, named: list[Key] | None = None) -> list[Key]:
        """The ref, the national id, then :func:`.match_keys.name_keys` (``named``: those
        already made by the worker that screened the row)."""
        keys: list[Key] = []
        if row.debtor_ref:
            keys.append(ref_key(row.debtor_ref))
        if row.national_id:
            keys.append(national_key(self.blind_index(row.national_id)))
        keys.extend(name_keys(row) if named is None else named)
        return keys

    def resolve(self, row: AccountRow) -> Draft | int:
        """The debtor of a new account: a draft of this batch or an existing id."""
        keys = self.keys(row)
        for key in keys:
            draft = self._local.get(key)
            if draft is not None and _same_ref(draft.ref, row):
                self._reconcile_draft(draft, row)
                self._remember(keys, draft)
                return draft
            debtor_id = self._db.get(key)
            if debtor_id is not None and _same_ref(self._ref_of(debtor_id), row):
                self.reconcile(debtor_id, row)
                return debtor_id
        national = self.blind_index(row.national_id) if row.national_id else None
        draft = Draft(row, national, keys)
        self.result.drafts.append(draft)
        self._remember(keys, draft)
        return draft

    def _ref_of(self, debtor_id: int) -> str | None:
        if debtor_id not in self._existing:
            self.load_existing([debtor_id])
        ref = self._existing[debtor_id].get("debtor_ref")
        return str(ref) if ref else None

    def name_key_of(self, debtor_id: int) -> str | None:
        """A stored debtor's name key, with this batch's changes."""
        if debtor_id not in self._existing:
            self.load_existing([debtor_id])
        return self._existing[debtor_id].get("name_key")

    def _remember(self, keys: list[Key], draft: Draft) -> None:
        for key in keys:
            self._local.setdefault(key, draft)

    def load_existing(self, debtor_ids: list[int]) -> None:
        self._existing.update(self.uow.debtors.get_many(debtor_ids))

    def reconcile(self, debtor_id: int, row: AccountRow) -> None:
        """Compare an existing debtor with a row: fill, update or flag."""
        if debtor_id not in self._existing:
            self.load_existing([debtor_id])
        current = self._existing[debtor_id]
        new = debtor_values(row, self.blind_index)
        changes = self.result.updates.setdefault(debtor_id, {})
        for name in TRACKED:
            self._compare(debtor_id, current, new, name, changes, row)
        if "national_id_index" in changes and row.national_id:
            changes["national_id_enc"] = self.encrypt(row.national_id)
        if not changes:
            del self.result.updates[debtor_id]

    def _compare(
        self,
        debtor_id: int,
        current: dict[str, Any],
        new: dict[str, Any],
        name: str,
        changes: dict[str, Any],
        row: AccountRow,
    ) -> None:
        old_value, new_value = current.get(name), new.get(name)
        if new_value is None or old_value == new_value:
            return
        companions = _companions(name, new)
        if old_value is None or current.get("source") == new["source"]:
            changes[name] = new_value
            changes.update(companions)
            current[name] = new_value
            current.update(companions)
            return
        self.result.conflicted.add(debtor_id)
        for value, source, last4 in (
            (old_value, current.get("source") or DEFAULT_SOURCE, current.get("national_id_last4")),
            (new_value, new["source"], new.get("national_id_last4")),
        ):
            self.result.facts.append(
                self._fact(debtor_id, name, display(name, value, last4), source)
            )

    def _reconcile_draft(self, draft: Draft, row: AccountRow) -> None:
        new = debtor_values(row, self.blind_index)
        for name in TRACKED:
            old_value, new_value = draft.values.get(name), new.get(name)
            if new_value is None or old_value == new_value:
                continue
            if old_value is None or draft.values["source"] == new["source"]:
                draft.values[name] = new_value
                draft.values.update(_companions(name, new))
                if name == "national_id_index":
                    draft.national_id = row.national_id
                continue
            draft.values["has_conflicts"] = True
            for value, source, last4 in (
                (old_value, draft.values["source"], draft.values.get("national_id_last4")),
                (new_value, new["source"], new.get("national_id_last4")),
            ):
                draft.facts.append(self._fact(None, name, display(name, value, last4), source))

    def _fact(self, debtor_id: int | None, name: str, value: str, source: str) -> dict[str, Any]:
        field_name = "national_id" if name == "national_id_index" else name
        return {
            "debtor_id": debtor_id,
            "field": field_name,
            "value": value,
            "source": source,
            "import_id": self.import_id,
            "conflict": True,
            "observed_at": self.at,
        }


class DebtorMemo:
    """The matching keys of the debtors one import wrote, with the lowest id per key.

    The store is then asked only about debtors with ``id <= max_before`` (those that
    existed when the import started; None: the client had none, so it is not asked),
    except for refs (see :meth:`DebtorResolver._fetch`).
    Both together answer what asking the whole store would (the lowest id per key),
    as this import's debtors all have higher ids than the older ones. When one of
    them changes a matching field (name, birth date, national id), its keys, before
    and after, become *dirty*: those are asked of the whole store from then on.
    Keys are packed (:func:`pack_key`): about 4 per row, kept for the whole run.
    """

    def __init__(self, max_before: int | None) -> None:
        self.max_before = max_before
        self._found: dict[Key, int] = {}
        self._dirty: set[Key] = set()
        self._unstable: set[int] = set()

    def has_dirty(self) -> bool:
        return bool(self._dirty)

    def is_dirty(self, key: Key) -> bool:
        return bool(self._dirty) and key in self._dirty

    def get(self, key: Key) -> int | None:
        return self._found.get(key)

    def found_of(self, keys: Iterable[Key]) -> dict[Key, int]:
        """:meth:`get` of many keys: those the memo knows, with their ids."""
        found = self._found.get
        return {key: debtor_id for key in keys if (debtor_id := found(key)) is not None}

    def mine(self, debtor_id: int) -> bool:
        """Whether this import wrote the debtor."""
        return self.max_before is None or debtor_id > self.max_before

    def add(self, debtor_id: int, keys: Iterable[Key]) -> None:
        """Keys one of this import's debtors now has in the store, every part present
        (:func:`debtor_keys`; the lookups never ask for a missing value)."""
        unstable = debtor_id in self._unstable
        found, dirty = self._found, self._dirty
        for key in keys:
            if unstable or key in dirty:
                dirty.add(key)
                continue
            known = found.get(key)
            if known is None or debtor_id < known:
                found[key] = debtor_id

    def changed(self, debtor_id: int, keys: Iterable[Key]) -> None:
        """One of this import's debtors changed a matching field: ``keys`` are all
        it had and has; from now on the store answers for them."""
        self._unstable.add(debtor_id)
        for key in keys:
            self._dirty.add(key)
            self._found.pop(key, None)


def debtor_keys(values: dict[str, Any], contact_values: Iterable[str] = ()) -> list[Key]:
    """The keys a debtor with these column values and contact points is matched by
    through the memo (no ref: refs are always asked of the store), every part present."""
    name_key = values.get("name_key")
    national_index = values.get("national_id_index")
    birth_date = values.get("birth_date")
    keys: list[Key] = []
    if national_index:
        keys.append(national_key(national_index))
    if name_key and birth_date:
        keys.append(birth_key(name_key, birth_date))
    if name_key:
        keys.extend(contact_key(name_key, value) for value in contact_values if value)
    return keys


def _same_ref(candidate_ref: str | None, row: AccountRow) -> bool:
    """Two different debtor refs are two debtors, whatever else they share:
    the creditor's own key outranks our matching."""
    return not (candidate_ref and row.debtor_ref and candidate_ref != row.debtor_ref)


def _companions(name: str, new: dict[str, Any]) -> dict[str, Any]:
    """Columns that travel with a tracked field."""
    if name == "national_id_index":
        return {"national_id_last4": new.get("national_id_last4")}
    if name == "address":
        return {k: new.get(k) for k in ("city", "region", "postal_code", "country")}
    if name == "name":
        return {"name_key": new.get("name_key")}
    return {}
