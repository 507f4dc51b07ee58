"""End to end over real HTTP: our app and the sandbox gateway, each on its own port.

The debtor's checkout is started by the service, paid on the gateway's hosted
page; the gateway's signed webhook reaches ``/webhooks/payments/sandbox`` before
the browser is sent back, so the payment is on the account when the debtor returns.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from arrears.inbound.service import default_classifier
from arrears.payments.endpoints import PaymentsWeb
from arrears.sandbox.server import ServerThread
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.web.app import create_app
from tests.fixtures.gateway import GatewayServer, sandbox_gateway  # noqa: F401
from tests.payments.test_intake import AT, seed

pytestmark = pytest.mark.db


@pytest.fixture
def wired(uow_factory, sandbox_gateway: GatewayServer) -> Iterator[GatewayServer]:  # noqa: F811
    web = PaymentsWeb(gateways={"sandbox": sandbox_gateway.gateway})
    app = create_app(
        uow_factory, webhook_secret="x", classify=default_classifier, clock=lambda: AT, payments=web
    )
    with ServerThread(app) as server:
        sandbox_gateway.set_webhook(f"{server.url}/webhooks/payments/sandbox")
        yield sandbox_gateway


def start(uow_factory, gateway: GatewayServer, account_id: int, amount: int) -> str:
    from arrears.payments.intake import start_checkout

    with uow_factory() as uow:
        account = uow.session.get(AccountRecord, account_id)
        checkout = start_checkout(
            uow=uow,
            gateway=gateway.gateway,
            account=account,
            amount_minor=amount,
            purpose="payment",
            return_url="http://127.0.0.1:9/back",
            locale="en-US",
            at=AT,
            actor="portal",
        )
        uow.commit()
    return checkout.intent_id


def state(uow_factory, account_id: int) -> tuple[str, int, int]:
    with uow_factory() as uow:
        account = uow.session.get(AccountRecord, account_id)
        payments = len(uow.session.scalars(select(PaymentRecord)).all())
        return account.status, account.principal_minor, payments


def test_paid_on_the_hosted_page_then_refunded(uow_factory, wired):
    account_id = seed(uow_factory)
    intent = start(uow_factory, wired, account_id, 100_000)
    page = httpx.post(f"{wired.url}/pay/{intent}", data={"card": "4242 4242 4242 4242"})
    assert page.status_code == 303 and "status=succeeded" in page.headers["location"]
    assert wired.state.deliveries[-1]["status"] == 200
    assert state(uow_factory, account_id) == ("paid", 0, 1)
    wired.refund(intent)
    assert state(uow_factory, account_id) == ("active", 100_000, 2)


def test_pending_is_booked_when_it_settles_and_a_decline_never(uow_factory, wired):
    account_id = seed(uow_factory)
    intent = start(uow_factory, wired, account_id, 30_000)
    httpx.post(f"{wired.url}/pay/{intent}", data={"card": "4000 0000 0000 0077"})
    assert state(uow_factory, account_id) == ("active", 100_000, 0)
    wired.settle(intent)
    assert state(uow_factory, account_id) == ("active", 70_000, 1)
    declined = start(uow_factory, wired, account_id, 10_000)
    httpx.post(f"{wired.url}/pay/{declined}", data={"outcome": "failed"})
    assert state(uow_factory, account_id) == ("active", 70_000, 1)
