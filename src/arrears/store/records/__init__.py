"""Every table, imported here so Alembic sees the whole metadata."""

from arrears.store.records.accounts import AccountRecord, InvoiceRecord, PaymentRecord
from arrears.store.records.activity import AuditEventRecord, InteractionRecord
from arrears.store.records.imports import ImportRecord
from arrears.store.records.outreach import (
    ChannelConfigRecord,
    InboundMessageRecord,
    OutboxAttemptRecord,
    OutboxRecord,
    PromiseRecord,
)
from arrears.store.records.parties import (
    ClientRecord,
    ContactPointRecord,
    DebtorFactRecord,
    DebtorRecord,
)
from arrears.store.records.people import (
    LoginAttemptRecord,
    StaffSessionRecord,
    TeamRecord,
    UserRecord,
)
from arrears.store.records.planning import PlannedActionRecord, PlanRunRecord
from arrears.store.records.tasks import TaskRecord

# Imported for their tables (Alembic reads the metadata); use their records from the module.
from arrears.store.records import analytics, disputes, gateway, interest, portal, resolution  # noqa: F401  isort: skip
from arrears.store.records import assignment  # noqa: F401  isort: skip
from arrears.store.records import workbench  # noqa: F401  isort: skip
from arrears.store.records import supervision  # noqa: F401  isort: skip
from arrears.store.records import scoring  # noqa: F401  isort: skip

__all__ = [
    "AccountRecord",
    "AuditEventRecord",
    "ChannelConfigRecord",
    "ClientRecord",
    "ContactPointRecord",
    "DebtorFactRecord",
    "DebtorRecord",
    "ImportRecord",
    "InboundMessageRecord",
    "InteractionRecord",
    "InvoiceRecord",
    "LoginAttemptRecord",
    "OutboxAttemptRecord",
    "OutboxRecord",
    "PaymentRecord",
    "PlanRunRecord",
    "PlannedActionRecord",
    "PromiseRecord",
    "StaffSessionRecord",
    "TaskRecord",
    "TeamRecord",
    "UserRecord",
]
