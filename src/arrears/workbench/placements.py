"""Placement with outside collection agencies (委外): place, export, recall, commission.

* :func:`place` hands accounts to an agency: the status moves to ``placed``
  through the lifecycle (``core.accounts.transition``: only active, recalled or
  written-off accounts can be placed), the balance handed over is recorded, the
  in-house collector's ownership ends (the agency works it now).
* :func:`export_rows` / :func:`write_export` — the file the agency receives (CSV
  or XLSX; columns in ``docs/assignment.md``). The agency gets what it needs to
  collect — name, contact points that may be used, balances, dates — and not
  more: national ids are masked to the last four characters, contact points
  marked do-not-contact or wrong party are left out, birth dates, notes and
  internal scores are never in the file (PRODUCT F6).
* :func:`recall` ends a placement with a reason: ``placed → recalled`` and, by
  default, back to ``active`` to be worked in-house again.
* :func:`commission` — the agency's rate times the money received on its
  accounts while they were placed with it (payments less reversals paid on the
  placement day through the recall day, inside the period), per agency and
  currency, rounded once with ``core.money`` (``Money.times``).

Every change is audited. Services never commit.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from arrears.core.accounts import AccountStatus, can_transition, transition
from arrears.core.aging import days_past_due
from arrears.core.money import Money, rate
from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.store.records import AccountRecord
from arrears.store.records.assignment import AgencyRecord, PlacementRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

PLACEABLE = tuple(s.value for s in AccountStatus if can_transition(s, AccountStatus.PLACED))
COLUMNS = (
    "placement_id", "placed_on", "client", "account_ref", "debtor_name", "debtor_kind",
    "language", "national_id", "phones", "emails", "address", "city", "region", "postal_code",
    "country", "jurisdiction", "currency", "placed_balance", "balance", "principal", "interest",
    "fees", "costs", "due_on", "days_past_due", "last_payment_on", "last_payment",
)  # fmt: skip
PHONES = ("mobile", "landline", "phone")
_CODE = r"[a-z0-9][a-z0-9._-]{1,63}"


def add_agency(
    *, uow: UnitOfWork, code: str, name: str, commission_rate: str, at: datetime, by: str
) -> AgencyRecord:
    """A new agency; ``commission_rate`` is a fraction as text (``"0.18"`` is 18 %)."""
    clean = code.strip().lower()
    if not re.fullmatch(_CODE, clean):
        raise InvalidInput(f"'{code}' is not an agency code (letters, digits, . _ -)")
    value = rate(commission_rate)
    if not Decimal(0) <= value <= Decimal(1):
        raise InvalidInput(f"commission rate {commission_rate} must be between 0 and 1 (0.18)")
    agency = uow.assignment.add_agency(code=clean, name=name.strip() or clean,
                                       commission_rate=str(value), active=True, created_at=at,
                                       updated_at=at)  # fmt: skip
    uow.audit.append(AuditEvent(at, by, "agency.added", "agency", str(agency.id),
                                after={"code": clean, "commission_rate": str(value)}))  # fmt: skip
    return agency


def agency(uow: UnitOfWork, code: str) -> AgencyRecord:
    found = uow.assignment.agency(code.strip().lower())
    if found is None:
        raise NotFound(f"no agency '{code}'")
    return found


def select_accounts(
    uow: UnitOfWork, *, client: str, as_of: date, segment: str | None = None,
    min_dpd: int | None = None, limit: int | None = None,
) -> list[int]:  # fmt: skip
    """Ids of the client's accounts that may be placed (segment, at least ``min_dpd`` late)."""
    record = uow.clients.get_by_code(client)
    if record is None:
        raise NotFound(f"no client '{client}'")
    due_before = as_of - timedelta(days=min_dpd) if min_dpd is not None else None
    return uow.assignment.placeable(client_id=record.id, statuses=PLACEABLE, segment=segment,
                                    due_before=due_before, limit=limit)  # fmt: skip


