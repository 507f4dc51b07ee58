"""What the portal's pages show a verified debtor.

The home page itemises the balance (principal, interest, fees, costs, less any
credit), names the creditor, and — for a US consumer debt — repeats the
validation information of Reg F model form B-1 (12 CFR 1006.34(c)): the
itemization date and amount, interest, fees and payments since, the amount
now, and the dispute rights with the end of the validation period. Elsewhere
it states the right to dispute and where to do it. Account numbers are shown
masked; nothing is shown to an unverified visitor (the page handlers check).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from arrears.portal.i18n import N_
from arrears.portal.service import Verified
from arrears.store.uow import UnitOfWork

VALIDATION_TEMPLATE = "validation_notice"
# Reg F 1006.34(b)(5): 30 days after receipt; receipt assumed 5 business days after sending
# (1006.34(b)(5) safe harbour), taken here as 7 calendar days.
ASSUMED_DELIVERY = timedelta(days=7)
VALIDATION_PERIOD = timedelta(days=30)


@dataclass(frozen=True)
class Item:
    label: str  # a message id (translated by the page)
    minor: int


@dataclass(frozen=True)
class Validation:
    itemization_date: date
    itemization_minor: int
    interest_minor: int
    fees_minor: int
    payments_credits_minor: int
    balance_minor: int
    end_date: date | None


@dataclass(frozen=True)
class Overview:
    account_ref_masked: str
    creditor: str
    currency: str
    items: list[Item]
    credit_minor: int
    total_minor: int
    status: str
    holds: list[str]
    jurisdiction: str
    due_on: date | None
    validation: Validation | None
    debtor_name: str
    disputes_open: int = 0
    payments: list[tuple[date, int]] = field(default_factory=list)

    @property
    def us(self) -> bool:
        return self.jurisdiction.startswith("US")

    @property
    def on_hold(self) -> bool:
        return bool(self.holds)


def masked_ref(ref: str) -> str:
    tail = ref[-4:]
    return f"•••• {tail}" if len(ref) > 4 else tail


def balance_minor(who: Verified) -> int:
    a = who.account
    owed = a.principal_minor + a.interest_minor + a.fees_minor + a.costs_minor
    return max(0, owed - a.credit_minor)


def overview(uow: UnitOfWork, who: Verified) -> Overview:
    a = who.account
    items = [Item(N_("Principal"), a.principal_minor), Item(N_("Interest"), a.interest_minor),
             Item(N_("Fees"), a.fees_minor), Item(N_("Costs"), a.costs_minor)]  # fmt: skip
    jurisdiction = a.jurisdiction or who.debtor.jurisdiction or who.client.jurisdiction or ""
    payments = [(p.paid_on, p.amount_minor) for p in uow.payments.of_account(a.id)]
    disputes = [d for d in uow.disputes.of_account(a.id) if d.status == "open"]
    return Overview(
        account_ref_masked=masked_ref(a.account_ref), creditor=who.client.name,
        currency=a.currency, items=[i for i in items if i.minor or i.label == N_("Principal")],
        credit_minor=a.credit_minor, total_minor=balance_minor(who), status=a.status,
        holds=[str(h.get("kind")) for h in a.holds or []], jurisdiction=jurisdiction.upper(),
        due_on=a.due_on, validation=_validation(uow, who, payments) if
        jurisdiction.upper().startswith("US") else None,
        debtor_name=who.debtor.name, disputes_open=len(disputes), payments=payments,
    )  # fmt: skip


def _validation(uow: UnitOfWork, who: Verified, payments: list[tuple[date, int]]) -> Validation:
    """The B-1 itemization: as of charge-off (or the due date), and what changed since.

    The lines must add up (1006.34(c)(2)(vi)-(viii)): what was owed then, plus interest and
    fees, less payments and credits, is the amount now. Interest and fees on the account are
    taken as charged since the itemization date; payments and credits are what reconciles the
    original amount with today's balance (never less than the payments recorded since).
    """
    a = who.account
    as_of = a.charged_off_on or a.due_on
    now = balance_minor(who)
    fees = a.fees_minor + a.costs_minor
    start = a.original_minor if a.original_minor is not None else a.principal_minor
    recorded = sum(minor for day, minor in payments if day >= as_of) + a.credit_minor
    paid = max(start + a.interest_minor + fees - now, 0)
    if paid < recorded:  # the original amount is unknown or smaller: itemize from what is known
        paid = recorded
        start = now - a.interest_minor - fees + paid
    sent = [
        i.occurred_at.date()
        for i in uow.interactions.of_account(a.id)
        if i.template == VALIDATION_TEMPLATE and i.direction == "out"
    ]
    end = min(sent) + ASSUMED_DELIVERY + VALIDATION_PERIOD if sent else None
    return Validation(
        itemization_date=as_of, itemization_minor=start, interest_minor=a.interest_minor,
        fees_minor=fees, payments_credits_minor=paid, balance_minor=now, end_date=end,
    )  # fmt: skip
