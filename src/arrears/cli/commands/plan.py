"""``arrears plan``, ``arrears explain`` and ``arrears strategies``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arrears.analytics.measures.costs import load_costs
from arrears.cli.commands.model import models_dir
from arrears.cli.commands.report import parse_day
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.compliance.rulebooks import Rulebooks, load_rulebooks
from arrears.planner.explain import explain_account
from arrears.planner.plan import PlanParams
from arrears.planner.service import PlanSummary, default_workers, run_daily_plan
from arrears.planner.value import ValueModel
from arrears.strategy.describe import describe
from arrears.strategy.loader import load_strategies
from arrears.strategy.schema import Strategy

strategies_app = typer.Typer(help="Treatment strategies (config/strategies).", no_args_is_help=True)


def policy(ctx: App) -> tuple[list[Strategy], Rulebooks]:
    """The strategies and rulebooks of the configuration folder, validated."""
    return load_strategies(ctx.settings.strategy_dir), load_rulebooks(ctx.settings.rulebook_dir)


def plan(
    as_of: str | None = typer.Option(
        None, "--as-of", help="Plan date (YYYY-MM-DD); default today."
    ),
    call_capacity: int | None = typer.Option(
        None, "--call-capacity", min=0, help="Calls the team can make today (default: no limit)."
    ),
    partition_size: int = typer.Option(250_000, "--partition-size", min=1000),
    priority: str = typer.Option(
        "rules",
        "--priority",
        help="rules (default) or value: EV from the scores, calls "
        "allocated by the optimiser and placed at the best hour.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        min=1,
        help="Processes planning partitions at once (default: 1 on SQLite, "
        "the cores up to 4 on PostgreSQL).",
    ),
    min_return: float | None = typer.Option(
        None,
        "--min-return",
        min=0,
        help="Value priority: the least a call must be expected to bring in per unit of its "
        "cost to be made, even if capacity is left (default: config/costs.yaml's min_return).",
    ),
) -> None:
    """Plan today's work for every open account: what, through which channel, and why."""
    if priority not in ("rules", "value"):
        raise typer.BadParameter("rules or value", param_hint="--priority")
    ctx = build_app()
    day = parse_day(as_of)
    strategies, rulebooks = policy(ctx)
    scores = None
    if priority == "value":  # calls valued by what they add, when the champion learnt it
        from arrears.planner.scoring import uplift_scores  # LightGBM: only when it is used

        with ctx.uow_factory() as uow:
            scores = uplift_scores(uow=uow, as_of=day, models_dir=models_dir(ctx))
    summary = run_daily_plan(
        uow_factory=ctx.uow_factory,
        strategies=strategies,
        rulebooks=rulebooks,
        as_of=day,
        clock=ctx.clock,
        actor=f"cli:{os.environ.get('USER', 'unknown')}",
        params=PlanParams(
            call_capacity=call_capacity,
            priority=priority,  # type: ignore[arg-type]
            scores=scores,
            value=value_settings(ctx.settings.config_dir, min_return)
            if priority == "value"
            else ValueModel(),
        ),
        partition_size=partition_size,
        workers=workers or default_workers(ctx.settings.database_url),
        database_url=ctx.settings.database_url,
    )
    print_plan(ctx, summary)


def value_settings(config_dir: Path, min_return: float | None = None) -> ValueModel:
    """The value priority's unit costs, currency rates and hurdle from ``costs.yaml``.

    A call costs its channel's unit cost plus the collector's ``call_minutes``;
    without the file the value model's defaults stand. ``min_return`` overrides
    the file's.
    """
    path = config_dir / "costs.yaml"
    if not path.exists():
        return ValueModel() if min_return is None else ValueModel(min_return=min_return)
    book = load_costs(path)
    costs: dict[str, dict[str, int]] = {}
    for currency, channel, unit, collector in book.frame().iter_rows():
        costs.setdefault(currency, {})[channel] = unit + collector
    return ValueModel(currency_costs=costs, rates={c: float(r) for c, r in book.rates.items()},
                      min_return=book.min_return if min_return is None else min_return)  # fmt: skip


def print_plan(ctx: App, summary: PlanSummary) -> None:
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    resumed = " (resumed)" if summary.resumed else ""
    console.print(
        f"plan of {summary.plan_date.isoformat()}: run {summary.run_id}{resumed}, "
        f"{summary.partitions} partition(s)"
    )
    table = Table(title="Today's work by channel")
    for column in ("channel", "planned", "review", "suppressed"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    channels = sorted({key.split(":", 1)[1] for key in summary.counts})
    for channel in channels:
        table.add_row(
            channel,
            *(
                str(summary.counts.get(f"{s}:{channel}", 0))
                for s in ("planned", "review", "suppressed")
            ),
        )
    console.print(table)
    with ctx.uow() as uow:
        top = uow.plans.top_suppressions(summary.plan_date)
    suppressed = Table(title="Top suppressions by rule")
    suppressed.add_column("rule or reason")
    suppressed.add_column("actions", justify="right")
    for rule, count in top:
        suppressed.add_row(rule, str(count))
    console.print(suppressed)


def explain(
    account: str = typer.Argument(..., help="The account ref."),
    client: str | None = typer.Option(None, "--client", help="Client code, if refs repeat."),
    as_of: str | None = typer.Option(None, "--as-of", help="Plan date; default the latest plan."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Why an account gets what it gets: segment, arm, steps, every verdict with its rule."""
    day = parse_day(as_of) if as_of else None
    with build_app().uow() as uow:
        explanation = explain_account(uow=uow, client=client, account_ref=account, plan_date=day)
    if as_json:
        typer.echo(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2))
        return
    for line in explanation.lines():
        typer.echo(line)


@strategies_app.command("list")
def list_strategies() -> None:
    """List the strategies and what they apply to."""
    for strategy in load_strategies(build_app().settings.strategy_dir):
        typer.echo(f"{strategy.id}\tversion {strategy.version}\t{strategy.name}")


@strategies_app.command("show")
def show(strategy_id: str = typer.Argument(..., help="Strategy id.")) -> None:
    """Show a strategy's segments, steps and experiments."""
    for strategy in load_strategies(build_app().settings.strategy_dir):
        if strategy.id == strategy_id:
            typer.echo(describe(strategy))
            return
    raise typer.BadParameter(f"no strategy '{strategy_id}'", param_hint="STRATEGY_ID")


@strategies_app.command("validate")
def validate() -> None:
    """Load and check every strategy and rulebook; errors name the file, line and field."""
    ctx = build_app()
    strategies, rulebooks = policy(ctx)
    typer.echo(f"{len(strategies)} strategies and {len(rulebooks)} rulebooks are valid")
