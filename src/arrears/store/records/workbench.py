"""The workbench's own table: which account a collector is working right now.

"Next account" hands each collector a different account: the one it hands out
is locked for a short lease (``expires_at``) so a second collector pressing
"next" at the same moment gets the one after. Recording an outcome, or taking
the next account, ends the lock; an abandoned lock simply expires.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from arrears.store.base import Base, BigId


class WorkLockRecord(Base):
    __tablename__ = "work_locks"
    __table_args__ = (Index("ix_work_locks_user", "user_id"),)

    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("accounts.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))
    taken_at: Mapped[datetime]
    expires_at: Mapped[datetime]
