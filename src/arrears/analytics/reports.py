"""Every measure as a named report: what the CLI exports and the dashboards draw.

A report is a measure of ``analytics.measures`` applied to the frames of a
:class:`~arrears.analytics.inputs.Scope`. ``run_report`` returns a
:class:`~arrears.analytics.tables.ReportTable` whose client ids are client
codes; the CLI prints or exports it, the dashboards chart the same table, so
their numbers are the same by construction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import polars as pl

from arrears.analytics import cubes, kept, service, vintages
from arrears.analytics.dashboards import DASHBOARDS
from arrears.analytics.inputs import Inputs, Scope
from arrears.analytics.measures import (
    b2b,
    compliance,
    contact,
    costs,
    experiments,
    people,
    recovery,
)
from arrears.analytics.measures.costs import CostBook, load_costs
from arrears.analytics.service import AgingReport
from arrears.analytics.tables import ReportTable
from arrears.core.aging import DPD_SCHEME
from arrears.errors import InvalidInput
from arrears.store.queries import analytics as queries
from arrears.store.queries import analytics_cube as store
from arrears.store.uow import UnitOfWork
from arrears.strategy.loader import load_strategies

OPEN = recovery.OPEN


@dataclass(frozen=True)
class Options:
    costs: CostBook | None = None
    by: str = "channel"  # the cost report's dimension
    champions: Mapping[str, str] = field(default_factory=dict)


Builder = Callable[[Inputs, Options], pl.DataFrame]


@dataclass(frozen=True)
class Spec:
    name: str
    title_en: str
    title_zh: str
    build: Builder


def _end(inp: Inputs) -> date:
    """The snapshot day of the period's end: the last one on or before it."""
    return inp.day_on_or_before(inp.scope.end) or inp.scope.end


def _start(inp: Inputs) -> date:
    return inp.day_on_or_before(inp.scope.start) or inp.scope.start


def _start_day(inp: Inputs) -> pl.DataFrame:
    return inp.snapshot(_start(inp))


def _period_moves(inp: Inputs) -> pl.DataFrame:
    """The accounts of the period's start and where they are at its end."""
    return inp.moves(_start(inp), _end(inp))


def portfolio(inp: Inputs, opt: Options) -> pl.DataFrame:
    """Open accounts and balance at the end of the period, collected in it. The end day's
    totals hold the same sums as its snapshot rows (``snapshots.totals_of``), in a few rows."""
    day = inp.day_on_or_before(inp.scope.end)
    if day is not None and day >= inp.scope.start:
        end = inp.totals().filter((pl.col("as_of") == day) & pl.col("status").is_in(OPEN))
        held = end.group_by("client_id", "currency").agg(
            pl.col("accounts").sum().cast(pl.Int64).alias("open_accounts"),
            pl.col("balance_minor").sum(),
        )
    else:
        rows = inp.snapshot(_end(inp)).filter(pl.col("status").is_in(OPEN))
        held = rows.group_by("client_id", "currency").agg(
            pl.len().cast(pl.Int64).alias("open_accounts"), pl.col("balance_minor").sum()
        )
    paid = inp.payments.group_by("client_id", "currency").agg(
        pl.col("amount_minor").sum().alias("collected_minor"),
        pl.col("account_id").n_unique().cast(pl.Int64).alias("paying_accounts"),
    )
    return (
        held.join(paid, on=["client_id", "currency"], how="full", coalesce=True)
        .fill_null(0)
        .sort("client_id", "currency")
    )


def trend(inp: Inputs, opt: Options) -> pl.DataFrame:
    """Open accounts and balance each snapshot day of the period."""
    return (
        inp.totals()
        .filter(pl.col("status").is_in(OPEN))
        .group_by("as_of", "client_id", "currency")
        .agg(pl.col("accounts").sum(), pl.col("balance_minor").sum())
        .sort("as_of", "client_id", "currency")
    )


