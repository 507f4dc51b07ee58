"""Daily contact cubes: the dashboards' contact views for any filters and any period.

A cube sums the interactions by UTC day and by the dashboards' filters — the
account's client, segment, strategy and team (its assignee's), as they are when
the nightly refresh builds the cube, the same attributes a report computed live
narrows by — and by the measure's own dimensions. It holds additive counts only
(numerators and denominators, never ratios), so a view over any combination of
filters and any period is a filter and a group-by over a cube in Polars, and the
measure (``analytics.measures``) divides the sums exactly as it divides the
counts of the interactions themselves. Each cube is kept whole as one Parquet
file (``store.queries.analytics_cube``), sorted by day:

* ``contact`` — interactions by channel, direction, outcome and status (right-party
  contacts, deliveries, complaints, the promise rate's RPCs);
* ``contact_hour`` — outbound attempts, contacts and replies by channel and hour
  (contact and response rates by channel, hour and weekday; best time);
* ``collector`` — outbound calls and right-party contacts per collector.

Responses are additive too: a report computed live counts an attempt as answered
when its first reply (within 72 hours) falls inside the period, so the cubes keep
``replied_k``, the attempts whose first reply came ``k`` days later, and a period
ending on day *e* adds ``replied_k`` of the days up to *e − k*.

Hours and weekdays are UTC: views in another ``--tz`` are computed live.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

import polars as pl
import polars.selectors as cs

from arrears.analytics import kept
from arrears.analytics.inputs import Inputs, Scope
from arrears.analytics.measures import compliance, contact, people
from arrears.analytics.measures.costs import CostBook
from arrears.store.queries import analytics as queries
from arrears.store.queries import analytics_cube as store
from arrears.store.uow import UnitOfWork

CELL = ("client_id", "segment", "strategy", "team_id")
REPLY_DAYS = 4  # replied_0 … replied_3: a reply counts up to 72 hours (three days on) later


def facts(interactions: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """Interactions with their account's cell, the UTC day and weekday, and for each outbound
    one the hour, whether it reached someone and in how many days its first reply came."""
    cells = accounts.select("account_id", *CELL)
    rows = interactions.join(cells, on="account_id")
    out = contact.responded(rows).with_columns(
        (pl.col("reply_at").dt.date() - pl.col("occurred_at").dt.date()).dt.total_days()
        .alias("lag")
    )  # fmt: skip
    rest = rows.filter(pl.col("direction") != "out")
    both = pl.concat([out.drop("reply_at", "responded"), rest], how="diagonal_relaxed")
    day = pl.col("occurred_at").dt.date()
    return both.with_columns(day.alias("day"), day.dt.weekday().cast(pl.Int64).alias("weekday"))


def _replied() -> list[pl.Expr]:
    return [(pl.col("lag") == k).sum().cast(pl.Int64).alias(f"replied_{k}")
            for k in range(REPLY_DAYS)]  # fmt: skip


def contact_cube(rows: pl.DataFrame) -> pl.DataFrame:
    keys = ("day", *CELL, "channel", "direction", "outcome", "status", "weekday")
    return rows.group_by(keys).agg(pl.len().cast(pl.Int64).alias("interactions"), *_replied())


def hour_cube(rows: pl.DataFrame) -> pl.DataFrame:
    out = rows.filter(pl.col("direction") == "out")
    keys = ("day", *CELL, "channel", "weekday", "hour")
    return out.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("attempts"),
        pl.col("reached").sum().cast(pl.Int64).alias("reached"),
        *_replied(),
    )


def collector_cube(rows: pl.DataFrame) -> pl.DataFrame:
    calls = rows.filter((pl.col("channel") == "call") & (pl.col("direction") == "out")
                        & pl.col("user_id").is_not_null())  # fmt: skip
    rpc = pl.coalesce("outcome", "status").is_in(contact.RPC)
    return calls.group_by("day", *CELL, "user_id").agg(
        pl.len().cast(pl.Int64).alias("calls"), rpc.sum().cast(pl.Int64).alias("rpc")
    )


EXPERIMENT = "experiment"
COLLECTED = "collected"


def collected_cube(paid: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """Payments less reversals by day, cell, the collector who held the account when it was
    paid, and currency (``store.queries.analytics.collected_by_owner``)."""
    rows = paid.join(accounts.select("account_id", *CELL), on="account_id", suffix="_now")
    return (
        rows.drop("client_id").rename({"client_id_now": "client_id"})
        .group_by(pl.col("paid_on").alias("day"), *CELL, "user_id", "currency")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64))
    )  # fmt: skip


def in_experiment() -> pl.Expr:
    """Whether an account is in an experiment (its ``arms`` name one)."""
    return pl.col("arms").is_not_null() & ~pl.col("arms").is_in(["{}", "null", ""])


def experiment_cube(rows: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """Outbound attempts by day, account, channel and whether a collector made them, for the
    accounts in an experiment: what an arm's contacts and cost sum (``experiment_work``)."""
    inside = accounts.filter(in_experiment()).select("account_id")
    out = rows.filter(pl.col("direction") == "out").join(inside, on="account_id", how="semi")
    worked = pl.col("user_id").is_not_null().alias("worked")
    return out.group_by("day", "account_id", "channel", worked).agg(
        pl.len().cast(pl.Int64).alias("attempts")
    )


