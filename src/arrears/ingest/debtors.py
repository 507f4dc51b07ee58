"""Recognising the same debtor across rows, accounts and files.

Within a client, a row's debtor is looked for in this order: the file's
``debtor_ref``; the national id (through its blind index, never in clear);
name and birth date; name and a phone number or e-mail already on file. The
last step requires the same name as well as the contact, because a shared
household phone must not merge two people (a privacy breach, PRODUCT F6).

When a matched debtor's personal data differs from the row's, the value is
filled when it was missing, replaced when the same source corrects itself,
and otherwise kept side by side as facts and flagged as a conflict — never
silently overwritten (PRODUCT A2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from arrears.ingest.rows import AccountRow
from arrears.kit.crypto import FieldCipher, mask
from arrears.store.uow import UnitOfWork

DEFAULT_SOURCE = "creditor"
# How much a value from each source is trusted (0-100); used for contact points.
SOURCE_CONFIDENCE = {"creditor": 80, "bureau": 70, "self_reported": 60, "skip_trace": 50}
# Personal fields whose disagreements are tracked as conflicts.
TRACKED = ("name", "birth_date", "national_id_index", "address")


def source_of(row: AccountRow) -> str:
    return (row.source or DEFAULT_SOURCE).strip().lower()


@dataclass
class Draft:
    """A debtor about to be created in this batch."""

    values: dict[str, Any]
    national_id: str | None
    id: int | None = None
    facts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Resolution:
    """What a batch needs written about debtors."""

    drafts: list[Draft] = field(default_factory=list)
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    facts: list[dict[str, Any]] = field(default_factory=list)
    conflicted: set[int] = field(default_factory=set)


def debtor_values(row: AccountRow, blind_index: Callable[[str], str]) -> dict[str, Any]:
    """The debtor columns a row carries (national id blind-indexed)."""
    return {
        "debtor_ref": row.debtor_ref,
        "kind": row.debtor_kind,
        "name": row.name,
        "name_key": row.name_key,
        "national_id_index": blind_index(row.national_id) if row.national_id else None,
        "national_id_last4": row.national_id[-4:] if row.national_id else None,
        "birth_date": row.birth_date,
        "language": row.language,
        "jurisdiction": row.jurisdiction,
        "address": row.address,
        "city": row.city,
        "region": row.region,
        "postal_code": row.postal_code,
        "country": row.country,
        "time_zones": list(row.time_zones),
        "source": source_of(row),
    }


def display(field_name: str, value: Any, last4: str | None = None) -> str:
    """A value as it may appear in facts and audit events (ids masked)."""
    if field_name == "national_id_index":
        return mask("x" * 14 + (last4 or "????"))
    return value.isoformat() if isinstance(value, date) else str(value)


class DebtorResolver:
    """Matches a batch of rows to existing or new debtors of one client."""

    def __init__(
        self, uow: UnitOfWork, client_id: int, cipher: FieldCipher, import_id: int, at: datetime
    ) -> None:
        self.uow, self.client_id, self.cipher = uow, client_id, cipher
        self.import_id, self.at = import_id, at
        self.result = Resolution()
        self._local: dict[Any, Draft] = {}
        self._db: dict[Any, int] = {}
        self._existing: dict[int, dict[str, Any]] = {}
        self._indexes: dict[str, str] = {}

    def blind_index(self, national_id: str) -> str:
        """The id's blind index, computed once per id (an HMAC each)."""
        found = self._indexes.get(national_id)
        if found is None:
            found = self._indexes[national_id] = self.cipher.blind_index(national_id)
        return found

    def prefetch(self, rows: list[AccountRow]) -> None:
        """Load every debtor the batch could match, in four queries."""
        d, cid = self.uow.debtors, self.client_id
        refs = [r.debtor_ref for r in rows if r.debtor_ref]
        ids = [self.blind_index(r.national_id) for r in rows if r.national_id]
        births = [(r.name_key, r.birth_date) for r in rows if r.birth_date]
        contacts = [(r.name_key, c.value) for r in rows for c in r.contacts if c.kind != "address"]
        self._db.update({("ref", k): v for k, v in d.ids_by_ref(cid, refs).items()})
        self._db.update({("nid", k): v for k, v in d.ids_by_national_index(cid, ids).items()})
        self._db.update({("nb", *k): v for k, v in d.ids_by_name_birth(cid, births).items()})
        self._db.update({("nc", *k): v for k, v in d.ids_by_contact(cid, contacts).items()})
        self.load_existing(list(set(self._db.values())))

    def keys(self, row: AccountRow) -> list[tuple[Any, ...]]:
        keys: list[tuple[Any, ...]] = []
        if row.debtor_ref:
            keys.append(("ref", row.debtor_ref))
        if row.national_id:
            keys.append(("nid", self.blind_index(row.national_id)))
        if row.birth_date:
            keys.append(("nb", row.name_key, row.birth_date))
        keys.extend(("nc", row.name_key, c.value) for c in row.contacts if c.kind != "address")
        return keys

    def resolve(self, row: AccountRow) -> Draft | int:
        """The debtor of a new account: a draft of this batch or an existing id."""
        keys = self.keys(row)
        for key in keys:
            draft = self._local.get(key)
            if draft is not None and _same_ref(draft.values.get("debtor_ref"), row):
                self._reconcile_draft(draft, row)
                self._remember(keys, draft)
                return draft
            debtor_id = self._db.get(key)
            if debtor_id is not None and _same_ref(self._ref_of(debtor_id), row):
                self.reconcile(debtor_id, row)
                return debtor_id
        draft = Draft(values=debtor_values(row, self.blind_index), national_id=row.national_id)
        self.result.drafts.append(draft)
        self._remember(keys, draft)
        return draft

    def _ref_of(self, debtor_id: int) -> str | None:
        if debtor_id not in self._existing:
            self.load_existing([debtor_id])
        ref = self._existing[debtor_id].get("debtor_ref")
        return str(ref) if ref else None

    def _remember(self, keys: list[tuple[Any, ...]], draft: Draft) -> None:
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
            changes["national_id_enc"] = self.cipher.encrypt(row.national_id)
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
