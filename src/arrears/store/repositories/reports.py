"""Read models for reports: aggregated in SQL, bucketed by the caller.

The ageing report groups balances by client, currency, status and due date in
SQL. Bucketing by days past due is then done by the application on those few
thousand groups, so the report is exact and portable (no date arithmetic in
dialect-specific SQL) and cheap on millions of accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from arrears.store.records import AccountRecord, ClientRecord
from arrears.store.repositories.base import Repository


@dataclass(frozen=True, slots=True)
class DueDateGroup:
    client: str
    currency: str
    due_on: date
    accounts: int
    principal: int
    interest: int
    fees: int
    costs: int


class ReportQueries(Repository):
    def balances_by_due_date(
        self, *, client: str | None = None, statuses: tuple[str, ...] | None = None
    ) -> list[DueDateGroup]:
        a = AccountRecord
        query = (
            select(
                ClientRecord.code,
                a.currency,
                a.due_on,
                func.count(a.id),
                func.sum(a.principal_minor),
                func.sum(a.interest_minor),
                func.sum(a.fees_minor),
                func.sum(a.costs_minor),
            )
            .join(ClientRecord, ClientRecord.id == a.client_id)
            .group_by(ClientRecord.code, a.currency, a.due_on)
        )
        if client is not None:
            query = query.where(ClientRecord.code == client)
        if statuses is not None:
            query = query.where(a.status.in_(statuses))
        return [
            DueDateGroup(code, cur, due, int(n), int(p), int(i), int(f), int(c))
            for code, cur, due, n, p, i, f, c in self.session.execute(query)
        ]