def place(
    *, uow: UnitOfWork, agency_code: str, account_ids: Sequence[int], at: datetime, by: str
) -> list[PlacementRecord]:
    """Place the accounts with the agency; IllegalTransition if one cannot be placed."""
    found = agency(uow, agency_code)
    if not found.active:
        raise Conflict(f"agency '{found.code}' is not active")
    return [_place_one(uow, found, uow.accounts.get(i), at, by) for i in dict.fromkeys(account_ids)]


def _place_one(
    uow: UnitOfWork, found: AgencyRecord, account: AccountRecord, at: datetime, by: str
) -> PlacementRecord:
    before = {"status": account.status, "assignee_id": account.assignee_id}
    account.status = transition(account.status, AccountStatus.PLACED).value
    placement = uow.assignment.add_placement(
        account_id=account.id, agency_id=found.id, client_id=account.client_id, status="placed",
        currency=account.currency, placed_minor=_balance(account),
        prior_status=before["status"], placed_at=at, placed_by=by,
    )  # fmt: skip
    current = uow.assignment.current(account.id)
    if current is not None or account.assignee_id is not None:
        # The agency works it now: the in-house ownership ends (the history keeps it).
        uow.assignment.hand_over([current.id] if current else [], [{
            "account_id": account.id, "team_id": None, "owner_id": None, "covering_id": None,
            "rule": None, "reason": f"placed with {found.code}", "pinned": False,
            "run_id": None, "started_at": at, "ended_at": None, "actor": by}], at)  # fmt: skip
        uow.session.refresh(account)
    account.updated_at = at
    uow.audit.append(AuditEvent(at, by, "account.placed", "account", str(account.id),
                                before=before,
                                after={"status": account.status, "agency": found.code,
                                       "placement_id": placement.id,
                                       "placed_minor": placement.placed_minor}))  # fmt: skip
    return placement


def _balance(account: AccountRecord) -> int:
    return (account.principal_minor + account.interest_minor + account.fees_minor
            + account.costs_minor)  # fmt: skip


def recall(
    *, uow: UnitOfWork, account_ids: Sequence[int], reason: str, at: datetime, by: str,
    resume: bool = True,
) -> list[PlacementRecord]:  # fmt: skip
    """End the open placements of these accounts; ``resume`` works them in-house again."""
    if not reason.strip():
        raise InvalidInput("a recall needs a reason")
    out = []
    for account_id in dict.fromkeys(account_ids):
        account = uow.accounts.get(account_id)
        placement = uow.assignment.open_placement(account.id)
        if placement is None:
            raise Conflict(f"account {account.account_ref} is not placed with an agency")
        before = {"status": account.status}
        if account.status == AccountStatus.PLACED:
            account.status = transition(account.status, AccountStatus.RECALLED).value
            if resume:
                account.status = transition(account.status, AccountStatus.ACTIVE).value
        placement.status, placement.recalled_at = "recalled", at
        placement.recalled_by, placement.recall_reason = by, reason.strip()
        account.updated_at = at
        uow.audit.append(AuditEvent(at, by, "account.recalled", "account", str(account.id),
                                    before=before,
                                    after={"status": account.status, "reason": reason.strip(),
                                           "placement_id": placement.id}))  # fmt: skip
        out.append(placement)
    return out


