"""Assignment and placements: profiles, absences, ownership history, agencies, placements.

The rule run reads every open account in one streamed query and writes only
what changed, in bulk (close the old ownership rows, insert the new ones,
mirror the owner on ``accounts.assignee_id``), so a million accounts cost a few
statements, not a million round trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, func, insert, or_, select, update

from arrears.errors import Conflict, NotFound
from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    PaymentRecord,
    TeamRecord,
    UserRecord,
)
from arrears.store.records.assignment import (
    AbsenceRecord,
    AccountOwnerRecord,
    AgencyRecord,
    AssignmentRunRecord,
    CollectorProfileRecord,
    PlacementRecord,
)
from arrears.store.repositories.base import Repository, chunked

BULK = 5_000


class OpenAccount(NamedTuple):
    """One row of the run's input: the account's facts and its current ownership row."""

    id: int
    client: str
    segment: str | None
    language: str | None
    jurisdiction: str | None
    balance_minor: int
    assignee_id: int | None
    owner_row_id: int | None
    covering_id: int | None
    team_id: int | None
    pinned: bool


@dataclass(frozen=True, slots=True)
class StaffMember:
    user: UserRecord
    team: str | None
    profile: CollectorProfileRecord | None


class AssignmentRepository(Repository):
    # -- teams, profiles, absences ------------------------------------------------------------

    def teams(self) -> list[TeamRecord]:
        return list(self.session.scalars(select(TeamRecord).order_by(TeamRecord.name)))

    def team_by_name(self, name: str) -> TeamRecord | None:
        return self.session.scalars(select(TeamRecord).where(TeamRecord.name == name)).first()

    def add_team(self, name: str, targets: dict[str, Any], at: datetime) -> TeamRecord:
        if self.team_by_name(name) is not None:
            raise Conflict(f"team '{name}' already exists")
        record = TeamRecord(name=name, targets=targets, created_at=at)
        self.session.add(record)
        self.session.flush()
        return record

    def profile(self, user_id: int) -> CollectorProfileRecord | None:
        return self.session.get(CollectorProfileRecord, user_id)

    def set_profile(self, user_id: int, **values: Any) -> CollectorProfileRecord:
        record = self.profile(user_id)
        if record is None:
            record = CollectorProfileRecord(user_id=user_id, **values)
            self.session.add(record)
        else:
            for key, value in values.items():
                setattr(record, key, value)
        self.session.flush()
        return record

    def staff(self, roles: Sequence[str] = ("collector",)) -> list[StaffMember]:
        """Users of these roles with their team's name and profile, by id."""
        query = (
            select(UserRecord, TeamRecord.name, CollectorProfileRecord)
            .outerjoin(TeamRecord, TeamRecord.id == UserRecord.team_id)
            .outerjoin(CollectorProfileRecord, CollectorProfileRecord.user_id == UserRecord.id)
            .where(UserRecord.role.in_(roles))
            .order_by(UserRecord.id)
        )
        return [StaffMember(u, t, p) for u, t, p in self.session.execute(query)]

    def add_absence(self, **values: Any) -> AbsenceRecord:
        record = AbsenceRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def absences_on(self, day: date) -> list[AbsenceRecord]:
        """Absences covering ``day`` that were not cancelled, oldest first."""
        a = AbsenceRecord
        query = select(a).where(a.starts_on <= day, a.ends_on >= day, a.cancelled_at.is_(None))
        return list(self.session.scalars(query.order_by(a.id)))

    def absences_of(self, user_id: int) -> list[AbsenceRecord]:
        a = AbsenceRecord
        return list(self.session.scalars(select(a).where(a.user_id == user_id).order_by(a.id)))

    # -- ownership ----------------------------------------------------------------------------

    def open_accounts(self, statuses: Iterable[str], batch: int = 50_000) -> Iterator[OpenAccount]:
        """Accounts in ``statuses`` with their facts and current ownership, by id, streamed."""
        a, o = AccountRecord, AccountOwnerRecord
        balance = a.principal_minor + a.interest_minor + a.fees_minor + a.costs_minor
        query = (
            select(a.id, ClientRecord.code, a.segment, DebtorRecord.language, a.jurisdiction,
                   balance, a.assignee_id, o.id, o.covering_id, o.team_id, o.pinned)
            .join(ClientRecord, ClientRecord.id == a.client_id)
            .join(DebtorRecord, DebtorRecord.id == a.debtor_id)
            .outerjoin(o, and_(o.account_id == a.id, o.ended_at.is_(None)))
            .where(a.status.in_(list(statuses)))
            .order_by(a.id)
            .execution_options(yield_per=batch)
        )  # fmt: skip
        for row in self.session.execute(query):
            yield OpenAccount(row[0], row[1], row[2], row[3], row[4], int(row[5]), row[6],
                              row[7], row[8], row[9], bool(row[10]))  # fmt: skip

    def current(self, account_id: int) -> AccountOwnerRecord | None:
        o = AccountOwnerRecord
        query = select(o).where(o.account_id == account_id, o.ended_at.is_(None))
        return self.session.scalars(query.order_by(o.id.desc())).first()

    def history(self, account_id: int) -> list[AccountOwnerRecord]:
        """Every ownership period of the account, oldest first."""
        o = AccountOwnerRecord
        query = select(o).where(o.account_id == account_id).order_by(o.started_at, o.id)
        return list(self.session.scalars(query))

    def add_run(self, **values: Any) -> AssignmentRunRecord:
        record = AssignmentRunRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def hand_over(
        self, closing: Sequence[int], opening: Sequence[dict[str, Any]], at: datetime
    ) -> None:
        """Close ownership rows by id and open new ones; mirror owners on the accounts.

        Core statements with bound parameters (one ``executemany`` per chunk): the ORM's
        bulk paths cost several times more per row for a million rows.
        """
        owners = cast(Table, AccountOwnerRecord.__table__)
        accounts = cast(Table, AccountRecord.__table__)
        for part in chunked(list(closing), BULK):
            self.session.execute(update(owners).where(owners.c.id.in_(part)).values(ended_at=at))
        mirror = (
            update(accounts)
            .where(accounts.c.id == bindparam("account"))
            .values(assignee_id=bindparam("owner"), updated_at=at)
        )
        for rows in chunked(list(opening), BULK):
            self.session.execute(insert(owners), list(rows))
            self.session.execute(
                mirror, [{"account": r["account_id"], "owner": r["owner_id"]} for r in rows]
            )

    def worked_by(self, user_id: int) -> list[int]:
        """Ids of the accounts ``user_id`` works now: owned and not covered, or covering.

        The owner is ``accounts.assignee_id`` (also for accounts given before ownership was
        recorded); the open ownership row says who covers.
        """
        a, o = AccountRecord, AccountOwnerRecord
        owned = (
            select(a.id)
            .outerjoin(o, and_(o.account_id == a.id, o.ended_at.is_(None)))
            .where(a.assignee_id == user_id, o.covering_id.is_(None))
        )
        covering = select(o.account_id).where(o.ended_at.is_(None), o.covering_id == user_id)
        found = set(self.session.scalars(owned)) | set(self.session.scalars(covering))
        return sorted(found)

    def load(self, statuses: Iterable[str]) -> dict[int, int]:
        """Accounts in ``statuses`` owned per user."""
        a = AccountRecord
        query = (
            select(a.assignee_id, func.count(a.id))
            .where(a.assignee_id.is_not(None), a.status.in_(list(statuses)))
            .group_by(a.assignee_id)
        )
        return {int(u or 0): int(n) for u, n in self.session.execute(query)}

    # -- agencies and placements --------------------------------------------------------------

    def add_agency(self, **values: Any) -> AgencyRecord:
        if self.agency(values["code"]) is not None:
            raise Conflict(f"agency '{values['code']}' already exists")
        record = AgencyRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def agency(self, code: str) -> AgencyRecord | None:
        return self.session.scalars(select(AgencyRecord).where(AgencyRecord.code == code)).first()

    def agency_by_id(self, agency_id: int) -> AgencyRecord:
        record = self.session.get(AgencyRecord, agency_id)
        if record is None:
            raise NotFound(f"no agency {agency_id}")
        return record

    def agencies(self) -> list[AgencyRecord]:
        return list(self.session.scalars(select(AgencyRecord).order_by(AgencyRecord.code)))

    def add_placement(self, **values: Any) -> PlacementRecord:
        record = PlacementRecord(**values)
        self.session.add(record)
        self.session.flush()
        return record

    def open_placement(self, account_id: int) -> PlacementRecord | None:
        p = PlacementRecord
        query = select(p).where(p.account_id == account_id, p.status == "placed")
        return self.session.scalars(query).first()

    def placements(
        self, *, agency_id: int | None = None, status: str | None = "placed",
        ids: Sequence[int] | None = None,
    ) -> list[PlacementRecord]:  # fmt: skip
        p = PlacementRecord
        query = select(p).order_by(p.id)
        if agency_id is not None:
            query = query.where(p.agency_id == agency_id)
        if status is not None:
            query = query.where(p.status == status)
        if ids is not None:
            query = query.where(p.id.in_(list(ids)))
        return list(self.session.scalars(query))

    def placements_overlapping(self, start: datetime, end: datetime) -> list[PlacementRecord]:
        """Placements that were open at some instant of [start, end)."""
        p = PlacementRecord
        query = select(p).where(
            p.placed_at < end, or_(p.recalled_at.is_(None), p.recalled_at >= start)
        )
        return list(self.session.scalars(query.order_by(p.id)))

    def payments_between(
        self, account_ids: Sequence[int], first: date, last: date
    ) -> list[PaymentRecord]:
        """Payments and reversals of these accounts paid on ``first`` .. ``last``."""
        out: list[PaymentRecord] = []
        p = PaymentRecord
        for part in chunked(list(account_ids)):
            query = select(p).where(p.account_id.in_(part), p.paid_on >= first, p.paid_on <= last)
            out.extend(self.session.scalars(query.order_by(p.id)))
        return out

    def placeable(
        self, *, client_id: int, statuses: Sequence[str], segment: str | None,
        due_before: date | None, limit: int | None = None,
    ) -> list[int]:  # fmt: skip
        """Ids of the client's accounts in ``statuses`` (segment, due on or before), by id."""
        a = AccountRecord
        query = select(a.id).where(a.client_id == client_id, a.status.in_(list(statuses)))
        if segment is not None:
            query = query.where(a.segment == segment)
        if due_before is not None:
            query = query.where(a.due_on <= due_before)
        query = query.order_by(a.id)
        if limit is not None:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def export_facts(
        self, account_ids: Sequence[int]
    ) -> dict[int, tuple[AccountRecord, DebtorRecord, str, list[ContactPointRecord]]]:
        """Account, debtor, client code and usable contact points, by account id."""
        out: dict[int, tuple[AccountRecord, DebtorRecord, str, list[ContactPointRecord]]] = {}
        for part in chunked(list(account_ids)):
            query = (
                select(AccountRecord, DebtorRecord, ClientRecord.code)
                .join(DebtorRecord, DebtorRecord.id == AccountRecord.debtor_id)
                .join(ClientRecord, ClientRecord.id == AccountRecord.client_id)
                .where(AccountRecord.id.in_(part))
            )
            rows = list(self.session.execute(query))
            points: dict[int, list[ContactPointRecord]] = {}
            c = ContactPointRecord
            usable = select(c).where(
                c.debtor_id.in_([d.id for _, d, _ in rows]),
                c.do_not_contact.is_(False),
                c.wrong_party.is_(False),
            )
            for point in self.session.scalars(usable.order_by(c.preferred.desc(), c.id)):
                points.setdefault(point.debtor_id, []).append(point)
            for account, debtor, code in rows:
                out[account.id] = (account, debtor, code, points.get(debtor.id, []))
        return out
