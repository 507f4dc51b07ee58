"""The debtor portal: links, verification attempts and sessions.

A *link* is what a message carries: the signed token names only the link's
opaque ``link_key``; the link row says which account and debtor it opens, when
it expires and whether it was revoked. Each identity check is an *attempt*
(never the values typed, only whether they matched), so failures can be
counted per debtor and the debtor locked out for a while. A *session* is a
browser that proved to be the debtor: the cookie holds a random secret of
which only the SHA-256 is stored, with the CSRF token its forms must echo.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId, IdPk


class PortalLinkRecord(Base):
    """A signed, expiring link to one account, issued for one debtor."""

    __tablename__ = "portal_links"
    __table_args__ = (Index("ix_portal_links_account", "account_id"),)

    id: Mapped[IdPk]
    link_key: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class PortalAttemptRecord(Base):
    """One identity check: whether it matched, never the values typed."""

    __tablename__ = "portal_attempts"
    __table_args__ = (Index("ix_portal_attempts_debtor_time", "debtor_id", "occurred_at"),)

    id: Mapped[IdPk]
    link_id: Mapped[int] = mapped_column(BigId, ForeignKey("portal_links.id"))
    debtor_id: Mapped[int] = mapped_column(BigId, ForeignKey("debtors.id"))
    occurred_at: Mapped[datetime]
    success: Mapped[bool] = mapped_column(Boolean)
    # A hash of the client address (rate limiting and investigation; not the address).
    client_hash: Mapped[str | None] = mapped_column(String(64))


class PortalSessionRecord(Base):
    """A browser on a link: anonymous until verified, then the debtor's."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_link", "link_id"),)

    id: Mapped[IdPk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    link_id: Mapped[int] = mapped_column(BigId, ForeignKey("portal_links.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    # The gateway's id of the checkout this session started last (for the return page).
    pending_intent: Mapped[str | None] = mapped_column(String(100))
    ended_at: Mapped[datetime | None]