def export_rows(
    uow: UnitOfWork, *, agency_code: str, as_of: date, placement_ids: Sequence[int] | None = None
) -> list[dict[str, str]]:
    """One row per open placement of the agency, in the documented columns, as text."""
    found = agency(uow, agency_code)
    placements = uow.assignment.placements(agency_id=found.id, status="placed", ids=placement_ids)
    facts = uow.assignment.export_facts([p.account_id for p in placements])
    rows = []
    for placement in placements:
        account, debtor, client, points = facts[placement.account_id]
        money = _major(account.currency)
        rows.append({
            "placement_id": str(placement.id), "placed_on": placement.placed_at.date().isoformat(),
            "client": client, "account_ref": account.account_ref, "debtor_name": debtor.name,
            "debtor_kind": debtor.kind, "language": debtor.language or "",
            # Masked: the agency never needs the full id (PRODUCT F6).
            "national_id": f"****{debtor.national_id_last4}" if debtor.national_id_last4 else "",
            "phones": ";".join(p.value for p in points if p.kind in PHONES),
            "emails": ";".join(p.value for p in points if p.kind == "email"),
            "address": debtor.address or "", "city": debtor.city or "",
            "region": debtor.region or "", "postal_code": debtor.postal_code or "",
            "country": debtor.country or "", "jurisdiction": account.jurisdiction or "",
            "currency": account.currency, "placed_balance": money(placement.placed_minor),
            "balance": money(_balance(account)), "principal": money(account.principal_minor),
            "interest": money(account.interest_minor), "fees": money(account.fees_minor),
            "costs": money(account.costs_minor), "due_on": account.due_on.isoformat(),
            "days_past_due": str(days_past_due(account.due_on, as_of)),
            "last_payment_on": account.last_payment_on.isoformat()
            if account.last_payment_on else "",
            "last_payment": money(account.last_payment_minor)
            if account.last_payment_minor is not None else "",
        })  # fmt: skip
    return rows


def _major(currency: str) -> Callable[[int], str]:
    def convert(minor: int) -> str:
        return str(Money(minor, currency).to_major())

    return convert


def write_export(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """Write the rows as ``.csv`` (UTF-8 with a BOM, for spreadsheets) or ``.xlsx``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    elif suffix == ".xlsx":
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("placements")
        sheet.write_row(0, 0, COLUMNS)
        for index, row in enumerate(rows, start=1):
            # Text cells: references and amounts keep their exact digits.
            for column, name in enumerate(COLUMNS):
                sheet.write_string(index, column, row[name])
        workbook.close()
    else:
        raise InvalidInput(f"{path.name}: the export is a .csv or .xlsx file")
    return path


@dataclass(frozen=True)
class CommissionLine:
    agency: str
    currency: str
    rate: Decimal
    accounts: int
    payments: int
    collected_minor: int
    commission_minor: int


def commission(
    uow: UnitOfWork, *, first: date, last: date, agency_code: str | None = None
) -> list[CommissionLine]:
    """Commission per agency and currency for payments received ``first`` .. ``last``."""
    if last < first:
        raise InvalidInput(f"the period ends ({last}) before it starts ({first})")
    agencies = {a.id: a for a in uow.assignment.agencies()}
    wanted = agency(uow, agency_code).id if agency_code else None
    start = datetime.combine(first, time.min, tzinfo=UTC)
    overlapping = uow.assignment.placements_overlapping(start, _end_of(last))
    placements = [p for p in overlapping if wanted in (None, p.agency_id)]
    payments = uow.assignment.payments_between([p.account_id for p in placements], first, last)
    by_account: dict[int, list[tuple[date, int]]] = {}
    for payment in payments:
        sign = -1 if payment.kind == "reversal" else 1
        entry = (payment.paid_on, sign * payment.amount_minor)
        by_account.setdefault(payment.account_id, []).append(entry)
    totals: dict[tuple[int, str], list[int]] = {}
    for placement in placements:
        since = placement.placed_at.date()
        until = placement.recalled_at.date() if placement.recalled_at else last
        paid = by_account.get(placement.account_id, [])
        amounts = [m for day, m in paid if since <= day <= until]
        line = totals.setdefault((placement.agency_id, placement.currency), [0, 0, 0])
        line[0] += 1 if amounts else 0
        line[1] += len(amounts)
        line[2] += sum(amounts)
    return [_line(agencies[a], currency, n) for (a, currency), n in sorted(totals.items())]


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def _line(found: AgencyRecord, currency: str, numbers: list[int]) -> CommissionLine:
    value = rate(found.commission_rate)
    collected = numbers[2]
    owed = Money(collected, currency).times(value).minor if collected > 0 else 0
    return CommissionLine(found.code, currency, value, numbers[0], numbers[1], collected, owed)