def experiment_work(inputs: Inputs, cohort: pl.DataFrame, book: CostBook) -> pl.DataFrame | None:
    """Per account of ``inputs``' scope: outbound attempts in the period and their cost, as
    ``costs.cost_per_collected(..., by="account_id")`` counts them, from the cube; None when
    the cube does not answer (not read from what the refresh kept, built before the period's
    end, or an account of ``cohort`` outside the accounts it followed)."""
    uow, s = inputs.uow, inputs.scope
    day = store.built(uow.session, EXPERIMENT)
    if not inputs.kept or day is None or s.end > day:
        return None
    cube, followed = kept.frame(uow, EXPERIMENT), kept.frame(uow, "accounts")
    if cube is None or followed is None:
        return None
    outside = cohort.join(followed.filter(in_experiment()), on="account_id", how="anti")
    if outside.height:
        return None
    rows = cube.filter(pl.col("day").is_between(s.start, s.end)).join(
        inputs.accounts.select("account_id", "currency"), on="account_id"
    )
    collector = pl.when("worked").then("collector_minor").otherwise(0).fill_null(0)
    each = pl.col("unit_minor").fill_null(0) + collector
    return (
        rows.join(book.frame(), on=["currency", "channel"], how="left")
        .group_by("account_id")
        .agg(
            pl.col("attempts").sum().cast(pl.Int64),
            (pl.col("attempts") * each).sum().cast(pl.Int64).alias("cost_minor"),
        )
    )


BUILDERS: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "contact": contact_cube, "contact_hour": hour_cube, "collector": collector_cube,
}  # fmt: skip


def day_totals(uow: UnitOfWork, as_of: date, today: pl.DataFrame) -> pl.DataFrame:
    """Every day's totals with ``today`` (those of ``as_of``, just written): the totals the last
    refresh kept with the day replaced, or, when it kept none, the store's. Past days' totals
    do not change (the backfill, which rewrites them, drops the kept ones)."""
    old = kept.frame(uow, "totals")
    if old is None:
        return queries.totals(uow.session, date.min, date.max)
    schema = {k: old.schema[k] for k in old.columns}
    day = today.with_columns(pl.lit(as_of).alias("as_of")).select(
        pl.col(k).cast(t) for k, t in schema.items()
    )
    return pl.concat([old.filter(pl.col("as_of") != as_of), day]).sort("as_of")


