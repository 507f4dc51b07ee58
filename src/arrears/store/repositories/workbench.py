"""The workbench's writes: work locks ("being worked by") and the contact points it changes.

:meth:`WorkbenchRepository.claim` hands out one account of a candidate list
and locks it for a lease. Two collectors asking at once never get the same
account: on PostgreSQL the candidates were read ``FOR UPDATE SKIP LOCKED``
(:func:`arrears.store.queries.workbench.next_candidates`), and on every
backend the lock row's primary key refuses a second holder, so a race that
gets past the first guard loses on the insert and tries the next candidate
inside a savepoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from arrears.errors import NotFound
from arrears.store.records import ContactPointRecord
from arrears.store.records.workbench import WorkLockRecord
from arrears.store.repositories.base import Repository


class WorkbenchRepository(Repository):
    def claim(
        self, candidates: Sequence[int], *, user_id: int, at: datetime, until: datetime
    ) -> int | None:
        """Lock the first candidate nobody holds (expired locks are taken over); its id."""
        w = WorkLockRecord
        for account_id in candidates:
            self.session.execute(delete(w).where(w.account_id == account_id, w.expires_at <= at))
            try:
                with self.session.begin_nested():
                    self.session.add(w(account_id=account_id, user_id=user_id, taken_at=at,
                                       expires_at=until))  # fmt: skip
            except IntegrityError:
                continue
            return account_id
        return None

    def release(self, *, user_id: int, account_id: int | None = None) -> None:
        """End ``user_id``'s locks (one account's, or all of them)."""
        w = WorkLockRecord
        query = delete(w).where(w.user_id == user_id)
        if account_id is not None:
            query = query.where(w.account_id == account_id)
        self.session.execute(query)

    def lock_of(self, account_id: int, at: datetime) -> WorkLockRecord | None:
        w = WorkLockRecord
        query = select(w).where(w.account_id == account_id, w.expires_at > at)
        return self.session.scalars(query).first()

    def contact_points(self, debtor_id: int) -> list[ContactPointRecord]:
        cp = ContactPointRecord
        query = select(cp).where(cp.debtor_id == debtor_id).order_by(cp.preferred.desc(), cp.id)
        return list(self.session.scalars(query))

    def contact_point(self, debtor_id: int, point_id: int) -> ContactPointRecord:
        point = self.session.get(ContactPointRecord, point_id)
        if point is None or point.debtor_id != debtor_id:
            raise NotFound(f"no contact point {point_id} of this debtor")
        return point
