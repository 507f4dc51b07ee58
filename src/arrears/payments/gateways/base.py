"""The payment-gateway contract: start a checkout, read a payment, trust a webhook.

A *gateway* takes a debtor's money on our behalf (the sandbox gateway the
project ships, Stripe, a fake for tests). The intake service
(:mod:`arrears.payments.intake`) codes against :class:`PaymentGateway` only;
the registry (:mod:`arrears.payments.gateways.registry`) builds one from
configuration (DESIGN §4 rule 8).

- ``create_checkout`` asks the gateway for a hosted payment page for an amount
  and our ``reference`` (the gateway's idempotency key: asking twice with the
  same reference gives the same checkout). The debtor is sent to
  ``redirect_url`` and comes back to ``return_url``.
- ``fetch`` reads what the gateway knows about one checkout or payment.
- ``verify_webhook`` checks a webhook's signature (before the body is read) and
  its age (five minutes of tolerance against replays) and turns the body into
  a :class:`GatewayEvent`; a bad or stale signature is :class:`WebhookSignatureError`
  (HTTP 401), a signed but malformed body :class:`InvalidGatewayEvent` (422).

Adapters import nothing of the store, the services or the settings: settings
arrive through the constructor. They raise :class:`GatewayError` (HTTP 502)
when the gateway cannot be reached or refuses a request; its message never
contains a secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, get_args

from arrears.errors import ArrearsError, ConfigError, InvalidInput, InvalidSignature

EventKind = Literal["succeeded", "failed", "pending", "refunded", "chargeback", "ignored"]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)

CheckoutStatus = Literal["open", "pending", "succeeded", "failed", "refunded", "chargeback"]
CHECKOUT_STATUSES: tuple[str, ...] = get_args(CheckoutStatus)


class GatewayError(ArrearsError):
    """The gateway could not be reached or refused the request."""

    code = "gateway_error"
    http_status = 502


# The gateways' name for a bad webhook signature (one error type for every webhook).
WebhookSignatureError = InvalidSignature


class InvalidGatewayEvent(InvalidInput):
    """A correctly signed webhook whose body is not the documented JSON."""

    code = "invalid_webhook"


class GatewayConfigError(ConfigError):
    """A gateway configuration that cannot work; names the setting, never its value."""

    code = "gateway_config"

    def __init__(self, gateway: str, problem: str, setting: str | None = None) -> None:
        where = f"payment gateway '{gateway}'"
        if setting:
            where += f", setting '{setting}'"
        super().__init__(f"{where}: {problem}")
        self.gateway = gateway
        self.setting = setting


@dataclass(frozen=True, slots=True)
class Checkout:
    """A hosted payment page the debtor is sent to."""

    intent_id: str  # the gateway's id of the checkout
    redirect_url: str
    status: CheckoutStatus


@dataclass(frozen=True, slots=True)
class GatewayPayment:
    """What the gateway knows about one checkout or payment."""

    intent_id: str
    status: CheckoutStatus
    amount_minor: int
    currency: str
    reference: str | None
    payment_id: str | None = None  # the gateway's id of the payment, when it differs


@dataclass(frozen=True, slots=True)
class GatewayEvent:
    """One verified webhook: something happened to a payment at the gateway.

    ``id`` is the gateway's event id (the key of replay protection and
    idempotency); ``intent_id`` the gateway's id of the checkout or payment;
    ``reference`` ours, when the gateway echoes it. ``amount_minor`` is the
    amount the event is about (received, refunded, disputed).
    """

    id: str
    kind: EventKind
    intent_id: str
    amount_minor: int
    currency: str
    occurred_at: datetime
    reference: str | None = None
    detail: str | None = None  # e.g. a decline or dispute reason; never personal data


class PaymentGateway(Protocol):
    """One way of taking payments."""

    name: str  # registry name, also the webhook path: /webhooks/payments/<name>
    # Origins of the hosted payment page the debtor's browser is sent to (a page that
    # redirects there must allow them in its content security policy's form-action).
    checkout_origins: tuple[str, ...]

    def create_checkout(
        self,
        *,
        amount_minor: int,
        currency: str,
        reference: str,
        description: str,
        return_url: str,
        locale: str,
    ) -> Checkout: ...

    def fetch(self, intent_id: str) -> GatewayPayment: ...

    def verify_webhook(
        self, body: bytes, headers: Mapping[str, str], now: datetime
    ) -> GatewayEvent: ...


def origin_of(url: str) -> str:
    """``https://host:port`` of a URL."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name (plain dicts in tests, Starlette's in the app)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, found in headers.items():
        if key.lower() == lowered:
            return found
    return None