def build(*, uow: UnitOfWork, as_of: date, accounts: pl.DataFrame, payments: pl.DataFrame,
          totals: pl.DataFrame, at: datetime) -> int:  # fmt: skip
    """Read every interaction once, sum it into each cube and keep the cubes, with the accounts
    and payments the refresh read and every day's ``totals`` (the other reports' filtered views
    narrow those instead of reading the store). Returns the rows kept."""
    batches = [_coded(b) for b in store.interaction_batches(uow.session)]
    read = pl.concat(batches) if batches else _coded(pl.DataFrame(schema=store.INTERACTION_SCHEMA))
    del batches
    rows = facts(read, _coded(accounts.select("account_id", *CELL)))
    del read
    held = 0
    for name, make in BUILDERS.items():
        held += _keep(uow, name, _decoded(make(rows)).sort("day"), as_of, at)
    cube = experiment_cube(rows, accounts)
    held += _keep(uow, EXPERIMENT, _decoded(cube).sort("day"), as_of, at)
    del rows
    paid = queries.collected_by_owner(uow.session)
    held += _keep(uow, COLLECTED, collected_cube(paid, accounts).sort("day"), as_of, at)
    frames = (("accounts", accounts), ("payments", payments), ("totals", totals))
    return held + sum(_keep(uow, name, frame, as_of, at) for name, frame in frames)


def _coded(frame: pl.DataFrame) -> pl.DataFrame:
    """Text columns as categoricals while millions of interactions are held: a channel,
    status or segment takes 4 bytes a row instead of a 16-byte string view, which keeps the
    refresh's peak memory to a fraction (the cubes are small and keep plain text)."""
    return frame.with_columns(cs.string().cast(pl.Categorical))


def _decoded(cube: pl.DataFrame) -> pl.DataFrame:
    return cube.with_columns(cs.categorical().cast(pl.String))


def _keep(uow: UnitOfWork, name: str, frame: pl.DataFrame, as_of: date, at: datetime) -> int:
    return kept.keep(uow, name, frame, as_of, at)


def kept_inputs(uow: UnitOfWork, scope: Scope) -> Inputs:
    """The inputs of ``scope`` narrowing the accounts, payments and day totals the refresh kept,
    when it kept them for the period's last day or later; else reading the store."""
    days = [store.built(uow.session, name) for name in KEPT]
    if any(day is None or scope.end > day for day in days):
        return Inputs(uow, scope)
    accounts, payments, totals = (kept.frame(uow, name) for name in KEPT)
    return Inputs(uow, scope, given_accounts=accounts, given_payments=payments,
                  given_totals=totals, kept=True)  # fmt: skip


KEPT = ("accounts", "payments", "totals")


NEEDS: dict[str, tuple[str, bool]] = {  # report: (its cube, whether its hours are UTC's)
    "contact-channels": ("contact_hour", False), "contact-hours": ("contact_hour", True),
    "contact-weekdays": ("contact_hour", True), "best-time": ("contact_hour", True),
    "deliveries": ("contact", False), "rpc": ("contact", False),
    "complaints": ("contact", False), "promises": ("contact", False),
    "productivity": ("collector", False), "teams": ("collector", False),
    "collected-vs-target": (COLLECTED, False),
}  # fmt: skip


