"""Applying validated import rows to the store (one batch, one transaction).

The import task (``tasks.py``) reads and validates a file batch by batch and
hands each batch's valid rows to :func:`apply_accounts` or
:func:`apply_payments`. These functions never commit: the task commits after
each batch, so a crash loses at most the batch in flight, and running the
same import again finishes it without doing anything twice.

Counting: a row is *inserted* when it creates an account, invoice or payment,
*updated* when it changes a stored value, and *unchanged* otherwise. Creations
are audited once per batch (the import id and the refs); every update is
audited per record with its values before and after.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Any

from arrears.ingest.debtors import (
    DEBTOR_COLUMNS,
    SOURCE_CONFIDENCE,
    DebtorMemo,
    DebtorResolver,
    Draft,
    Prepared,
    debtor_keys,
    display,
    source_of,
)
from arrears.ingest.match_keys import contact_key
from arrears.ingest.rows import AccountRow
from arrears.kit.crypto import FieldCipher
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


@dataclass
class BatchCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, other: BatchCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected


@dataclass(frozen=True)
class Context:
    """Who is importing what, where and when."""

    uow: UnitOfWork
    client_id: int
    import_id: int
    at: datetime
    actor: str
    # The keys of the debtors this import wrote (None: ask the store about every debtor).
    memo: DebtorMemo | None = None


def account_values(row: AccountRow) -> dict[str, Any]:
    """Account columns a row sets (invoice rows set the balance via invoices)."""
    values: dict[str, Any] = {
        "product": row.product,
        "currency": row.currency,
        "opened_on": row.opened_on,
        "charged_off_on": row.charged_off_on,
        "last_payment_on": row.last_payment_on,
        "last_payment_minor": row.last_payment_amount,
        "jurisdiction": row.jurisdiction,
        "source": source_of(row),
    }
    if row.invoice_no is None:
        values.update(
            original_minor=row.original_amount,
            principal_minor=row.principal,
            interest_minor=row.interest,
            fees_minor=row.fees,
            costs_minor=row.costs,
            due_on=row.due_on,
        )
    return values


def apply_accounts(
    ctx: Context,
    rows: list[AccountRow],
    cipher: FieldCipher,
    prepared: Prepared | None = None,
) -> BatchCounts:
    """Insert or update the accounts, debtors, contacts and invoices of a batch
    (``prepared``: what the workers made for matching along with the rows)."""
    refs = [r.account_ref for r in rows]
    known = ctx.uow.imports.known_accounts(ctx.client_id, refs)
    resolver = DebtorResolver(
        ctx.uow, ctx.client_id, cipher, ctx.import_id, ctx.at, ctx.memo, prepared
    )
    new_rows = [r for r in rows if r.account_ref not in known]
    resolver.prefetch(new_rows)
    resolver.load_existing([k.debtor_id for k in known.values()])

    firsts: dict[str, AccountRow] = {}
    debtor_of: dict[str, Draft | int] = {}
    for row in new_rows:
        if row.account_ref not in firsts:
            firsts[row.account_ref] = row
            debtor_of[row.account_ref] = resolver.resolve(row)
    for row in rows:
        if row.account_ref in known:
            resolver.reconcile(known[row.account_ref].debtor_id, row)

    _write_debtors(ctx, resolver)
    account_ids = _insert_accounts(ctx, firsts, debtor_of)
    account_ids.update({ref: k.id for ref, k in known.items()})
    debtor_ids = {ref: _debtor_id(d) for ref, d in debtor_of.items()}
    debtor_ids.update({ref: k.debtor_id for ref, k in known.items()})

    old_debtors = {k.debtor_id for k in known.values()}
    old_debtors |= {d for d in debtor_of.values() if isinstance(d, int)}
    new_contacts = _write_contacts(ctx, rows, debtor_ids, old_debtors, resolver)
    changed_accounts = _update_accounts(ctx, [r for r in rows if r.account_ref in known], known)
    invoice_outcome = _write_invoices(ctx, rows, account_ids)
    changed_debtors = set(resolver.result.updates) | resolver.result.conflicted | new_contacts

    states = Counter(
        _outcome(
            row,
            firsts,
            invoice_outcome,
            changed_accounts,
            debtor_ids[row.account_ref] in changed_debtors,
        )
        for row in rows
    )
    _touch_hashes(ctx, rows, known)
    return BatchCounts(**states)


def _outcome(
    row: AccountRow,
    firsts: dict[str, AccountRow],
    invoice_outcome: dict[int, str],
    changed_accounts: set[str],
    debtor_changed: bool,
) -> str:
    """How one row counts in the summary: inserted, updated or unchanged."""
    if row.invoice_no is not None:
        state = invoice_outcome[row.row]
    elif firsts.get(row.account_ref) is row:
        state = "inserted"
    else:
        state = "unchanged"
    if state == "unchanged" and (row.account_ref in changed_accounts or debtor_changed):
        state = "updated"
    return state


def _debtor_id(debtor: Draft | int) -> int:
    if isinstance(debtor, Draft):
        assert debtor.id is not None
        return debtor.id
    return debtor


def _write_debtors(ctx: Context, resolver: DebtorResolver) -> None:
    result = resolver.result
    rows = []
    for draft in result.drafts:
        enc = resolver.encrypt(draft.national_id) if draft.national_id else None
        rows.append((*draft.columns(), enc, draft.has_conflicts))
    ids = ctx.uow.bulk.insert(
        "debtors",
        (*DEBTOR_COLUMNS, "national_id_enc", "has_conflicts"),
        rows,
        constants=_created(ctx),
        with_ids=True,
    )
    for draft, new_id in zip(result.drafts, ids, strict=True):
        draft.id = new_id
        if ctx.memo is not None:
            ctx.memo.add(new_id, draft.keys())
        result.facts.extend({**fact, "debtor_id": new_id} for fact in draft.facts)
    ctx.uow.debtors.add_facts(result.facts)
    ctx.uow.debtors.flag_conflicts(result.conflicted, ctx.at)
    _update_debtors(ctx, resolver)


def _created(ctx: Context) -> dict[str, Any]:
    """The columns every row an import creates shares."""
    return {"client_id": ctx.client_id, "import_id": ctx.import_id, "created_at": ctx.at,
            "updated_at": ctx.at}  # fmt: skip


def _update_debtors(ctx: Context, resolver: DebtorResolver) -> None:
    events = []
    for debtor_id, changes in resolver.result.updates.items():
        before = resolver.uow.debtors.get_many([debtor_id])[debtor_id]
        if ctx.memo is not None and ctx.memo.mine(debtor_id) and set(changes) & _MATCHED:
            _forget(ctx, ctx.memo, debtor_id, before, changes)
        ctx.uow.debtors.update(debtor_id, {**changes, "updated_at": ctx.at})
        shown = [k for k in changes if k not in ("national_id_enc", "name_key")]
        events.append(
            AuditEvent(
                occurred_at=ctx.at,
                actor=ctx.actor,
                action="debtor.updated",
                entity="debtor",
                entity_id=str(debtor_id),
                before={k: _shown(k, before.get(k), before) for k in shown},
                after={k: _shown(k, changes[k], changes) for k in shown},
            )
        )
    ctx.uow.audit.append_many(events)


# Debtor columns the matcher reads (``debtor_ref`` is never updated).
_MATCHED = {"name_key", "birth_date", "national_id_index"}


def _forget(
    ctx: Context, memo: DebtorMemo, debtor_id: int, before: dict[str, Any], changes: dict[str, Any]
) -> None:
    """One of this import's debtors changes a matching field: its keys, old and new,
    are left to the store (rare: a later row of the same debtor corrects it)."""
    values = [v for _, _, v in ctx.uow.debtors.contact_keys([debtor_id])]
    keys = debtor_keys(before, values) + debtor_keys({**before, **changes}, values)
    memo.changed(debtor_id, keys)


def _shown(name: str, value: Any, values: dict[str, Any]) -> Any:
    if name == "national_id_index":
        return display(name, value, values.get("national_id_last4"))
    return value


# New accounts' columns taken from their rows as they are (see _account_columns).
_ACCOUNT_FIELDS = {
    "account_ref": "account_ref", "product": "product", "currency": "currency",
    "opened_on": "opened_on", "charged_off_on": "charged_off_on",
    "last_payment_on": "last_payment_on", "last_payment_minor": "last_payment_amount",
    "jurisdiction": "jurisdiction", "row_hash": "row_hash", "original_minor": "original_amount",
    "principal_minor": "principal", "interest_minor": "interest", "fees_minor": "fees",
    "costs_minor": "costs", "due_on": "due_on",
}  # fmt: skip
# An invoice row's account balances are its invoices' (rolled up after they are written).
_INVOICE_ACCOUNT = {"original_minor": None, "principal_minor": 0, "interest_minor": 0,
                    "fees_minor": 0, "costs_minor": 0}  # fmt: skip


def _account_columns(rows: list[AccountRow], debtor_ids: list[int]) -> dict[str, list[Any]]:
    """The columns of the new accounts of these rows, column by column."""
    data = {name: list(map(attrgetter(field), rows)) for name, field in _ACCOUNT_FIELDS.items()}
    data["debtor_id"] = debtor_ids
    data["source"] = list(map(source_of, rows))
    for i, row in enumerate(rows):
        if row.invoice_no is not None:
            for name, value in _INVOICE_ACCOUNT.items():
                data[name][i] = value
    return data


def _insert_accounts(
    ctx: Context, firsts: dict[str, AccountRow], debtor_of: dict[str, Draft | int]
) -> dict[str, int]:
    rows = list(firsts.values())
    debtor_ids = [_debtor_id(debtor_of[ref]) for ref in firsts]
    constants = {**_created(ctx), "credit_minor": 0, "status": "active", "holds": []}
    ids = ctx.uow.bulk.insert_columns(
        "accounts", _account_columns(rows, debtor_ids), constants=constants, with_ids=True
    )
    if ids:
        ctx.uow.audit.append(
            AuditEvent(
                occurred_at=ctx.at,
                actor=ctx.actor,
                action="accounts.created",
                entity="import",
                entity_id=str(ctx.import_id),
                after={"count": len(ids), "first_ref": rows[0].account_ref,
                       "last_ref": rows[-1].account_ref},
            )
        )  # fmt: skip
    return dict(zip(firsts, ids, strict=True))


_CONTACT_COLUMNS = (
    "debtor_id", "kind", "value", "line_type", "region", "time_zones", "source", "confidence",
)  # fmt: skip


def _write_contacts(
    ctx: Context,
    rows: list[AccountRow],
    debtor_ids: dict[str, int],
    old_debtors: set[int],
    resolver: DebtorResolver,
) -> set[int]:
    """Upsert every contact point; returns debtors that gained a new one."""
    wanted: dict[tuple[int, str, str], tuple[Any, ...]] = {}
    for row in rows:
        source = source_of(row)
        confidence = SOURCE_CONFIDENCE.get(source, 50)
        debtor_id = debtor_ids[row.account_ref]
        for c in row.contacts:
            key = (debtor_id, c.kind, c.value)
            if key not in wanted:
                wanted[key] = (*key, c.line_type, c.region, c.time_zones, source, confidence)
    # Only debtors that existed before this batch can have contact points already: the
    # new debtors' points are plain inserts, the others' upserts.
    existing = ctx.uow.debtors.contact_keys({k[0] for k in wanted} & old_debtors)
    fresh = [k for k in wanted if k not in existing]
    constants = {"import_id": ctx.import_id, "first_seen_at": ctx.at, "last_seen_at": ctx.at}
    ctx.uow.bulk.insert(
        "contact_points",
        _CONTACT_COLUMNS,
        [v for k, v in wanted.items() if k[0] not in old_debtors],
        constants=constants,
    )
    ctx.uow.bulk.upsert(
        "contact_points",
        _CONTACT_COLUMNS,
        [v for k, v in wanted.items() if k[0] in old_debtors],
        keys=("debtor_id", "kind", "value"),
        update=("last_seen_at",),
        constants=constants,
    )
    if ctx.memo is not None:
        _remember_contacts(ctx.memo, resolver, fresh)
    return {k[0] for k in fresh}


def _remember_contacts(
    memo: DebtorMemo, resolver: DebtorResolver, fresh: list[tuple[int, str, str]]
) -> None:
    """The (name, contact) keys the batch's new phones and e-mails give this import's
    debtors (the store lookup leaves addresses out too)."""
    name_keys = {d.id: d.name_key for d in resolver.result.drafts}
    for debtor_id, kind, value in fresh:
        if kind == "address" or not memo.mine(debtor_id):
            continue
        name_key = name_keys.get(debtor_id)
        if name_key is None and debtor_id not in name_keys:
            name_key = resolver.name_key_of(debtor_id)
        if name_key:
            memo.add(debtor_id, [contact_key(name_key, value)])


def _update_accounts(ctx: Context, rows: list[AccountRow], known: dict[str, Any]) -> set[str]:
    """Apply changed values of known accounts; returns the refs that changed."""
    stored = ctx.uow.accounts.get_many([known[r.account_ref].id for r in rows])
    changed: set[str] = set()
    events = []
    for row in rows:
        account_id = known[row.account_ref].id
        current = stored[account_id]
        diff = {k: v for k, v in account_values(row).items() if current.get(k) != v}
        if not diff:
            continue
        ctx.uow.accounts.update_many([{"id": account_id, **diff, "updated_at": ctx.at}])
        events.append(
            AuditEvent(
                occurred_at=ctx.at,
                actor=ctx.actor,
                action="account.updated",
                entity="account",
                entity_id=str(account_id),
                before={k: current.get(k) for k in diff},
                after=diff,
            )
        )
        current.update(diff)
        changed.add(row.account_ref)
    ctx.uow.audit.append_many(events)
    return changed


def _write_invoices(
    ctx: Context, rows: list[AccountRow], account_ids: dict[str, int]
) -> dict[int, str]:
    """Insert or update invoices; returns row number -> inserted|updated|unchanged."""
    invoice_rows = [r for r in rows if r.invoice_no]
    if not invoice_rows:
        return {}
    known = ctx.uow.accounts.known_invoices({account_ids[r.account_ref] for r in invoice_rows})
    outcome: dict[int, str] = {}
    inserts: dict[tuple[int, str], dict[str, Any]] = {}
    for row in invoice_rows:
        assert row.invoice_no is not None
        key = (account_ids[row.account_ref], row.invoice_no)
        values = {
            "issued_on": row.invoice_date,
            "due_on": row.due_on,
            "amount_minor": row.original_amount or row.principal,
            "open_minor": row.principal,
            "interest_minor": row.interest,
            "fees_minor": row.fees,
            "costs_minor": row.costs,
            "row_hash": row.row_hash,
        }
        if key in known:
            invoice_id, digest = known[key]
            outcome[row.row] = "unchanged" if digest == row.row_hash else "updated"
            if digest != row.row_hash:
                ctx.uow.accounts.update_invoice(invoice_id, {**values, "updated_at": ctx.at})
        elif key in inserts:
            outcome[row.row] = "unchanged"  # the same invoice twice in one batch
        else:
            outcome[row.row] = "inserted"
            inserts[key] = {
                "account_id": key[0],
                "invoice_no": key[1],
                "import_id": ctx.import_id,
                "created_at": ctx.at,
                "updated_at": ctx.at,
                **values,
            }
    ctx.uow.accounts.insert_invoices(list(inserts.values()))
    ctx.uow.accounts.roll_up_invoices({k[0] for k in known} | {k[0] for k in inserts}, ctx.at)
    return outcome


def _touch_hashes(ctx: Context, rows: list[AccountRow], known: dict[str, Any]) -> None:
    pairs = [
        (known[r.account_ref].id, r.row_hash)
        for r in rows
        if r.account_ref in known and r.invoice_no is None
    ]
    ctx.uow.accounts.touch_hashes(pairs, ctx.at)
