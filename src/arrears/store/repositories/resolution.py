"""Promises, payment plans and their instalments, settlements and deferrals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, select

from arrears.errors import NotFound
from arrears.store.records import (
    ContactPointRecord,
    PaymentRecord,
    PromiseRecord,
)
from arrears.store.records.resolution import (
    DeferralRecord,
    PaymentPlanRecord,
    PlanInstalmentRecord,
    SettlementRecord,
)
from arrears.store.repositories.base import Repository

T = TypeVar("T")
OPEN_PLAN = ("active", "missed")
OPEN_SETTLEMENT = ("pending_approval", "accepted")
CHANNEL_OF = {"mobile": "sms", "email": "email", "address": "letter"}


class ResolutionRepository(Repository):
    """Queries flush first: the session does not autoflush, and the services change a
    promise or a plan and then ask which ones are still open in the same transaction."""

    def _all(self, query: Select[T]) -> list[T]:
        self.session.flush()
        return list(self.session.scalars(query))

    def _first(self, query: Select[T]) -> T | None:
        self.session.flush()
        return self.session.scalars(query).first()

    def counted_payments(self, account_id: int, since: date) -> list[tuple[date, int]]:
        """``(paid_on, amount)`` of the account's payments since ``since`` not reversed since."""
        p = PaymentRecord
        query = select(p.paid_on, p.amount_minor).where(
            p.account_id == account_id, p.kind == "payment", p.reversed_by_id.is_(None),
            p.paid_on >= since,
        ).order_by(p.paid_on, p.id)  # fmt: skip
        self.session.flush()
        return [(row[0], int(row[1])) for row in self.session.execute(query)]

    def reach(self, debtor_id: int) -> dict[str, str]:
        """Where to write to the debtor: ``{"sms": mobile, "email": .., "letter": address}``."""
        c = ContactPointRecord
        query = select(c.kind, c.value).where(
            c.debtor_id == debtor_id, c.kind.in_(tuple(CHANNEL_OF)),
            c.do_not_contact.is_(False), c.wrong_party.is_(False),
        ).order_by(c.preferred.desc(), c.id)  # fmt: skip
        found: dict[str, str] = {}
        for kind, value in self.session.execute(query):
            found.setdefault(CHANNEL_OF[kind], value)
        return found

    # promises
    def add_promise(self, **values: Any) -> PromiseRecord:
        record = PromiseRecord(status="pending", paid_minor=0, **values)
        self.session.add(record)
        self.session.flush()
        return record

    def promise(self, promise_id: int) -> PromiseRecord:
        record = self.session.get(PromiseRecord, promise_id)
        if record is None:
            raise NotFound(f"no promise {promise_id}")
        return record

    def promises(
        self, *, account_id: int | None = None, status: str | None = None, limit: int = 200
    ) -> list[PromiseRecord]:
        query = select(PromiseRecord).order_by(PromiseRecord.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(PromiseRecord.account_id == account_id)
        if status is not None:
            query = query.where(PromiseRecord.status == status)
        return self._all(query)

    def pending_promises(self, account_id: int | None = None) -> list[PromiseRecord]:
        """Pending promises (of one account), oldest first."""
        query = select(PromiseRecord).where(PromiseRecord.status == "pending")
        if account_id is not None:
            query = query.where(PromiseRecord.account_id == account_id)
        return self._all(query.order_by(PromiseRecord.id))

    def promises_since(self, account_id: int, since: date) -> list[PromiseRecord]:
        """Promises of the account kept or failed on or after ``since`` (a reversal may re-open)."""
        p = PromiseRecord
        query = select(p).where(
            p.account_id == account_id, p.status.in_(("kept", "partial")), p.resolved_on >= since
        )
        return self._all(query.order_by(p.id))

    # plans
    def add_plan(self, instalments: Sequence[dict[str, Any]], **values: Any) -> PaymentPlanRecord:
        plan = PaymentPlanRecord(**values)
        self.session.add(plan)
        self.session.flush()
        for row in instalments:
            self.session.add(PlanInstalmentRecord(plan_id=plan.id, **row))
        self.session.flush()
        return plan

    def plan(self, plan_id: int) -> PaymentPlanRecord:
        record = self.session.get(PaymentPlanRecord, plan_id)
        if record is None:
            raise NotFound(f"no payment plan {plan_id}")
        return record

    def instalments(self, plan_id: int) -> list[PlanInstalmentRecord]:
        i = PlanInstalmentRecord
        return self._all(select(i).where(i.plan_id == plan_id).order_by(i.number))

    def open_plan(self, account_id: int) -> PaymentPlanRecord | None:
        p = PaymentPlanRecord
        query = select(p).where(p.account_id == account_id, p.status.in_(OPEN_PLAN))
        return self._first(query.order_by(p.id.desc()))

    def plans(
        self, *, account_id: int | None = None, status: str | None = None, limit: int = 200
    ) -> list[PaymentPlanRecord]:
        query = select(PaymentPlanRecord).order_by(PaymentPlanRecord.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(PaymentPlanRecord.account_id == account_id)
        if status is not None:
            query = query.where(PaymentPlanRecord.status == status)
        return self._all(query)

    def open_plans(self) -> list[PaymentPlanRecord]:
        p = PaymentPlanRecord
        return self._all(select(p).where(p.status.in_(OPEN_PLAN)).order_by(p.id))

    # settlements
    def add_settlement(self, **values: Any) -> SettlementRecord:
        record = SettlementRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def settlement(self, settlement_id: int) -> SettlementRecord:
        record = self.session.get(SettlementRecord, settlement_id)
        if record is None:
            raise NotFound(f"no settlement {settlement_id}")
        return record

    def open_settlement(self, account_id: int) -> SettlementRecord | None:
        s = SettlementRecord
        query = select(s).where(s.account_id == account_id, s.status.in_(OPEN_SETTLEMENT))
        return self._first(query.order_by(s.id.desc()))

    def completed_settlement(self, account_id: int) -> SettlementRecord | None:
        s = SettlementRecord
        query = select(s).where(s.account_id == account_id, s.status == "completed")
        return self._first(query.order_by(s.id.desc()))

    def settlements(
        self, *, account_id: int | None = None, status: str | None = None, limit: int = 200
    ) -> list[SettlementRecord]:
        query = select(SettlementRecord).order_by(SettlementRecord.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(SettlementRecord.account_id == account_id)
        if status is not None:
            query = query.where(SettlementRecord.status == status)
        return self._all(query)

    def accepted_lump_sums_due_before(self, day: date) -> list[SettlementRecord]:
        """Accepted lump-sum settlements whose date passed before ``day`` unpaid."""
        s = SettlementRecord
        query = select(s).where(s.status == "accepted", s.form == "lump_sum", s.due_on < day)
        return self._all(query.order_by(s.id))

    # deferrals
    def add_deferral(self, **values: Any) -> DeferralRecord:
        record = DeferralRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def deferral(self, deferral_id: int) -> DeferralRecord:
        record = self.session.get(DeferralRecord, deferral_id)
        if record is None:
            raise NotFound(f"no deferral {deferral_id}")
        return record

    def active_deferral(self, account_id: int) -> DeferralRecord | None:
        d = DeferralRecord
        query = select(d).where(d.account_id == account_id, d.status == "active")
        return self._first(query)

    def deferrals_ending(self, as_of: date) -> list[DeferralRecord]:
        """Active deferrals whose last day is before ``as_of``."""
        d = DeferralRecord
        query = select(d).where(d.status == "active", d.ends_on < as_of).order_by(d.id)
        return self._all(query)

    def deferrals(
        self, *, account_id: int | None = None, status: str | None = None, limit: int = 200
    ) -> list[DeferralRecord]:
        query = select(DeferralRecord).order_by(DeferralRecord.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(DeferralRecord.account_id == account_id)
        if status is not None:
            query = query.where(DeferralRecord.status == status)
        return self._all(query)
