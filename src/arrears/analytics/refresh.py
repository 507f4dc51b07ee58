"""The nightly refresh and the demo's backfill of daily snapshots.

``refresh`` writes the exact snapshot of one day from the accounts as they
are, and the day's totals the dashboards read. ``backfill_day`` writes the
reconstructed snapshot of a past day (``analytics.snapshots.reconstruct``).
Both replace the day if it exists, log the run, and write one audit event.
Neither commits: the caller owns the transaction (one per day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from arrears.analytics import cubes
from arrears.analytics.reports import Options, precompute
from arrears.analytics.snapshots import reconstruct, snapshot_of, totals_of
from arrears.store.queries import analytics as queries
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class RefreshResult:
    as_of: date
    kind: str
    accounts: int
    groups: int


def _write(
    uow: UnitOfWork, *, as_of: date, kind: str, snapshot: pl.DataFrame, at: datetime, actor: str
) -> RefreshResult:
    session = uow.session
    count = queries.write_snapshot(session, as_of, snapshot)
    totals = totals_of(snapshot)
    queries.write_totals(session, as_of, totals)
    queries.log_run(session, as_of=as_of, kind=kind, accounts=count, started=at, end=at)
    uow.audit.append(AuditEvent(occurred_at=at, actor=actor, action=f"analytics.{kind}",
                                entity="account_snapshots", entity_id=as_of.isoformat(),
                                after={"accounts": count, "groups": totals.height}))  # fmt: skip
    return RefreshResult(as_of, kind, count, totals.height)


def refresh(
    *, uow: UnitOfWork, as_of: date, at: datetime, actor: str, options: Options | None = None
) -> RefreshResult:
    """Write the snapshot of ``as_of`` from today's accounts, with its totals, build the daily
    contact cubes (``analytics.cubes``: any filters, any period), and precompute every report's
    default view (the 30 days to ``as_of``) and each filter's view within it the cubes do not
    answer."""
    accounts = queries.current_accounts(uow.session)
    snapshot = snapshot_of(accounts, as_of)
    result = _write(uow, as_of=as_of, kind="refresh", snapshot=snapshot, at=at, actor=actor)
    payments = queries.payments(uow.session)
    cubes.build(uow=uow, as_of=as_of, accounts=accounts, payments=payments, at=at)
    precompute(uow=uow, as_of=as_of, options=options or Options(), at=at, accounts=accounts,
               payments=payments, snapshot=snapshot)  # fmt: skip
    return result


@dataclass
class Backfill:
    """Today's accounts and payments, read once and reused for every past day."""

    accounts: pl.DataFrame
    payments: pl.DataFrame

    @classmethod
    def load(cls, uow: UnitOfWork) -> Backfill:
        return cls(queries.current_accounts(uow.session), queries.payments(uow.session, parts=True))

    def day(self, *, uow: UnitOfWork, as_of: date, at: datetime, actor: str) -> RefreshResult:
        """Write the reconstructed snapshot of a past day."""
        snapshot = reconstruct(self.accounts, self.payments, as_of)
        return _write(uow, as_of=as_of, kind="backfill", snapshot=snapshot, at=at, actor=actor)
