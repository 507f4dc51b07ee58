"""Outreach: the outbox, per-client channel configuration, inbound replies, promises.

The **outbox** is how a message leaves the system (DESIGN §4 rule 7). A planned
action on an automated channel (SMS, e-mail, letter) becomes an outbox row in
the same transaction that writes the plan; a dispatcher later claims due rows,
checks compliance again at the real send time, renders, sends and records an
interaction. ``dedup_key`` (built by :mod:`arrears.core.dedup`) is unique, is
handed to the provider as its idempotency key, and is the interaction's key
too: a row retried after a crash can never become two messages or two records.

Statuses: ``pending`` (waiting for ``not_before``), ``sending`` (claimed by a
worker until ``lease_until``; a row whose lease ran out is in doubt and is
retried with the same key), ``sent``, ``held`` (a person must review it),
``cancelled`` (compliance or a changed plan stopped it), ``dead`` (permanent
failure or retries exhausted, with the reason). Every attempt is a row of
``outbox_attempts``.

**Channel configuration** is data: for a client (or for every client when
``client_id`` is null) and a channel, which adapter and with which settings.
Secrets are not stored: settings name the environment variable that holds them.

**Inbound messages** are replies (SMS, e-mail) as received, with the debtor and
account they were matched to, the detected intent and what was done about it.
A reply below the confidence threshold waits in the review queue.

**Promises** to pay, taken from a reply, a call or the portal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk

OUTBOX_STATUSES = ("pending", "sending", "sent", "held", "cancelled", "dead")


class ChannelConfigRecord(Base):
    __tablename__ = "channel_configs"
    __table_args__ = (UniqueConstraint("client_id", "channel"),)

    id: Mapped[IdPk]
    client_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("clients.id"))
    channel: Mapped[str] = mapped_column(String(16))  # email | sms | letter
    adapter: Mapped[str] = mapped_column(String(32))  # registry name: smtp, http_sms, pdf, fake
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sender: Mapped[str | None] = mapped_column(String(200))  # From address / SMS sender id
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class OutboxRecord(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_plan", "plan_date", "partition"),
        Index("ix_outbox_account", "account_id"),
    )

    id: Mapped[IdPk]
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    plan_date: Mapped[date | None] = mapped_column(Date)
    partition: Mapped[int] = mapped_column(default=0)
    # debtor: a message to a debtor about a debt (re-judged by compliance at send time);
    # staff: a message to our own staff (a scheduled report), no debt and no person.
    kind: Mapped[str] = mapped_column(String(16), default="debtor", server_default="debtor")
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("clients.id"))
    channel: Mapped[str] = mapped_column(String(16))
    template: Mapped[str | None] = mapped_column(String(100))
    step: Mapped[str | None] = mapped_column(String(64))
    strategy: Mapped[str | None] = mapped_column(String(64))
    strategy_version: Mapped[str | None] = mapped_column(String(64))
    contact_to: Mapped[str] = mapped_column(String(500))
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]
    provider_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why the dispatcher held, moved or cancelled it: rules and citations.
    findings: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class OutboxAttemptRecord(Base):
    __tablename__ = "outbox_attempts"

    id: Mapped[IdPk]
    outbox_id: Mapped[int] = mapped_column(BigId, ForeignKey("outbox.id"), index=True)
    attempt: Mapped[int]
    worker: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    result: Mapped[str] = mapped_column(String(24))  # sent | temporary_failure | ... | moved
    provider_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)


class InboundMessageRecord(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id"),
        Index("ix_inbound_messages_status", "status", "received_at"),
    )

    id: Mapped[IdPk]
    channel: Mapped[str] = mapped_column(String(16))  # sms | email
    provider_id: Mapped[str] = mapped_column(String(200))  # the provider's id or Message-ID
    sender: Mapped[str] = mapped_column(String(500))
    recipient: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime]
    debtor_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("debtors.id"))
    account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("accounts.id"))
    contact_point_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("contact_points.id"))
    intent: Mapped[str | None] = mapped_column(String(24))
    confidence: Mapped[float | None] = mapped_column(Float)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    stated_date: Mapped[date | None] = mapped_column(Date)
    # applied | review | unmatched | reviewed
    status: Mapped[str] = mapped_column(String(16))
    actions: Mapped[list[Any]] = mapped_column(default=list)  # what was done, for the timeline
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None]


class PromiseRecord(Base):
    __tablename__ = "promises"
    __table_args__ = (Index("ix_promises_account", "account_id", "due_on"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    due_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    taken_by: Mapped[str] = mapped_column(String(100))  # a user, "inbound", "portal"
    source_id: Mapped[str | None] = mapped_column(String(64))  # e.g. inbound message id
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Evaluation (migration 0401, payments/promises.py): paid so far, the day it was kept or
    # failed, the grace it was given and the resolution policy it was taken under.
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    resolved_on: Mapped[date | None] = mapped_column(Date)
    grace_days: Mapped[int | None]
    policy_version: Mapped[str | None] = mapped_column(String(200))