def roll_rates(inp: Inputs, opt: Options) -> pl.DataFrame:
    """Month-over-month roll rates between consecutive month-end snapshots."""
    ends = inp.month_ends()
    parts = [
        recovery.roll_rates_of(inp.moves(a, b)).with_columns(
            pl.lit(b.strftime("%Y-%m")).alias("month")
        )
        for a, b in pairwise(ends)
    ]
    if not parts:
        return recovery.roll_rates_of(_period_moves(inp)).with_columns(
            pl.lit(inp.scope.end.strftime("%Y-%m")).alias("month")
        )
    return pl.concat(parts).select("month", pl.exclude("month"))


def _cohort(inp: Inputs) -> pl.DataFrame:
    """Accounts in an experiment at the start: experiment, arm, currency, base balance."""
    start = _start_day(inp)
    if start.is_empty():
        start = inp.accounts.with_columns(
            pl.sum_horizontal("principal_minor", "interest_minor", "fees_minor", "costs_minor")
            .alias("balance_minor")
        )  # fmt: skip
    pairs = [
        (text, exp, arm)
        for text in start["arms"].drop_nulls().unique().to_list()
        for exp, arm in (json.loads(text) or {}).items()
    ]
    arms = pl.DataFrame(
        pairs, schema=dict.fromkeys(("arms", "experiment", "arm"), pl.String), orient="row"
    )
    return start.join(arms, on="arms").select(
        "account_id", "client_id", "experiment", "arm", "currency",
        pl.col("balance_minor").alias("base_minor"),
    )  # fmt: skip


def experiment_arms(inp: Inputs, opt: Options) -> pl.DataFrame:
    """Per experiment and arm: accounts, recovery rate, amount per account, contacts, cost."""
    work = None
    cohort = _cohort(inp)
    if opt.costs is not None:
        work = cubes.experiment_work(inp, cohort, opt.costs)
        if work is None:
            work = costs.cost_per_collected(
                inp.interactions, inp.payments.head(0), inp.accounts, opt.costs, by="account_id"
            ).select("account_id", "attempts", "cost_minor")
    return experiments.arm_results(cohort, inp.payments, work).drop("rate_var")


def experiment_verdicts(inp: Inputs, opt: Options) -> pl.DataFrame:
    """Each challenger against its champion: lift, 95 % CI, p-value and a verdict."""
    arms = experiments.arm_results(_cohort(inp), inp.payments)
    return experiments.compare(arms, opt.champions, inp.scope.days)


def _cost(inp: Inputs, opt: Options) -> pl.DataFrame:
    if opt.costs is None:
        raise InvalidInput("the cost report needs the unit costs (config/costs.yaml)")
    if opt.by not in costs.DIMENSIONS:
        raise InvalidInput(f"--by must be one of {', '.join(costs.DIMENSIONS)}, not '{opt.by}'")
    return costs.cost_per_collected(inp.interactions, inp.payments, inp.accounts, opt.costs, opt.by)


def _invoices_ar_start(inp: Inputs) -> pl.DataFrame:
    start = _start_day(inp).join(inp.invoices.select("account_id").unique(), on="account_id")
    return start.group_by("client_id", "currency").agg(pl.col("balance_minor").sum().alias(
        "ar_start_minor"))  # fmt: skip


def _overrides(inp: Inputs, opt: Options) -> pl.DataFrame:
    low, high = inp.scope.instants()
    decided = queries.overrides(inp.uow.session, low, high, client=inp.client_id)
    return compliance.overrides(inp._in_scope(decided))


def _productivity(inp: Inputs, opt: Options) -> pl.DataFrame:
    s = inp.scope
    calls = people.calls_by_collector(inp.interactions)
    return people.productivity(calls, inp.promises, inp.staff, s.start, s.end)


def _collected(inp: Inputs, opt: Options) -> pl.DataFrame:
    s = inp.scope
    rows = queries.collected_by_owner(inp.uow.session, client=inp.client_id, first=s.start,
                                      last=s.end)  # fmt: skip
    by = people.collected_by_collector(inp._in_scope(rows))
    return people.collected_against_target(by, inp.staff, s.start, s.end)


