"""The audit trail as the console reads it: filters, pages, the hash chain checked on request.

Everyone with ``audit.read`` reads the trail; a supervisor sees the events of
their own team's people (and their own); compliance, legal and administrators
every event. Filters: who (``user:name``), an action prefix (``settlement.``), the
record (entity and id) and a date range; newest first, a page at a time.
:func:`verify_trail` walks the whole chain (``uow.audit.verify()``): the first
event whose hash does not match its content and its predecessor's hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from arrears.core.roles import Principal
from arrears.errors import InvalidInput
from arrears.store.queries import supervision as q
from arrears.store.records import AuditEventRecord
from arrears.store.repositories.supervision import AuditFilter
from arrears.store.uow import UnitOfWork
from arrears.workbench.supervision import demand, scope

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEventRecord]
    total: int
    page: int
    pages: int


def audit_trail(
    *, uow: UnitOfWork, me: Principal, where: AuditFilter, page: int = 1,
    per_page: int = PAGE_SIZE,
) -> AuditPage:  # fmt: skip
    """One page of the trail (newest first). A supervisor sees their team's people's events."""
    demand(me, "audit.read")
    if where.start and where.end and where.end <= where.start:
        raise InvalidInput("the date range ends before it starts")
    page = max(1, page)
    actors = None  # compliance, legal and administrators read every event
    if me.can("accounts.team") and not me.can("accounts.all"):
        actors = [f"user:{u}" for u in q.staff(uow.session, scope(me))["username"].to_list()]
        actors.append(me.actor)
    events, total = uow.supervision.audit_page(where, per_page, (page - 1) * per_page, actors)
    return AuditPage(events, total, page, max(1, -(-total // per_page)))


def verify_trail(*, uow: UnitOfWork, me: Principal) -> int | None:
    """The id of the first event whose hash does not match its content and chain, or None."""
    demand(me, "audit.read")
    return uow.audit.verify()