@dataclass
class View:
    """One dashboard view read from the cubes: the period and the scope's filters applied to
    each cube in memory, its counts summed."""

    inputs: Inputs
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def scope(self) -> Scope:
        return self.inputs.scope

    def where(self) -> list[pl.Expr]:
        s = self.scope
        found = [pl.col("day").is_between(s.start, s.end)]
        if self.inputs.client_id is not None:
            found.append(pl.col("client_id") == self.inputs.client_id)
        if s.segment is not None:
            found.append(pl.col("segment") == s.segment)
        if s.strategy is not None:
            found.append(pl.col("strategy") == s.strategy)
        if s.team is not None:
            staff = self.inputs.staff
            team = staff.filter(pl.col("team") == s.team)["team_id"].unique()
            found.append(pl.col("team_id").is_in(team.implode()))
        return found

    def sum(self, cube: str, by: tuple[str, ...], sums: tuple[str, ...],
            replies: bool = False) -> pl.DataFrame:  # fmt: skip
        """The cube's rows in scope summed by ``by``. With ``replies``, ``responses``: the
        outbound ones replied to by the end of the period (``replied_k`` of the days at
        least ``k`` days before its last)."""
        if cube not in self.files:
            found = store.cube_file(self.inputs.uow.session, cube)
            if found is None:
                raise LookupError(f"the cube '{cube}' was never built")
            self.files[cube] = found
        totals = [pl.col(name).sum().cast(pl.Int64) for name in sums]
        if replies:
            end = self.scope.end
            answered = [
                pl.when(pl.col("day") <= end - timedelta(days=k))
                .then(pl.col(f"replied_{k}"))
                .otherwise(0)
                for k in range(REPLY_DAYS)
            ]
            totals.append(pl.sum_horizontal(answered).sum().cast(pl.Int64).alias("responses"))
        rows = pl.scan_parquet(BytesIO(self.files[cube])).filter(*self.where())
        return rows.group_by(*by).agg(*totals).collect()

    def interactions(self) -> pl.DataFrame:
        """The contact cube as interaction rows, ``n`` interactions each."""
        keys = ("client_id", "channel", "direction", "outcome", "status")
        return self.sum("contact", keys, ("interactions",)).rename({"interactions": "n"})

    def attempts(self, by: tuple[str, ...]) -> pl.DataFrame:
        found = self.sum("contact_hour", ("client_id", *by), ("attempts", "reached"), True)
        return found.rename({"reached": "contacts"})

    def calls(self) -> pl.DataFrame:
        return self.sum("collector", ("user_id",), ("calls", "rpc"))

    def promises(self) -> pl.DataFrame:
        """The promises in scope, narrowed in the database (not by reading every account)."""
        s, inputs = self.scope, self.inputs
        teams = None
        if s.team is not None:
            teams = inputs.staff.filter(pl.col("team") == s.team)["team_id"].unique().to_list()
        return queries.promises(inputs.uow.session, client=inputs.client_id, segment=s.segment,
                                strategy=s.strategy, teams=teams)  # fmt: skip


def covers(uow: UnitOfWork, name: str, scope: Scope) -> bool:
    """Whether the cubes answer report ``name`` over ``scope``: a cube built for the period's
    last day or later, and UTC for the reports by hour or weekday."""
    if name not in NEEDS:
        return False
    cube, utc = NEEDS[name]
    if utc and scope.tz != "UTC":
        return False
    day = store.built(uow.session, cube)
    return day is not None and scope.end <= day


def _productivity(v: View) -> pl.DataFrame:
    s = v.scope
    return people.productivity(v.calls(), v.promises(), v.inputs.staff, s.start, s.end)


REPORTS: dict[str, Callable[[View], pl.DataFrame]] = {
    "contact-channels": lambda v: contact.rates_of(v.attempts(("channel",)), ("channel",)),
    "contact-hours": lambda v: contact.rates_of(v.attempts(("channel", "hour")),
                                                ("channel", "hour")),
    "contact-weekdays": lambda v: contact.rates_of(v.attempts(("channel", "weekday")),
                                                   ("channel", "weekday")),
    "best-time": lambda v: contact.best_of(
        v.sum("contact_hour", contact.CELL, ("attempts", "reached")).rename(
            {"reached": "contacts"})),
    "deliveries": lambda v: contact.deliveries(v.interactions()),
    "rpc": lambda v: contact.right_party_contact_rate(v.interactions()),
    "complaints": lambda v: compliance.complaints(
        v.sum("contact", ("client_id", "channel", "outcome", "day"), ("interactions",))
        .rename({"interactions": "n"}), v.scope.end),
    "promises": lambda v: contact.promise_rates(v.promises(), v.interactions(),
                                                v.scope.start, v.scope.end),
    "productivity": _productivity,
    "teams": lambda v: people.team_productivity(_productivity(v)),
    "collected-vs-target": lambda v: people.collected_against_target(
        people.collected_by_collector(v.sum(COLLECTED, ("user_id", "currency"),
                                            ("amount_minor",))),
        v.inputs.staff, v.scope.start, v.scope.end),
}  # fmt: skip


def report(uow: UnitOfWork, name: str, scope: Scope) -> pl.DataFrame:
    """Report ``name`` over ``scope`` from the cubes (``covers`` must hold)."""
    return REPORTS[name](View(Inputs(uow, scope)))
