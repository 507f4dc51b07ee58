"""Gateway payments: checkout, webhooks applied once, reversals, overpayments (both backends)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from arrears.errors import Conflict, InvalidInput
from arrears.payments.gateways.fake import FakeGateway
from arrears.payments.intake import apply_event, start_checkout
from arrears.payments.service import PaymentInput, record_payment
from arrears.store.records import (
    AccountRecord,
    AuditEventRecord,
    ClientRecord,
    DebtorRecord,
    InteractionRecord,
    PaymentRecord,
    TaskRecord,
)
from arrears.store.records.gateway import GatewayEventRecord, PaymentIntentRecord
from arrears.store.uow import UnitOfWork

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
Factory = Callable[[], UnitOfWork]


def seed(
    uow_factory: Factory, *, principal: int = 100_000, code: str = "xh", ref: str = "A1"
) -> int:
    """A client, a debtor and one active CNY account owing ``principal``; the account id."""
    with uow_factory() as uow:
        s = uow.session
        client = uow.clients.get_by_code(code)
        if client is None:
            client = ClientRecord(
                code=code,
                name=f"Client {code}",
                jurisdiction="CN",
                currency="CNY",
                settings={},
                created_at=AT,
            )
            s.add(client)
            s.flush()
        debtor = DebtorRecord(
            client_id=client.id,
            debtor_ref=f"D-{ref}",
            name="张伟",
            name_key="张伟",
            language="zh-CN",
            jurisdiction="CN",
            time_zones=["Asia/Shanghai"],
            risk_flags=[],
            created_at=AT,
            updated_at=AT,
        )
        s.add(debtor)
        s.flush()
        account = AccountRecord(
            client_id=client.id,
            account_ref=ref,
            debtor_id=debtor.id,
            currency="CNY",
            principal_minor=principal,
            interest_minor=0,
            fees_minor=0,
            costs_minor=0,
            credit_minor=0,
            due_on=date(2026, 10, 1),
            status="active",
            holds=[],
            arms={},
            created_at=AT,
            updated_at=AT,
        )
        s.add(account)
        s.flush()
        uow.commit()
        return account.id


def checkout(uow_factory: Factory, fake: FakeGateway, account_id: int, amount: int) -> str:
    with uow_factory() as uow:
        account = uow.session.get(AccountRecord, account_id)
        assert account is not None
        result = start_checkout(
            uow=uow,
            gateway=fake,
            account=account,
            amount_minor=amount,
            purpose="payment",
            return_url="http://x/r",
            locale="zh-CN",
            at=AT,
            actor="portal",
        )
        uow.commit()
    return result.intent_id


def deliver(uow_factory: Factory, fake: FakeGateway, intent: str, kind: str, **options):
    event = fake.event(intent, kind, **options)
    with uow_factory() as uow:
        result = apply_event(uow=uow, gateway_name="fake", event=event, at=AT, actor="gateway:fake")
        uow.commit()
    return result


def rows(uow_factory: Factory, record: type, **where: object) -> list:
    with uow_factory() as uow:
        query = select(record).filter_by(**where).order_by(record.id)
        found = list(uow.session.scalars(query))
        uow.session.expunge_all()
        return found


def account(uow_factory: Factory, account_id: int) -> AccountRecord:
    (found,) = rows(uow_factory, AccountRecord, id=account_id)
    return found


@pytest.fixture
def fake() -> FakeGateway:
    return FakeGateway()


class TestStartCheckout:
    def test_an_intent_is_recorded_and_audited(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        (row,) = rows(uow_factory, PaymentIntentRecord)
        assert (row.intent_id, row.gateway, row.status, row.amount_minor) == (
            intent,
            "fake",
            "open",
            40_000,
        )
        assert row.reference.startswith("GW-") and fake.checkouts[intent].reference == row.reference
        assert fake.checkouts[intent].description == "Account A1"  # no personal data
        assert rows(uow_factory, AuditEventRecord, action="payment_intent.created")

    @pytest.mark.parametrize("amount", [0, -5, 100_001])
    def test_an_amount_outside_what_is_owed_is_refused(self, uow_factory, fake, amount):
        account_id = seed(uow_factory)
        with pytest.raises(InvalidInput):
            checkout(uow_factory, fake, account_id, amount)
        assert not fake.checkouts and not rows(uow_factory, PaymentIntentRecord)

    def test_a_paid_account_takes_no_checkout(self, uow_factory, fake):
        account_id = seed(uow_factory, principal=0)
        with pytest.raises(Conflict, match="nothing is owed"):
            checkout(uow_factory, fake, account_id, 100)


class TestEvents:
    def test_success_allocates_the_payment_and_lands_on_the_timeline(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        result = deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1")
        assert (result.result, result.duplicate) == ("paid", False)
        assert account(uow_factory, account_id).principal_minor == 60_000
        (payment,) = rows(uow_factory, PaymentRecord)
        (row,) = rows(uow_factory, PaymentIntentRecord)
        assert (payment.reference, payment.gateway_id, payment.method) == (
            row.reference,
            intent,
            "gateway:fake",
        )
        assert (row.status, row.payment_id) == ("succeeded", payment.id)
        (seen,) = rows(uow_factory, InteractionRecord, channel="payment")
        assert (seen.account_id, seen.status, seen.direction) == (account_id, "paid", "in")
        assert rows(uow_factory, AuditEventRecord, action="payment.recorded")
        assert rows(uow_factory, AuditEventRecord, action="payment_intent.succeeded")

    def test_paying_everything_marks_the_account_paid(self, uow_factory, fake):
        account_id = seed(uow_factory)
        deliver(uow_factory, fake, checkout(uow_factory, fake, account_id, 100_000), "succeeded")
        assert account(uow_factory, account_id).status == "paid"

    def test_a_failure_records_no_payment(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        assert deliver(uow_factory, fake, intent, "failed", detail="card_declined").result == (
            "failed"
        )
        assert not rows(uow_factory, PaymentRecord)
        assert rows(uow_factory, PaymentIntentRecord)[0].status == "failed"
        assert account(uow_factory, account_id).principal_minor == 100_000

    def test_pending_then_success(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        assert deliver(uow_factory, fake, intent, "pending").result == "pending"
        assert rows(uow_factory, PaymentIntentRecord)[0].status == "pending"
        assert not rows(uow_factory, PaymentRecord)
        assert deliver(uow_factory, fake, intent, "succeeded").result == "paid"
        assert len(rows(uow_factory, PaymentRecord)) == 1

    def test_a_duplicate_webhook_changes_nothing(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1")
        again = deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1")
        assert (again.result, again.duplicate) == ("paid", True)
        assert len(rows(uow_factory, PaymentRecord)) == 1
        assert len(rows(uow_factory, GatewayEventRecord)) == 1
        assert len(rows(uow_factory, InteractionRecord, channel="payment")) == 1
        assert account(uow_factory, account_id).principal_minor == 60_000

    def test_two_success_events_for_one_intent_pay_once(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1")
        assert deliver(uow_factory, fake, intent, "succeeded", event_id="evt_2").result == (
            "already_paid"
        )
        assert deliver(uow_factory, fake, intent, "failed", event_id="evt_3").result == (
            "already_paid"
        )
        assert len(rows(uow_factory, PaymentRecord)) == 1
        assert rows(uow_factory, PaymentIntentRecord)[0].status == "succeeded"

    @pytest.mark.parametrize("kind", ["refunded", "chargeback"])
    def test_a_refund_or_chargeback_reopens_a_paid_account(self, uow_factory, fake, kind):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 100_000)
        deliver(uow_factory, fake, intent, "succeeded")
        assert account(uow_factory, account_id).status == "paid"
        assert deliver(uow_factory, fake, intent, kind).result == kind
        after = account(uow_factory, account_id)
        assert (after.status, after.principal_minor) == ("active", 100_000)
        payment, reversal = rows(uow_factory, PaymentRecord)
        assert (reversal.kind, reversal.reverses_id, payment.reversed_by_id) == (
            "reversal",
            payment.id,
            reversal.id,
        )
        assert rows(uow_factory, PaymentIntentRecord)[0].status == kind
        assert rows(uow_factory, AuditEventRecord, action="payment.reversed")
        assert deliver(uow_factory, fake, intent, kind).result == "already_reversed"

    def test_a_partial_refund_asks_a_person(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        deliver(uow_factory, fake, intent, "succeeded")
        result = deliver(uow_factory, fake, intent, "refunded", amount_minor=10_000)
        assert result.result == "partial_refunded_review"
        (task,) = rows(uow_factory, TaskRecord, kind="review")
        assert task.account_id == account_id
        assert len(rows(uow_factory, PaymentRecord)) == 1

    def test_a_refund_of_an_unpaid_intent_changes_nothing(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        assert deliver(uow_factory, fake, intent, "chargeback").result == "not_paid"
        assert not rows(uow_factory, PaymentRecord)

    def test_an_overpayment_becomes_a_credit_with_one_refund_task(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 100_000)
        with uow_factory() as uow:  # meanwhile a bank transfer pays 30,000 of it
            record = uow.session.get(AccountRecord, account_id)
            assert record is not None
            record_payment(
                uow=uow,
                account=record,
                at=AT,
                actor="import",
                payment=PaymentInput("BANK-1", 30_000, "CNY", date(2026, 11, 19)),
            )
            uow.commit()
        assert deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1").result == (
            "paid_with_credit"
        )
        deliver(uow_factory, fake, intent, "succeeded", event_id="evt_1")
        after = account(uow_factory, account_id)
        assert (after.principal_minor, after.credit_minor, after.status) == (0, 30_000, "paid")
        (task,) = rows(uow_factory, TaskRecord, kind="refund")
        assert (task.role, task.details["credit_minor"], task.account_id) == (
            "supervisor",
            30_000,
            account_id,
        )

    def test_an_event_for_an_unknown_intent_is_recorded_and_ignored(self, uow_factory, fake):
        seed(uow_factory)
        fake.create_checkout(
            amount_minor=100,
            currency="CNY",
            reference="ELSEWHERE",
            description="x",
            return_url="http://x",
            locale="en-US",
        )
        (intent,) = fake.checkouts
        assert deliver(uow_factory, fake, intent, "succeeded").result == "unknown_intent"
        assert not rows(uow_factory, PaymentRecord)
        assert rows(uow_factory, GatewayEventRecord)[0].result == "unknown_intent"

    def test_a_payment_in_another_currency_is_not_booked(self, uow_factory, fake):
        account_id = seed(uow_factory)
        intent = checkout(uow_factory, fake, account_id, 40_000)
        fake.checkouts[intent].currency = "USD"
        assert deliver(uow_factory, fake, intent, "succeeded").result == "currency_mismatch"
        assert not rows(uow_factory, PaymentRecord)
        assert rows(uow_factory, TaskRecord, kind="review")
