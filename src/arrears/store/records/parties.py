"""Creditors (clients), debtors, their contact points and observed facts.

Debtors belong to one client: the same person owing two creditors is two
debtors, because a creditor's data must never leak into another's file
(PRODUCT F6). Within a client the importer recognises the same person across
accounts and files.

Provenance: a contact point keeps where it came from (import, file ``source``
column, time) and a confidence. A *fact* is a value of a personal field
(name, birth date, national id) observed from a source; when a second source
disagrees with the debtor's current value, both are kept as facts and the
disagreement is flagged instead of overwriting.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class ClientRecord(Base):
    """A creditor whose portfolio we collect (lender, agency's client, company)."""

    __tablename__ = "clients"

    id: Mapped[IdPk]
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    currency: Mapped[str | None] = mapped_column(String(3))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class DebtorRecord(Base):
    """A person or company that owes one or more of a client's accounts."""

    __tablename__ = "debtors"
    __table_args__ = (
        UniqueConstraint("client_id", "debtor_ref"),
        Index("ix_debtors_client_national_id", "client_id", "national_id_index"),
        Index("ix_debtors_client_name_birth", "client_id", "name_key", "birth_date"),
        # Prefix search (LIKE 'x%') needs pattern operators on PostgreSQL.
        Index("ix_debtors_name_key", "name_key", postgresql_ops={"name_key": "text_pattern_ops"}),
    )

    id: Mapped[IdPk]
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    debtor_ref: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    # Encrypted (AES-GCM) and blind-indexed (HMAC): never stored in clear.
    national_id_enc: Mapped[str | None] = mapped_column(String(200))
    national_id_index: Mapped[str | None] = mapped_column(String(64))
    national_id_last4: Mapped[str | None] = mapped_column(String(4))
    birth_date: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(16), default="en-US")
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(64))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    time_zones: Mapped[list[Any]] = mapped_column(default=list)
    risk_flags: Mapped[list[Any]] = mapped_column(default=list)
    # Weekly local intervals the person said are inconvenient for contact:
    # [{"days": ["mon", ...], "from": "HH:MM", "to": "HH:MM", "until": "YYYY-MM-DD"|null}]
    # (Reg F 1006.6(b)(1)(i); the compliance engine reads them for every contact).
    inconvenient_times: Mapped[list[Any]] = mapped_column(default=list)
    has_conflicts: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# The condition of the contact-value index. A query that looks a value up says it in
# these words (not with a bound parameter), so that both databases use the index.
NOT_AN_ADDRESS = "kind <> 'address'"


class ContactPointRecord(Base):
    """A phone number, e-mail address or postal address of a debtor."""

    __tablename__ = "contact_points"
    __table_args__ = (
        UniqueConstraint("debtor_id", "kind", "value"),
        # Phones and e-mails are looked up by value (matching debtors, routing inbound
        # messages); addresses never are, and stay out of the index.
        Index(
            "ix_contact_points_value",
            "value",
            sqlite_where=text(NOT_AN_ADDRESS),
            postgresql_where=text(NOT_AN_ADDRESS),
        ),
    )

    id: Mapped[IdPk]
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    kind: Mapped[str] = mapped_column(String(16))  # mobile | landline | phone | email | address
    value: Mapped[str] = mapped_column(String(500))
    line_type: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(8))
    time_zones: Mapped[list[Any]] = mapped_column(default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Consent per purpose, e.g. {"automated_calls": {"given": true, "at": ..., "source": ...}}.
    consents: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Opt-outs by channel: [{"channel": "sms", "at": ISO instant, "source": ...}]. A STOP
    # reply adds one at once; the compliance engine blocks that channel to this address.
    opt_outs: Mapped[list[Any]] = mapped_column(default=list)
    # Set when someone answering on this point said it is not the debtor's.
    wrong_party: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[int] = mapped_column(default=50)  # 0-100, by source
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class DebtorFactRecord(Base):
    """A value of a personal field as one source reported it (kept side by side)."""

    __tablename__ = "debtor_facts"
    __table_args__ = (UniqueConstraint("debtor_id", "field", "value", "source"),)

    id: Mapped[IdPk]
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("imports.id"))
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    observed_at: Mapped[datetime]