S = Spec
SPECS: dict[str, Spec] = {s.name: s for s in (
    S("portfolio", "Portfolio overview", "资产组合概览", portfolio),
    S("trend", "Open balance by day", "每日未结余额", trend),
    S("liquidation", "Liquidation by placement cohort", "按委案批次的回收率",
      lambda i, o: vintages.liquidation(i) if vintages.answers(i)
      else recovery.liquidation_by_cohort(i.accounts, i.all_payments)),
    S("vintages", "Vintage curves", "账龄回收曲线",
      lambda i, o: vintages.vintage_curves(i) if vintages.answers(i)
      else recovery.vintage_curves(i.accounts, i.all_payments)),
    S("roll-rates", "Roll rates month over month", "逐月迁徙率", roll_rates),
    S("cure-rate", "Cure rate", "治愈率", lambda i, o: recovery.cure_rate_of(_period_moves(i))),
    S("bad-debt", "Bad-debt rate", "坏账率",
      lambda i, o: recovery.bad_debt_rate_of(_period_moves(i))),
    S("promises", "Promises: rate, kept rate, amount kept", "承诺还款：承诺率、兑现率、兑现金额",
      lambda i, o: contact.promise_rates(i.promises, i.interactions, i.scope.start, i.scope.end)),
    S("rpc", "Right-party-contact rate", "本人接通率",
      lambda i, o: contact.right_party_contact_rate(i.interactions)),
    S("contact-channels", "Contact and response by channel", "各渠道触达率与回复率",
      lambda i, o: contact.contact_rates(i.interactions, ("channel",), i.scope.tz)),
    S("contact-hours", "Contact and response by channel and hour", "各渠道分时段触达率",
      lambda i, o: contact.contact_rates(i.interactions, ("channel", "hour"), i.scope.tz)),
    S("contact-weekdays", "Contact and response by weekday", "按星期的触达率",
      lambda i, o: contact.contact_rates(i.interactions, ("channel", "weekday"), i.scope.tz)),
    S("deliveries", "Letters and messages delivered and bounced", "信函与消息送达与退回",
      lambda i, o: contact.deliveries(i.interactions)),
    S("best-time", "Best time and channel by segment", "各分群最佳联系时间与渠道",
      lambda i, o: contact.best_time(i.interactions, i.scope.tz)),
    S("cost", "Cost per unit collected", "单位回收成本", _cost),
    S("dso", "B2B DSO, best-possible DSO, ADD and CEI", "B2B 应收周转天数与回收效率指数",
      lambda i, o: b2b.dso(i.invoices, _invoices_ar_start(i), i.scope.start, i.scope.end)),
    S("invoice-ageing", "Invoice ageing", "发票账龄",
      lambda i, o: b2b.invoice_ageing(i.invoices, i.scope.end)),
    S("productivity", "Collector productivity against targets", "催收员绩效与目标", _productivity),
    S("teams", "Team productivity against targets", "团队绩效与目标",
      lambda i, o: people.team_productivity(_productivity(i, o))),
    S("collected-vs-target", "Collected against target per collector", "催收员回收金额与目标",
      _collected),
    S("experiments", "Champion/challenger arms", "冠军/挑战者各组结果", experiment_arms),
    S("experiment-verdicts", "Champion/challenger verdicts", "冠军/挑战者结论",
      experiment_verdicts),
    S("suppression", "Planned and suppressed actions by rule", "按规则的计划与拦截动作",
      lambda i, o: compliance.suppression(i.actions)),
    S("overrides", "Compliance overrides with reasons", "合规覆盖及理由", _overrides),
    S("disputes", "Disputes and their age", "争议及其时长",
      lambda i, o: compliance.dispute_ages(i.disputes, i.scope.end)),
    S("complaints", "Complaints and their age", "投诉及其时长",
      lambda i, o: compliance.complaints(i.interactions, i.scope.end)),
)}  # fmt: skip


DEFAULT_DAYS = 30


