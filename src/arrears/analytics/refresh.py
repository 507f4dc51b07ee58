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

from arrears.analytics import cubes, kept, transitions, vintages
from arrears.analytics.reports import Options, default_scope, precompute
from arrears.analytics.snapshots import reconstruct, snapshot_of, totals_of
from arrears.store.queries import analytics as queries
from arrears.store.queries import analytics_cube as store
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class RefreshResult:
    as_of: date
    kind: str
    accounts: int
    groups: int


def _write(
    uow: UnitOfWork, *, as_of: date, kind: str, snapshot: pl.DataFrame, at: datetime, actor: str,
    totals: pl.DataFrame | None = None,
) -> RefreshResult:  # fmt: skip
    session = uow.session
    count = queries.write_snapshot(session, as_of, snapshot)
    # The same rows as a file the views decode once per process (``analytics.kept``).
    rows = snapshot.with_columns(pl.lit(as_of).alias("as_of")).select(
        pl.col(name).cast(dtype) for name, dtype in queries.SNAPSHOT_SCHEMA.items()
    )
    kept.keep(uow, kept.snapshot_name(as_of), rows, as_of, at)
    totals = totals_of(snapshot) if totals is None else totals
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
    today = totals_of(snapshot)
    result = _write(uow, as_of=as_of, kind="refresh", snapshot=snapshot, at=at, actor=actor,
                    totals=today)  # fmt: skip
    payments = queries.payments(uow.session)
    totals = cubes.day_totals(uow, as_of, today)
    cubes.build(uow=uow, as_of=as_of, accounts=accounts, payments=payments, totals=totals, at=at)
    vintages.build(uow=uow, as_of=as_of, accounts=accounts, payments=payments, at=at)
    start = default_scope(as_of).start
    first = max((d for d in queries.snapshot_runs(uow.session)["as_of"] if d <= start),
                default=start)  # the default period's first snapshot day  # fmt: skip
    transitions.build_roll(uow=uow, as_of=as_of, today=snapshot, at=at, first=first)
    precompute(uow=uow, as_of=as_of, options=options or Options(), at=at, accounts=accounts,
               payments=payments, snapshot=snapshot,
               totals=totals.filter(pl.col("as_of") <= as_of))  # fmt: skip
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
        for name in (transitions.ROLL, "totals"):  # a past day changed: rebuilt next refresh
            store.drop_cube(uow.session, name)
        return _write(uow, as_of=as_of, kind="backfill", snapshot=snapshot, at=at, actor=actor)
