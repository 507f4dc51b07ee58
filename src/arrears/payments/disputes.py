"""Disputes: the debtor says the debt is not owed, not theirs, or wrong.

Opening a dispute stops collection on the account at once: a ``dispute`` hold
goes on the account (the compliance engine blocks every collection contact on
it, rule US-DISP-01 under Reg F §1006.38(d)(2) and FDCPA §809(b); CN-CC-01 for
an objection in China) and the status moves to ``disputed``. Evidence the
debtor uploads is kept as documents (see :mod:`arrears.payments.documents`).
A ``dispute_review`` task asks the compliance team to verify.

Resolving it records one of four outcomes:

* ``verified`` — the debt is owed as stated. For a US debt the verification
  must have been sent to the debtor first (§1006.38(d)(2)(i)): the caller
  gives the date it was sent, or the resolution is refused.
* ``corrected`` — the debt is owed but the balance was wrong; the correction
  is made separately (an adjustment import) and collection resumes.
* ``upheld`` — the amount is not owed: the account is written off.
* ``withdrawn`` — the debtor withdrew the dispute.

Every step is an interaction on the account's timeline and an audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from arrears.core.accounts import AccountStatus, can_transition
from arrears.core.dedup import event_key
from arrears.errors import N_, Conflict, InvalidInput
from arrears.payments.documents import DocumentInput, store_document
from arrears.store.records import AccountRecord
from arrears.store.records.disputes import DisputeRecord
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork

REASONS = ("not_mine", "already_paid", "wrong_amount", "identity_theft", "other")
OUTCOMES = ("verified", "corrected", "upheld", "withdrawn")
MAX_DETAILS = 2000
MAX_DOCUMENTS = 5


@dataclass(frozen=True)
class DisputeOpened:
    dispute: DisputeRecord
    documents: list[int]


def open_dispute(
    *,
    uow: UnitOfWork,
    account: AccountRecord,
    reason: str,
    details: str | None,
    channel: str,
    by: str,
    at: datetime,
    documents_root: Path | None = None,
    documents: Sequence[DocumentInput] = (),
) -> DisputeOpened:
    """Record a dispute, put the account on a dispute hold and keep the evidence.

    ``documents_root`` is where uploads are kept; needed only when there are documents.
    """
    _check_opening(uow, account, reason, details, documents)
    if documents and documents_root is None:
        raise ValueError("documents need a documents_root to be kept in")
    before = {"status": account.status, "holds": list(account.holds or [])}
    dispute = uow.disputes.add(
        account_id=account.id, debtor_id=account.debtor_id, client_id=account.client_id,
        reason=reason, details=(details or "").strip() or None, channel=channel, opened_by=by,
        opened_at=at, prior_status=account.status, status="open", details_json={},
    )  # fmt: skip
    kept = [] if documents_root is None else [
        store_document(uow=uow, root=documents_root, account=account, kind="dispute_evidence",
                       upload=doc, source=by, at=at, dispute_id=dispute.id).id
        for doc in documents
    ]  # fmt: skip
    _add_hold(account, dispute, at)
    account.updated_at = at
    uow.tasks.add(
        kind="dispute_review", client_id=account.client_id, account_id=account.id,
        debtor_id=account.debtor_id, title=f"Verify disputed account {account.account_ref}",
        details={"dispute_id": dispute.id, "reason": reason, "documents": kept},
        role="compliance", due_at=None, dedup_key=f"dispute:{dispute.id}", created_by=by,
        created_at=at,
    )  # fmt: skip
    _timeline(uow, account, dispute, "dispute_opened", channel, "in", at, {"documents": kept})
    _audit(uow, account, "dispute.opened", before, by, at, dispute)
    return DisputeOpened(dispute, kept)


def resolve_dispute(
    *,
    uow: UnitOfWork,
    dispute_id: int,
    outcome: str,
    by: str,
    at: datetime,
    note: str | None = None,
    verification_sent_on: date | None = None,
) -> DisputeRecord:
    """Close a dispute with its outcome, lift the hold and move the account on."""
    dispute = uow.disputes.get(dispute_id)
    if dispute.status != "open":
        raise Conflict(f"dispute {dispute_id} is already {dispute.status}")
    if outcome not in OUTCOMES:
        raise InvalidInput(f"outcome '{outcome}' is not one of {', '.join(OUTCOMES)}")
    account = uow.accounts.get(dispute.account_id)
    _check_verification(account, outcome, verification_sent_on)
    before = {"status": account.status, "holds": list(account.holds or [])}
    dispute.status, dispute.resolved_by, dispute.resolved_at = outcome, by, at
    dispute.outcome_note = note
    if verification_sent_on is not None:
        sent = {"verification_sent_on": verification_sent_on.isoformat()}
        dispute.details_json = {**dispute.details_json, **sent}
    _lift_hold(account, dispute)
    _move_after(account, dispute, outcome)
    account.updated_at = at
    for task in uow.tasks.listing(kind="dispute_review", account_id=account.id):
        if task.dedup_key == f"dispute:{dispute.id}":
            uow.tasks.close(task.id, by=by, at=at, outcome=outcome)
    _timeline(uow, account, dispute, f"dispute_{outcome}", "system", "out", at, {"note": note})
    _audit(uow, account, "dispute.resolved", before, by, at, dispute)
    return dispute


def _check_opening(
    uow: UnitOfWork, account: AccountRecord, reason: str, details: str | None,
    documents: Sequence[DocumentInput],
) -> None:  # fmt: skip
    if reason not in REASONS:
        raise InvalidInput(f"reason '{reason}' is not one of {', '.join(REASONS)}")
    if details is not None and len(details) > MAX_DETAILS:
        raise InvalidInput(
            N_("details: at most %(most)s characters (%(given)s given)"),
            most=MAX_DETAILS,
            given=len(details),
        )
    if len(documents) > MAX_DOCUMENTS:
        raise InvalidInput(f"at most {MAX_DOCUMENTS} documents per dispute ({len(documents)})")
    if any(d.status == "open" for d in uow.disputes.of_account(account.id)):
        raise Conflict(N_("account %(ref)s already has an open dispute"), ref=account.account_ref)


def _check_verification(account: AccountRecord, outcome: str, sent_on: date | None) -> None:
    """Reg F §1006.38(d)(2)(i): a US debt resumes collection only after verification is sent."""
    us = (account.jurisdiction or "").upper().startswith("US")
    if outcome == "verified" and us and sent_on is None:
        raise InvalidInput(
            "a US dispute is verified only once the verification has been sent to the debtor "
            "(12 CFR 1006.38(d)(2)(i)): give the date it was sent"
        )


def _add_hold(account: AccountRecord, dispute: DisputeRecord, at: datetime) -> None:
    hold = {"kind": "dispute", "since": at.isoformat(), "source": f"dispute:{dispute.id}"}
    account.holds = [*(account.holds or []), hold]
    if can_transition(account.status, AccountStatus.DISPUTED):
        account.status = AccountStatus.DISPUTED.value


def _lift_hold(account: AccountRecord, dispute: DisputeRecord) -> None:
    source = f"dispute:{dispute.id}"
    account.holds = [h for h in account.holds or [] if h.get("source") != source]


def _move_after(account: AccountRecord, dispute: DisputeRecord, outcome: str) -> None:
    """Where the account goes: written off when upheld, else back where it was."""
    if account.status != AccountStatus.DISPUTED.value:
        return  # it was moved meanwhile (paid, legal): leave it there
    if any(h.get("kind") == "dispute" for h in account.holds or []):
        return  # another dispute hold remains
    if outcome == "upheld":
        target = AccountStatus.WRITTEN_OFF.value
    elif can_transition(AccountStatus.DISPUTED, dispute.prior_status):
        target = dispute.prior_status
    else:
        target = AccountStatus.ACTIVE.value
    account.status = target


def _timeline(
    uow: UnitOfWork, account: AccountRecord, dispute: DisputeRecord, outcome: str,
    channel: str, direction: str, at: datetime, extra: dict[str, Any],
) -> None:  # fmt: skip
    uow.interactions.add_unique([{
        "account_id": account.id, "debtor_id": account.debtor_id, "channel": channel,
        "direction": direction, "occurred_at": at, "contact_value": None, "outcome": outcome,
        "notes": dispute.details if outcome == "dispute_opened" else dispute.outcome_note,
        "template": None, "dedup_key": event_key("dispute", str(dispute.id), outcome)[:200],
        "status": dispute.status,
        "details": {"dispute_id": dispute.id, "reason": dispute.reason, **extra},
    }])  # fmt: skip


def _audit(
    uow: UnitOfWork, account: AccountRecord, action: str, before: dict[str, Any], by: str,
    at: datetime, dispute: DisputeRecord,
) -> None:  # fmt: skip
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=by, action=action, entity="account", entity_id=str(account.id),
        before=before,
        after={"status": account.status, "holds": list(account.holds or []),
               "dispute_id": dispute.id, "dispute_status": dispute.status},
    ))  # fmt: skip
