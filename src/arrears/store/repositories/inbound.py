"""Inbound replies: recording them once, finding whose they are, and their consequences.

Matching a reply: the sender's address (normalised number or e-mail) is looked
up among contact points; when several debtors share it (one person owing two
creditors is two debtors), the one we last wrote to at that address wins, and
the account is the one that message was about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update

from arrears.store.records import (
    AccountRecord,
    ContactPointRecord,
    DebtorRecord,
    InboundMessageRecord,
    InteractionRecord,
    PromiseRecord,
)
from arrears.store.records.parties import NOT_AN_ADDRESS
from arrears.store.repositories.base import Repository, dialect_insert


class InboundRepository(Repository):
    def add(self, **values: Any) -> tuple[InboundMessageRecord, bool]:
        """The stored message and whether it is new (a provider's retry returns the first)."""
        table = InboundMessageRecord.__table__
        statement = dialect_insert(self.dialect, table).on_conflict_do_nothing(
            index_elements=["channel", "provider_id"]
        )
        row = self.session.execute(statement.returning(table.c.id), [values]).first()
        m = InboundMessageRecord
        query = select(m).where(
            m.channel == values["channel"], m.provider_id == values["provider_id"]
        )
        return self.session.scalars(query).one(), row is not None

    def get(self, message_id: int) -> InboundMessageRecord | None:
        return self.session.get(InboundMessageRecord, message_id)

    def queue(self, status: str = "review", limit: int = 50) -> list[InboundMessageRecord]:
        m = InboundMessageRecord
        query = select(m).where(m.status == status).order_by(m.received_at).limit(limit)
        return list(self.session.scalars(query))

    def points_with_value(self, value: str) -> list[ContactPointRecord]:
        """The phones and e-mails with this value (an address is never a sender)."""
        p = ContactPointRecord
        query = select(p).where(p.value == value, text(f"contact_points.{NOT_AN_ADDRESS}"))
        return list(self.session.scalars(query.order_by(p.id)))

    def last_outbound(self, value: str, debtor_ids: Sequence[int]) -> InteractionRecord | None:
        """The latest message we sent to ``value`` for one of ``debtor_ids``."""
        i = InteractionRecord
        query = (
            select(i)
            .where(
                i.contact_value == value, i.direction == "out", i.debtor_id.in_(list(debtor_ids))
            )
            .order_by(i.occurred_at.desc(), i.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def main_account(self, debtor_id: int) -> AccountRecord | None:
        """The debtor's open account with the largest principal (when no message names one)."""
        a = AccountRecord
        query = (
            select(a)
            .where(a.debtor_id == debtor_id,
                   a.status.in_(("active", "promised", "in_plan", "disputed", "on_hold", "legal")))
            .order_by(a.principal_minor.desc(), a.id)
            .limit(1)
        )  # fmt: skip
        return self.session.scalars(query).first()

    def account(self, account_id: int) -> AccountRecord | None:
        return self.session.get(AccountRecord, account_id)

    def debtor(self, debtor_id: int) -> DebtorRecord | None:
        return self.session.get(DebtorRecord, debtor_id)

    def add_opt_out(self, value: str, channel: str, at: datetime, source: str) -> list[int]:
        """Record an opt-out of ``channel`` on every contact point with this address."""
        changed = []
        for point in self.points_with_value(value):
            if any(o.get("channel") == channel for o in point.opt_outs or []):
                continue
            entry = {"channel": channel, "at": at.isoformat(), "source": source}
            point.opt_outs = [*(point.opt_outs or []), entry]
            changed.append(point.id)
        return changed

    def mark_wrong_party(self, point_id: int) -> None:
        p = ContactPointRecord
        self.session.execute(update(p).where(p.id == point_id).values(wrong_party=True))

    def add_promise(self, **values: Any) -> PromiseRecord:
        promise = PromiseRecord(status="pending", **values)
        self.session.add(promise)
        self.session.flush()
        return promise

    def promises_of(self, account_id: int) -> list[PromiseRecord]:
        p = PromiseRecord
        return list(
            self.session.scalars(select(p).where(p.account_id == account_id).order_by(p.id))
        )