def load_options(config_dir: Path, by: str = "channel",
                 champions: Mapping[str, str] | None = None) -> Options:  # fmt: skip
    """Unit costs from ``config_dir/costs.yaml`` and each experiment's champion: the arm that
    keeps the segment's steps (``config_dir/strategies``), unless ``champions`` names one."""
    path = config_dir / "costs.yaml"
    book = load_costs(path) if path.exists() else None
    chosen: dict[str, str] = {}
    if (config_dir / "strategies").exists():
        for strategy in load_strategies(config_dir / "strategies"):
            for experiment in strategy.experiments or []:
                plain = [a.id for a in experiment.arms if not a.steps and not a.step_overrides]
                if plain:
                    chosen[experiment.id] = plain[0]
    return Options(costs=book, by=by, champions={**chosen, **(champions or {})})


def default_scope(end: date, client: str | None = None) -> Scope:
    """The dashboards' default period: the 30 days to ``end``."""
    return Scope(end - timedelta(days=DEFAULT_DAYS - 1), end, client)


def scope_key(scope: Scope, options: Options) -> str:
    s = scope
    return "|".join(str(v) for v in (s.start, s.end, s.client, s.segment, s.strategy, s.team,
                                      s.tz, options.by))  # fmt: skip


def _table(uow: UnitOfWork, spec: Spec, scope: Scope, frame: pl.DataFrame) -> ReportTable:
    if "client_id" in frame.columns:
        codes = queries.client_codes(uow.session)
        frame = frame.join(codes, on="client_id", how="left").select(
            "client", pl.exclude("client", "client_id")
        )
    return ReportTable(name=spec.name, title={"en": spec.title_en, "zh": spec.title_zh},
                       scope=scope, frame=frame)  # fmt: skip


def run_report(
    *,
    uow: UnitOfWork,
    name: str,
    scope: Scope,
    options: Options | None = None,
    cached: bool = False,
) -> ReportTable:
    """The report ``name`` over ``scope``, client ids shown as client codes.

    With ``cached``, the table the nightly refresh precomputed for the same
    scope is used when there is one (the dashboards' default views), else the
    daily cubes when they answer the report (``analytics.cubes``: contact and
    collector views for any filters and period), else it is computed from the
    accounts and payments the refresh kept and the store's other frames.
    """
    spec = SPECS.get(name)
    if spec is None:
        raise InvalidInput(f"unknown report '{name}' (known: {', '.join(SPECS)})")
    options = options or Options()
    if cached:
        found = queries.cached_report(uow.session, name, scope_key(scope, options))
        if found is not None:
            return _table(uow, spec, scope, pl.read_ipc(BytesIO(found[1])))
        if cubes.covers(uow, name, scope):
            return _table(uow, spec, scope, cubes.report(uow, name, scope))
    inputs = cubes.kept_inputs(uow, scope) if cached else Inputs(uow, scope)
    return _table(uow, spec, scope, spec.build(inputs, options))


def filter_scopes(inputs: Inputs) -> list[Scope]:
    """The default scope and one scope per value of each filter (a client, segment, strategy or
    team that has accounts): the views the refresh precomputes."""
    base, accounts = inputs.scope, inputs.accounts
    codes = queries.client_codes(inputs.uow.session)
    held = codes.join(accounts.select("client_id").unique(), on="client_id")["client"]
    teams = inputs.staff.join(accounts.select("team_id").unique(), on="team_id")["team"]

    def values(column: str) -> list[str]:
        return sorted(str(v) for v in accounts[column].drop_nulls().unique())

    scopes = [base]
    scopes += [replace(base, client=v) for v in sorted(held.to_list())]
    scopes += [replace(base, segment=v) for v in values("segment")]
    scopes += [replace(base, strategy=v) for v in values("strategy")]
    scopes += [replace(base, team=v) for v in sorted(teams.drop_nulls().unique().to_list())]
    return scopes


