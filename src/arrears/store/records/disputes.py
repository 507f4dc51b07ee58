"""Disputes and the documents debtors and collectors attach to an account.

A dispute is the debtor saying the debt (or part of it) is not owed, not theirs,
or wrong. Opening one puts a ``dispute`` hold on the account, which pauses
collection until the debt is verified (FDCPA §809(b), Reg F §1006.38(d)(2);
under CN rules an objection, CN-CC-01). Resolving it records the outcome:
``verified`` (collection may resume once the verification has been sent),
``upheld`` (the amount is not owed), ``corrected`` (the balance was wrong and is
adjusted) or ``withdrawn``.

A document is a file kept under the documents folder by its SHA-256, with the
name and type the uploader gave; the database row is what links it to the
account and says where it came from.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class DisputeRecord(Base):
    """One dispute of an account, from opening to its outcome."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_account", "account_id"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    client_id: Mapped[int] = mapped_column(BigId, ForeignKey("clients.id"))
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))  # portal | phone | letter | email | sms
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime]
    # The account status before the dispute, so a verified debt returns to where it was.
    prior_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None]
    details_json: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DocumentRecord(Base):
    """A file attached to an account: dispute evidence, a receipt, a letter."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_account", "account_id"),)

    id: Mapped[IdPk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    dispute_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("disputes.id"))
    kind: Mapped[str] = mapped_column(String(24))  # dispute_evidence | receipt | letter | other
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(100))  # who added it: portal, a user, the system
    created_at: Mapped[datetime]
