"""The unit of work: one transaction and the repositories that share it.

Services receive a unit of work and never commit; the owner of the
transaction (a CLI command, a web request, a batch loop) does. Leaving the
``with`` block without ``commit()`` rolls everything back, so a failure never
leaves half-written state.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from arrears.store.bulk import BulkWriter
from arrears.store.db import make_session_factory
from arrears.store.repositories.accounts import AccountRepository
from arrears.store.repositories.assignment import AssignmentRepository
from arrears.store.repositories.audit import AuditRepository
from arrears.store.repositories.clients import ClientRepository
from arrears.store.repositories.debtors import DebtorRepository
from arrears.store.repositories.disputes import DisputeRepository
from arrears.store.repositories.gateway import GatewayRepository
from arrears.store.repositories.imports import ImportRepository
from arrears.store.repositories.inbound import InboundRepository
from arrears.store.repositories.interactions import InteractionRepository
from arrears.store.repositories.interest import InterestRepository
from arrears.store.repositories.outbox import OutboxRepository
from arrears.store.repositories.payments import PaymentRepository
from arrears.store.repositories.plans import PlanRepository
from arrears.store.repositories.portal import PortalRepository
from arrears.store.repositories.report_schedules import ReportScheduleRepository
from arrears.store.repositories.reports import ReportQueries
from arrears.store.repositories.resolution import ResolutionRepository
from arrears.store.repositories.scoring import ScoringRepository
from arrears.store.repositories.supervision import SupervisionRepository
from arrears.store.repositories.tasks import TaskRepository
from arrears.store.repositories.users import UserRepository
from arrears.store.repositories.workbench import WorkbenchRepository


class UnitOfWork:
    """Context manager around one session; rolls back unless committed."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._session: Session | None = None

    @classmethod
    def for_engine(cls, engine: Engine) -> UnitOfWork:
        return cls(make_session_factory(engine))

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a with block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        session = self._session
        self.clients = ClientRepository(session)
        self.debtors = DebtorRepository(session)
        self.accounts = AccountRepository(session)
        self.payments = PaymentRepository(session)
        self.imports = ImportRepository(session)
        self.bulk = BulkWriter(session)
        self.audit = AuditRepository(session)
        self.reports = ReportQueries(session)
        self.plans = PlanRepository(session)
        self.interactions = InteractionRepository(session)
        self.outbox = OutboxRepository(session)
        self.inbound = InboundRepository(session)
        self.tasks = TaskRepository(session)
        self.resolution = ResolutionRepository(session)
        self.interest = InterestRepository(session)
        self.gateway = GatewayRepository(session)
        self.portal = PortalRepository(session)
        self.disputes = DisputeRepository(session)
        self.users = UserRepository(session)
        self.scoring = ScoringRepository(session)
        self.assignment = AssignmentRepository(session)
        self.supervision = SupervisionRepository(session)
        self.workbench = WorkbenchRepository(session)
        self.report_schedules = ReportScheduleRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None

    def ping(self) -> None:
        """A trivial query: the database answers (health checks)."""
        self.session.execute(text("SELECT 1"))

    def commit(self) -> None:
        self.session.commit()
        self.audit.forget_head()

    def rollback(self) -> None:
        self.session.rollback()
        self.audit.forget_head()
