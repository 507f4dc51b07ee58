"""Accounts (debts), B2B invoices and payments.

Balances are integer minor units split by component (principal, interest,
fees, costs) so the payment waterfall can be applied and undone; a credit
holds overpayments. ``row_hash`` is the digest of the import row an account
was last loaded from, so an unchanged row is recognised without re-reading
every field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk, MinorUnits


class AccountRecord(Base):
    """One debt owed to a client."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("client_id", "account_ref"),
        Index("ix_accounts_debtor", "debtor_id"),
        Index("ix_accounts_client_status", "client_id", "status"),
        Index("ix_accounts_assignee_status", "assignee_id", "status"),
        Index("ix_accounts_ref", "account_ref", postgresql_ops={"account_ref": "text_pattern_ops"}),
    )

    id: Mapped[IdPk]
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    account_ref: Mapped[str] = mapped_column(String(100))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    product: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    principal_minor: Mapped[MinorUnits]
    interest_minor: Mapped[MinorUnits]
    fees_minor: Mapped[MinorUnits]
    costs_minor: Mapped[MinorUnits]
    credit_minor: Mapped[MinorUnits]
    original_minor: Mapped[int | None] = mapped_column(BigInteger)
    opened_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    charged_off_on: Mapped[date | None] = mapped_column(Date)
    last_payment_on: Mapped[date | None] = mapped_column(Date)
    last_payment_minor: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="active")
    holds: Mapped[list[Any]] = mapped_column(default=list)
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    strategy: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64))
    segment_since: Mapped[date | None] = mapped_column(Date)
    # Champion/challenger arms the account was assigned to: {experiment: arm}.
    arms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id"))
    source: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class InvoiceRecord(Base):
    """An open invoice of a B2B account; the account's balance is the sum of its invoices."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("account_id", "invoice_no"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    invoice_no: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[MinorUnits]
    open_minor: Mapped[MinorUnits]  # open principal of the invoice
    interest_minor: Mapped[MinorUnits]
    fees_minor: Mapped[MinorUnits]
    costs_minor: Mapped[MinorUnits]
    row_hash: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PaymentRecord(Base):
    """Money received (or a reversal of it), with how it was allocated."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("client_id", "reference"),
        Index("ix_payments_account", "account_id"),
    )

    id: Mapped[IdPk]
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    reference: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="payment")  # payment | reversal
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(32))
    # {"costs": n, "fees": n, "interest": n, "principal": n, "credit": n}
    allocation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("payments.id"))
    reversed_by_id: Mapped[int | None] = mapped_column(BigId)
    gateway_id: Mapped[str | None] = mapped_column(String(100))
    row_hash: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    created_at: Mapped[datetime]