def precompute(*, uow: UnitOfWork, as_of: date, options: Options, at: datetime,
               accounts: pl.DataFrame | None = None, payments: pl.DataFrame | None = None,
               snapshot: pl.DataFrame | None = None,
               totals: pl.DataFrame | None = None) -> int:  # fmt: skip
    """Compute the dashboards' reports for the default scope of ``as_of`` and for each filter
    value within it (``precomputed`` says which), and keep the tables. The frames are read once
    and narrowed in memory for each filter; ``accounts``, ``payments``, ``snapshot`` and the day
    ``totals`` are today's (the refresh has just read or written them)."""
    queries.drop_cached_reports(uow.session)
    inputs = Inputs(uow, default_scope(as_of), given_accounts=accounts, given_payments=payments,
                    given_totals=totals, kept=True)  # fmt: skip
    if snapshot is not None:
        inputs.keep_snapshot(as_of, snapshot)
    done = 0
    groups = service.due_date_groups(inputs.accounts, queries.client_codes(uow.session))
    kept.keep(uow, AGING, groups, as_of, at)  # ageing as of any past day (``cached_aging``)
    for scope in filter_scopes(inputs):
        if not any((scope.segment, scope.strategy, scope.team)):  # ageing filters by client only
            aged = _aging_of(groups, scope.client, as_of)
            _keep(uow, "aging", scope_key(_aging_scope(scope), options), as_of, aged.frame, at)
        narrowed = inputs if scope == inputs.scope else inputs.within(scope)
        for spec in SPECS.values():
            if spec.name == "cost" and options.costs is None:
                continue  # no unit costs configured: computed live, where it says so
            if not precomputed(uow, spec.name, scope, default=scope == inputs.scope):
                continue  # on no dashboard, or the cubes or the kept frames answer it when asked
            _keep(uow, spec.name, scope_key(scope, options), as_of, spec.build(narrowed, options),
                  at)  # fmt: skip
            done += 1
    return done


# Filtered views computed when asked from what the refresh kept (the transitions and the
# snapshots' files) in well under a second, so not precomputed for each filter value.
FROM_KEPT = frozenset({"roll-rates", "cure-rate", "bad-debt", "vintages", "liquidation"})


def precomputed(uow: UnitOfWork, name: str, scope: Scope, *, default: bool) -> bool:
    """Whether the refresh precomputes report ``name``'s view of ``scope`` (the ``default``
    view or a filter's): a dashboard's report the cubes do not answer, and for a filter's view
    one the kept frames do not answer quickly either. Only the dashboards read kept tables
    (``arrears report`` and the scheduled e-mails compute live)."""
    shown = any(name in board.reports for board in DASHBOARDS.values())
    if not shown or cubes.covers(uow, name, scope):
        return False
    return default or name not in FROM_KEPT


def _keep(uow: UnitOfWork, report: str, key: str, as_of: date, frame: pl.DataFrame,
          at: datetime) -> None:  # fmt: skip
    out = BytesIO()
    frame.write_ipc(out)
    queries.store_report(uow.session, report=report, scope_key=key, as_of=as_of,
                         payload=out.getvalue(), at=at)  # fmt: skip


def _aging_scope(scope: Scope) -> Scope:
    """Ageing is as of the period's last day, by client only: the key of its kept table."""
    return replace(scope, start=scope.end, segment=None, strategy=None, team=None)


def cached_aging(*, uow: UnitOfWork, scope: Scope, options: Options | None = None
                 ) -> AgingReport | None:  # fmt: skip
    """The ageing table the refresh kept for ``scope`` (the dashboards' ageing), if any. Ageing
    is as of the last day and filters by client only, so neither the first day nor the other
    filters change the table."""
    plain = _aging_scope(scope)
    found = queries.cached_report(uow.session, "aging", scope_key(plain, options or Options()))
    if found is not None and found[0] == scope.end:
        return AgingReport(as_of=found[0], scheme=DPD_SCHEME, frame=pl.read_ipc(BytesIO(found[1])))
    built = store.built(uow.session, AGING)
    groups = kept.frame(uow, AGING) if built is not None and scope.end <= built else None
    return None if groups is None else _aging_of(groups, scope.client, scope.end)


AGING = "aging"  # the kept open balances by client, currency and due date


def _aging_of(groups: pl.DataFrame, client: str | None, as_of: date) -> AgingReport:
    """The ageing report of the kept groups, as ``aging_report`` computes it from the store."""
    rows = groups if client is None else groups.filter(pl.col("client") == client)
    return AgingReport(as_of=as_of, scheme=DPD_SCHEME,
                       frame=service.bucket_frame(rows, as_of, DPD_SCHEME))  # fmt: skip
