"""What a message needs to be written: the account, the debtor and the creditor.

One row per account, read for a batch of outbox rows at send time (not at plan
time: the balance in a message is the balance when it leaves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    DebtorRecord,
    InteractionRecord,
    PlannedActionRecord,
    PromiseRecord,
)


def message_details(session: Session, account_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """account id -> the facts templates may use (balances in minor units)."""
    a, d, c = AccountRecord, DebtorRecord, ClientRecord
    query = (
        select(
            a.id.label("account_id"), a.account_ref, a.currency, a.status, a.product,
            a.principal_minor, a.interest_minor, a.fees_minor, a.costs_minor, a.credit_minor,
            a.due_on, a.charged_off_on, a.last_payment_on, a.last_payment_minor, a.original_minor,
            func.coalesce(a.jurisdiction, d.jurisdiction, c.jurisdiction).label("jurisdiction"),
            d.id.label("debtor_id"), d.name.label("debtor_name"), d.kind.label("debtor_kind"),
            d.language, d.address, d.city, d.region, d.postal_code, d.country,
            c.id.label("client_id"), c.code.label("client_code"), c.name.label("client_name"),
            c.settings.label("client_settings"),
        )
        .join(d, d.id == a.debtor_id)
        .join(c, c.id == a.client_id)
        .where(a.id.in_(list(account_ids)))
    )  # fmt: skip
    details = {row.account_id: dict(row._mapping) for row in session.execute(query)}
    for account_id, amount, due_on in _latest_promises(session, list(details)):
        details[account_id]["promise_minor"] = amount
        details[account_id]["promise_on"] = due_on
    return details


def contacted_accounts(session: Session, account_ids: Sequence[int]) -> set[int]:
    """The accounts we have ever written to or called (any outbound interaction)."""
    i = InteractionRecord
    query = (
        select(i.account_id)
        .where(i.account_id.in_(list(account_ids)), i.direction == "out")
        .distinct()
    )
    return {int(a) for a in session.scalars(query) if a is not None}


def _latest_promises(session: Session, account_ids: Sequence[int]) -> list[Any]:
    p = PromiseRecord
    latest = (
        select(func.max(p.id))
        .where(p.account_id.in_(list(account_ids)))
        .group_by(p.account_id)
        .scalar_subquery()
    )
    query = select(p.account_id, p.amount_minor, p.due_on).where(p.id.in_(latest))
    return list(session.execute(query))


def planned_calls(session: Session, plan_date: Any) -> list[dict[str, Any]]:
    """The day's planned calls with what a dialler needs, best first."""
    p, a, d, c = PlannedActionRecord, AccountRecord, DebtorRecord, ClientRecord
    query = (
        select(
            p.id, p.account_id, a.account_ref, c.code.label("client_code"),
            d.name.label("debtor_name"), d.language, d.time_zones,
            func.coalesce(a.jurisdiction, d.jurisdiction, c.jurisdiction).label("jurisdiction"),
            p.contact_to, p.not_before, p.priority, p.template, p.strategy, p.step, p.reason,
            a.assignee_id,
        )
        .join(a, a.id == p.account_id)
        .join(d, d.id == p.debtor_id)
        .join(c, c.id == p.client_id)
        .where(p.plan_date == plan_date, p.status == "planned", p.channel == "call")
        .order_by(p.priority.desc(), p.id)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(query)]
