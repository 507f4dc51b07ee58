"""Payment intents, gateway webhook events, API keys and per-client gateway configuration.

A **payment intent** is one checkout started at a gateway for an account: the
gateway's id for it (unique per gateway), our ``reference`` (which becomes the
payment's reference when the money arrives, unique), the amount, what it pays
(the balance, a plan's instalment, a settlement) and where it stands:
``open`` → ``pending`` → ``succeeded`` | ``failed``; a succeeded intent can
later be ``refunded`` or ``chargeback``. ``provider_payment_id`` is the
gateway's id of the payment when it differs from the checkout's (Stripe:
the PaymentIntent ``pi_…`` of a Checkout Session ``cs_…``).

A **gateway event** is one verified webhook, stored under the gateway's event
id (unique per gateway): a webhook delivered twice is recognised and changes
nothing the second time. ``result`` says what it did.

An **API key** lets a client's system use the payments JSON API. Only the
SHA-256 of the key is stored (keys are 32 random bytes, so a fast hash is
enough); ``prefix`` is shown in listings to tell keys apart.

**Gateway configuration** says which gateway a client's debtors pay through
and with which settings (secrets by environment-variable name).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk

INTENT_STATUSES = ("open", "pending", "succeeded", "failed", "refunded", "chargeback")
PURPOSES = ("payment", "instalment", "settlement")


class PaymentIntentRecord(Base):
    __tablename__ = "payment_intents"
    __table_args__ = (
        UniqueConstraint("gateway", "intent_id"),
        Index("ix_payment_intents_account", "account_id"),
        Index("ix_payment_intents_provider_payment", "gateway", "provider_payment_id"),
    )

    id: Mapped[IdPk]
    gateway: Mapped[str] = mapped_column(String(32))
    intent_id: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    purpose: Mapped[str] = mapped_column(String(16), default="payment")
    plan_id: Mapped[int | None] = mapped_column(BigId)
    settlement_id: Mapped[int | None] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(16), default="open")
    provider_payment_id: Mapped[str | None] = mapped_column(String(200))
    payment_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class GatewayEventRecord(Base):
    __tablename__ = "gateway_events"
    __table_args__ = (UniqueConstraint("gateway", "event_id"),)

    id: Mapped[IdPk]
    gateway: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    intent_id: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime]
    result: Mapped[str] = mapped_column(String(32), default="received")


class ApiKeyRecord(Base):
    __tablename__ = "api_keys"

    id: Mapped[IdPk]
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class GatewayConfigRecord(Base):
    __tablename__ = "gateway_configs"
    __table_args__ = (UniqueConstraint("client_id"),)

    id: Mapped[IdPk]
    client_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("clients.id"))
    gateway: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]
