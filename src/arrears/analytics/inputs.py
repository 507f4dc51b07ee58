"""The frames a report reads, loaded once per report and narrowed to its scope.

A :class:`Scope` is what a manager filters by: period, client, segment,
strategy and team. :class:`Inputs` loads each frame the first time a measure
asks for it (``store.queries.analytics``) and keeps only the accounts in scope,
so a report of one client's segment never reads or shows another's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property

import polars as pl

from arrears.analytics import transitions
from arrears.errors import InvalidInput
from arrears.store.queries import analytics as queries
from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    client: str | None = None
    segment: str | None = None
    strategy: str | None = None
    team: str | None = None
    tz: str = "UTC"

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidInput(f"--from {self.start} is after --to {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def instants(self) -> tuple[datetime, datetime]:
        """[start 00:00, end + 1 day 00:00) in UTC."""
        low = datetime.combine(self.start, time(0), tzinfo=UTC)
        return low, datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass
class Inputs:
    """The frames of a scope. ``within`` gives a narrower scope of the same period that filters
    these frames in memory instead of reading the store again (the refresh precomputes every
    filter's view that way); the accounts, the payments and the day totals may be handed in
    when the caller has read them (the refresh, or what it kept: ``cubes.kept_inputs``)."""

    uow: UnitOfWork
    scope: Scope
    _days: dict[date, pl.DataFrame] = field(default_factory=dict)
    parent: Inputs | None = None
    given_accounts: pl.DataFrame | None = None
    given_payments: pl.DataFrame | None = None
    given_totals: pl.DataFrame | None = None
    # Read what the refresh kept (its snapshots' files, the cube ``roll``) before the store.
    kept: bool = False
    _pairs: dict[tuple[date, date], pl.DataFrame] = field(default_factory=dict)

    def within(self, scope: Scope) -> Inputs:
        if (scope.start, scope.end, scope.tz) != (self.scope.start, self.scope.end, self.scope.tz):
            raise ValueError("a narrower scope keeps the period and time zone")
        return Inputs(self.uow, scope, parent=self, kept=self.kept)

    @cached_property
    def client_id(self) -> int | None:
        if self.scope.client is None:
            return None
        found = queries.client_id(self.uow.session, self.scope.client)
        if found is None:
            raise InvalidInput(f"unknown client '{self.scope.client}'")
        return found

    @cached_property
    def staff(self) -> pl.DataFrame:
        return self.parent.staff if self.parent else queries.staff(self.uow.session)

    def _client(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (the parent's) narrowed to this scope's client."""
        if self.client_id is None or self.client_id == (self.parent and self.parent.client_id):
            return frame
        return frame.filter(pl.col("client_id") == self.client_id)

    def _narrow(self, frame: pl.DataFrame) -> pl.DataFrame:
        s = self.scope
        if s.segment is not None:
            frame = frame.filter(pl.col("segment") == s.segment)
        if s.strategy is not None:
            frame = frame.filter(pl.col("strategy") == s.strategy)
        if s.team is not None:
            frame = frame.filter(
                pl.col("team_id").is_in(pl.Series(self.team_ids, dtype=pl.Int64).implode())
            )
        return frame

    @cached_property
    def team_ids(self) -> list[int]:
        """The ids of the scope's team (empty without one)."""
        if self.scope.team is None:
            return []
        return self.staff.filter(pl.col("team") == self.scope.team)["team_id"].unique().to_list()

    @cached_property
    def accounts(self) -> pl.DataFrame:
        if self.parent is not None:
            return self._narrow(self._client(self.parent.accounts))
        if self.given_accounts is not None:
            return self._narrow(self._client(self.given_accounts))
        return self._narrow(queries.current_accounts(self.uow.session, client=self.client_id))

    def _in_scope(self, frame: pl.DataFrame) -> pl.DataFrame:
        narrowed = any((self.scope.segment, self.scope.strategy, self.scope.team))
        if not narrowed:
            return frame
        return frame.join(self.accounts.select("account_id"), on="account_id", how="semi")

    def _derived(self, name: str) -> pl.DataFrame | None:
        """The parent's frame ``name`` narrowed to this scope, or None without a parent."""
        if self.parent is None:
            return None
        return self._in_scope(self._client(getattr(self.parent, name)))

    @cached_property
    def all_payments(self) -> pl.DataFrame:
        """Payments up to the end of the period (cohorts count from placement)."""
        found = self._derived("all_payments")
        if found is not None:
            return found
        if self.given_payments is not None:
            rows = self._client(self.given_payments.filter(pl.col("paid_on") <= self.scope.end))
        else:
            rows = queries.payments(self.uow.session, client=self.client_id, until=self.scope.end)
        return self._in_scope(rows)

    @cached_property
    def payments(self) -> pl.DataFrame:
        """Payments of the period."""
        return self.all_payments.filter(pl.col("paid_on") >= self.scope.start)

    @cached_property
    def interactions(self) -> pl.DataFrame:
        found = self._derived("interactions")
        if found is not None:
            return found
        low, high = self.scope.instants()
        rows = queries.interactions(self.uow.session, low, high, client=self.client_id)
        return self._in_scope(rows)

    @cached_property
    def promises(self) -> pl.DataFrame:
        found = self._derived("promises")
        if found is not None:
            return found
        return self._in_scope(queries.promises(self.uow.session, client=self.client_id))

    @cached_property
    def actions(self) -> pl.DataFrame:
        if self.parent is not None:
            return self._narrow_actions(self._client(self.parent.actions))
        s = self.scope
        rows = queries.planned_actions(self.uow.session, s.start, s.end, client=self.client_id)
        return self._narrow_actions(rows)

    def _narrow_actions(self, rows: pl.DataFrame) -> pl.DataFrame:
        if self.scope.segment is not None:
            rows = rows.filter(pl.col("segment") == self.scope.segment)
        if self.scope.strategy is not None:
            rows = rows.filter(pl.col("strategy") == self.scope.strategy)
        return rows

    @cached_property
    def disputes(self) -> pl.DataFrame:
        found = self._derived("disputes")
        if found is not None:
            return found
        return self._in_scope(queries.disputes(self.uow.session, client=self.client_id))

    @cached_property
    def invoices(self) -> pl.DataFrame:
        found = self._derived("invoices")
        if found is not None:
            return found
        return self._in_scope(queries.invoices(self.uow.session, client=self.client_id))

    @cached_property
    def snapshot_days(self) -> list[date]:
        if self.parent is not None:
            return self.parent.snapshot_days
        return queries.snapshot_runs(self.uow.session)["as_of"].to_list()

    def day_on_or_before(self, day: date) -> date | None:
        earlier = [d for d in self.snapshot_days if d <= day]
        return max(earlier) if earlier else None

    def keep_snapshot(self, day: date, rows: pl.DataFrame) -> None:
        """Use ``rows`` as the snapshot of ``day`` (the refresh has just written them)."""
        columns = queries.SNAPSHOT_SCHEMA
        kept = rows.with_columns(pl.lit(day).alias("as_of")).select(
            pl.col(name).cast(dtype) for name, dtype in columns.items()
        )
        self._days[day] = self._narrow(self._client(kept))

    def snapshot(self, day: date) -> pl.DataFrame:
        """The snapshot of ``day`` in scope (empty when there is none)."""
        if day not in self._days:
            if self.parent is not None:
                rows = self._client(self.parent.snapshot(day))
            elif self.kept:  # the kept file, or the store's rows read once per process
                rows = self._client(transitions.snapshot(self.uow, day))
            else:
                rows = queries.snapshots(self.uow.session, [day], client=self.client_id)
            self._days[day] = self._narrow(rows)
        return self._days[day]

    def pair(self, a: date, b: date) -> pl.DataFrame:
        """The accounts of day ``a``'s snapshot counted by both days' cells and buckets
        (``analytics.transitions``), for this scope's client or all."""
        if self.parent is not None:
            return self.parent.pair(a, b)
        if (a, b) not in self._pairs:
            if self.kept:
                self._pairs[(a, b)] = self._client(transitions.kept_pair(self.uow, a, b))
            else:
                self._pairs[(a, b)] = transitions.pair_rows(self.snapshot(a), self.snapshot(b))
        return self._pairs[(a, b)]

    def moves(self, a: date, b: date) -> pl.DataFrame:
        """The scope's accounts of day ``a`` and where they were on day ``b``."""
        s = self.scope
        return transitions.narrowed(
            self.pair(a, b), client_id=self.client_id, segment=s.segment, strategy=s.strategy,
            teams=self.team_ids if s.team is not None else None,
        )  # fmt: skip

    def month_ends(self) -> list[date]:
        """The last snapshot day of each month of the period, plus the one before the period."""
        days = [d for d in self.snapshot_days if d <= self.scope.end]
        last: dict[tuple[int, int], date] = {}
        for d in days:
            last[(d.year, d.month)] = max(d, last.get((d.year, d.month), d))
        ends = sorted(last.values())
        inside = [d for d in ends if d >= self.scope.start]
        before = [d for d in ends if d < self.scope.start]
        return before[-1:] + inside

    @cached_property
    def _totals(self) -> pl.DataFrame:
        if self.parent is not None:
            return self._client(self.parent._totals)
        s = self.scope
        if self.given_totals is not None:
            return self._client(
                self.given_totals.filter(pl.col("as_of").is_between(s.start, s.end))
            )
        return queries.totals(self.uow.session, s.start, s.end, client=self.client_id)

    def totals(self) -> pl.DataFrame:
        return self._narrow(self._totals)
