"""The supervisor console's records: overrides, the items waiting for a decision, the audit trail.

Team scoping is a filter on the account's assignee's team (``team_ids``; None
means every team), applied in SQL so a supervisor's page never loads another
team's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, literal, select

from arrears.errors import NotFound
from arrears.store.records import (
    AccountRecord,
    AuditEventRecord,
    ClientRecord,
    OutboxRecord,
    PlannedActionRecord,
    UserRecord,
)
from arrears.store.records.resolution import SettlementRecord
from arrears.store.records.supervision import OverrideRecord
from arrears.store.repositories.base import Repository

Teams = Sequence[int] | None


@dataclass(frozen=True)
class AccountContext:
    """Who an item's account belongs to: for showing and for scoping."""

    account_ref: str
    client_code: str
    jurisdiction: str | None
    assignee: str | None
    team_id: int | None


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # a prefix: "settlement." matches every settlement event
    entity: str | None = None
    entity_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None  # exclusive


def _in_teams(column: Any, team_ids: Teams) -> Any:
    return literal(True) if team_ids is None else column.in_(list(team_ids))


class SupervisionRepository(Repository):
    def _context(self) -> Any:
        a, c, u = AccountRecord, ClientRecord, UserRecord
        # The client's jurisdiction: the one its resolution policy is chosen by.
        return (a.account_ref, c.code, c.jurisdiction, u.username, u.team_id)

    def _with_account(self, query: Any, account_id: Any, team_ids: Teams) -> Any:
        a, c, u = AccountRecord, ClientRecord, UserRecord
        return (
            query.join(a, a.id == account_id)
            .join(c, c.id == a.client_id)
            .outerjoin(u, u.id == a.assignee_id)
            .where(_in_teams(u.team_id, team_ids))
        )

    @staticmethod
    def _split(rows: Any) -> list[tuple[Any, AccountContext]]:
        return [(r[0], AccountContext(*r[1:])) for r in rows]

    # settlements ------------------------------------------------------------------------------

    def pending_settlements(
        self, team_ids: Teams, limit: int = 200
    ) -> list[tuple[SettlementRecord, AccountContext]]:
        s = SettlementRecord
        query = select(s, *self._context()).where(s.status == "pending_approval")
        query = self._with_account(query, s.account_id, team_ids).order_by(s.created_at, s.id)
        return self._split(self.session.execute(query.limit(limit)).all())

    def settlement_context(self, settlement_id: int) -> tuple[SettlementRecord, AccountContext]:
        s = SettlementRecord
        query = self._with_account(select(s, *self._context()), s.account_id, None)
        row = self.session.execute(query.where(s.id == settlement_id)).first()
        if row is None:
            raise NotFound(f"no settlement {settlement_id}")
        return row[0], AccountContext(*row[1:])

    # review items -----------------------------------------------------------------------------

    def review_actions(
        self, team_ids: Teams, since: date, limit: int = 200
    ) -> list[tuple[PlannedActionRecord, AccountContext]]:
        """Planned actions the plan held for review (status ``review``) from ``since`` on."""
        p = PlannedActionRecord
        query = select(p, *self._context()).where(p.status == "review", p.plan_date >= since)
        query = self._with_account(query, p.account_id, team_ids).order_by(p.plan_date, p.id)
        return self._split(self.session.execute(query.limit(limit)).all())

    def held_messages(
        self, team_ids: Teams, limit: int = 200
    ) -> list[tuple[OutboxRecord, AccountContext]]:
        """Outbox rows the dispatcher held for a REVIEW finding."""
        o = OutboxRecord
        query = select(o, *self._context()).where(o.status == "held")
        query = self._with_account(query, o.account_id, team_ids).order_by(o.updated_at, o.id)
        return self._split(self.session.execute(query.limit(limit)).all())

    def planned_action(self, action_id: int) -> PlannedActionRecord:
        record = self.session.get(PlannedActionRecord, action_id)
        if record is None:
            raise NotFound(f"no planned action {action_id}")
        return record

    def outbox_row(self, outbox_id: int) -> OutboxRecord:
        record = self.session.get(OutboxRecord, outbox_id)
        if record is None:
            raise NotFound(f"no outbox message {outbox_id}")
        return record

    # overrides --------------------------------------------------------------------------------

    def add_override(self, **values: Any) -> OverrideRecord:
        record = OverrideRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def overrides(
        self, team_ids: Teams, limit: int = 100, offset: int = 0
    ) -> list[tuple[OverrideRecord, AccountContext]]:
        o = OverrideRecord
        query = self._with_account(select(o, *self._context()), o.account_id, team_ids)
        query = query.order_by(o.decided_at.desc(), o.id.desc()).limit(limit).offset(offset)
        return self._split(self.session.execute(query).all())

    # the audit trail --------------------------------------------------------------------------

    def audit_page(
        self, where: AuditFilter, limit: int, offset: int, actors: Sequence[str] | None = None
    ) -> tuple[list[AuditEventRecord], int]:
        """One page of events, newest first, and how many match in all (``actors``: only
        events of these actors)."""
        e = AuditEventRecord
        conditions: list[Any] = []
        if actors is not None:
            conditions.append(e.actor.in_(list(actors)))
        if where.actor:
            conditions.append(e.actor == where.actor)
        if where.action:
            conditions.append(e.action.startswith(where.action, autoescape=True))
        if where.entity:
            conditions.append(e.entity == where.entity)
        if where.entity_id:
            conditions.append(e.entity_id == where.entity_id)
        if where.start is not None:
            conditions.append(e.occurred_at >= where.start)
        if where.end is not None:
            conditions.append(e.occurred_at < where.end)
        total = self.session.scalar(select(func.count(e.id)).where(*conditions)) or 0
        query = select(e).where(*conditions).order_by(e.id.desc()).limit(limit).offset(offset)
        return list(self.session.scalars(query)), int(total)
