"""A client, a debtor who can be reached, and an account: the ground for arrangement scenarios."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from arrears.payments.policy import PolicyBook, ResolutionPolicy, load_policies
from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    PaymentRecord,
)
from arrears.store.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
TODAY = AT.date()
CLIENTS = {
    "cn-consumer": ("CN", "CNY", "zh-CN", "Asia/Shanghai"),
    "us-agency": ("US", "USD", "en-US", "America/Chicago"),
}


def policies() -> PolicyBook:
    return load_policies(ROOT / "config" / "resolution")


def policy_of(code: str) -> ResolutionPolicy:
    return policies().for_client(code, CLIENTS[code][0])


def seed(
    uow_factory: Callable[[], UnitOfWork], code: str = "us-agency", balance: int = 500_000,
    status: str = "active",
) -> int:  # fmt: skip
    """One account owing ``balance`` minor units; returns its id."""
    jurisdiction, currency, language, zone = CLIENTS[code]
    with uow_factory() as uow:
        s = uow.session
        client = ClientRecord(code=code, name=code, jurisdiction=jurisdiction, currency=currency,
                              settings={}, created_at=AT)  # fmt: skip
        s.add(client)
        s.flush()
        debtor = DebtorRecord(
            client_id=client.id,
            debtor_ref="D1",
            name="Dana Lee",
            name_key="dana lee",
            language=language,
            jurisdiction=jurisdiction,
            time_zones=[zone],
            risk_flags=[],
            created_at=AT,
            updated_at=AT,
        )
        s.add(debtor)
        s.flush()
        for kind, value in (("mobile", "+13125550100"), ("email", "dana@example.com"),
                            ("address", "1 Main St\nChicago IL 60601")):  # fmt: skip
            s.add(ContactPointRecord(debtor_id=debtor.id, kind=kind, value=value, time_zones=[],
                                     consents={}, opt_outs=[], first_seen_at=AT,
                                     last_seen_at=AT))  # fmt: skip
        account = AccountRecord(client_id=client.id, account_ref="A1", debtor_id=debtor.id,
                                currency=currency, principal_minor=balance, interest_minor=0,
                                fees_minor=0, costs_minor=0, credit_minor=0,
                                due_on=date(2026, 9, 1), status=status, holds=[], arms={},
                                created_at=AT, updated_at=AT)  # fmt: skip
        s.add(account)
        s.flush()
        uow.commit()
        return account.id


def pay(uow: UnitOfWork, account_id: int, amount: int, on: date, ref: str) -> PaymentRecord:
    account = uow.accounts.get(account_id)
    payment = PaymentInput(reference=ref, amount_minor=amount, currency=account.currency,
                           paid_on=on, method="transfer")  # fmt: skip
    at = datetime.combine(on, AT.timetz())
    return record_payment(uow=uow, account=account, payment=payment, at=at, actor="test")


def reverse(uow: UnitOfWork, account_id: int, ref: str, on: date) -> None:
    account = uow.accounts.get(account_id)
    original = uow.session.scalars(select(PaymentRecord).filter_by(reference=ref)).one()
    reversal = PaymentInput(reference=f"{ref}-R", amount_minor=original.amount_minor,
                            currency=account.currency, paid_on=on)  # fmt: skip
    reverse_payment(uow=uow, account=account, original=original, reversal=reversal,
                    at=datetime.combine(on, AT.timetz()), actor="test")  # fmt: skip


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


def at(n: int) -> datetime:
    return AT + timedelta(days=n)
