"""Portal fixtures: a seeded debtor and account, a link, and the web app around them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from arrears.portal.service import issue_link
from arrears.store.records import AccountRecord, ClientRecord, ContactPointRecord, DebtorRecord
from arrears.store.uow import UnitOfWork

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SECRET = b"portal-test-secret-0123456789abcdef"
BIRTH = date(1985, 3, 21)
ANSWERS = {"birth_date": "1985-03-21", "last_digits": "123X", "postal_code": "100020"}


@dataclass(frozen=True)
class Seeded:
    account_id: int
    debtor_id: int
    token: str
    link_id: int


def seed(
    uow_factory: Callable[[], UnitOfWork], *, language: str = "zh-CN", jurisdiction: str = "CN",
    currency: str = "CNY", ref: str = "CN-0001", days: int = 14, at: datetime = AT,
) -> Seeded:  # fmt: skip
    """One client, one debtor (birth date, id tail, postal code, three contacts), one account."""
    with uow_factory() as uow:
        s = uow.session
        client = s.query(ClientRecord).filter_by(code="acme").first()
        if client is None:
            client = ClientRecord(code="acme", name="Acme Consumer Finance",
                                  jurisdiction=jurisdiction, currency=currency, settings={},
                                  created_at=at)  # fmt: skip
            s.add(client)
            s.flush()
        debtor = DebtorRecord(
            client_id=client.id, debtor_ref=f"D-{ref}", name="王小明" if language == "zh-CN"
            else "Alex Doe", name_key=ref.lower(), national_id_last4="123X", birth_date=BIRTH,
            language=language, jurisdiction=jurisdiction, postal_code="100020",
            time_zones=["Asia/Shanghai" if jurisdiction == "CN" else "America/New_York"],
            risk_flags=[], created_at=at, updated_at=at,
        )  # fmt: skip
        s.add(debtor)
        s.flush()
        for kind, value in (("mobile", "+8613800138000"), ("email", "wang@example.com"),
                            ("address", "北京市朝阳区建国路 1 号")):  # fmt: skip
            s.add(ContactPointRecord(debtor_id=debtor.id, kind=kind, value=value, time_zones=[],
                                     consents={}, opt_outs=[], first_seen_at=at,
                                     last_seen_at=at))  # fmt: skip
        account = AccountRecord(
            client_id=client.id, account_ref=ref, debtor_id=debtor.id, currency=currency,
            principal_minor=1_000_000, interest_minor=25_000, fees_minor=5_000, costs_minor=0,
            credit_minor=0, original_minor=1_200_000, due_on=date(2026, 8, 1), status="active",
            holds=[], arms={}, jurisdiction=jurisdiction, created_at=at, updated_at=at,
        )  # fmt: skip
        s.add(account)
        s.flush()
        issued = issue_link(uow=uow, account=account, secret=SECRET, at=at, by="test", days=days)
        uow.commit()
        return Seeded(account.id, debtor.id, issued.token, issued.link.id)
