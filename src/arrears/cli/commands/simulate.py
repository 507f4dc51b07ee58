"""``arrears simulate``: the daily cycle on a simulated portfolio, to compare policies or to
give the demo a history."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from arrears.cli.commands.plan import value_settings
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.cli.local_sandbox import configure_sandbox_channels
from arrears.compliance.rulebooks import load_rulebooks
from arrears.errors import InvalidInput
from arrears.payments.policy import load_policies
from arrears.planner.value import ValueModel
from arrears.sim.simulator.params import SimulationParams, load_params
from arrears.sim.simulator.propensity import scorer
from arrears.sim.simulator.runner import Config, compare, prepare, simulate
from arrears.sim.simulator.world import Policy, value_model
from arrears.store.queries import planning as queries
from arrears.strategy.loader import load_strategies
from arrears.templates import load_templates

COLUMNS = (
    ("policy", "policy"), ("recovered", "recovered_minor"), ("cost", "cost_minor"),
    ("recovered/cost", "recovered_per_cost"), ("payers", "payers"), ("contacts", "contacts"),
    ("per debtor", "contacts_per_debtor"), ("calls", "calls"), ("talks", "conversations"),
    ("complaints", "complaints"), ("violations", "violations"), ("seconds", "seconds"),
)  # fmt: skip


def _config(ctx: App, path: Path | None, **overrides: Any) -> Config:
    params = load_params(path or ctx.settings.config_dir / "simulation.yaml")
    given = {k: v for k, v in overrides.items() if v is not None}
    if given:
        params = params.model_copy(update=given)
    folder = ctx.settings.config_dir
    return Config(params, load_rulebooks(ctx.settings.rulebook_dir),
                  load_templates(ctx.settings.template_dir), load_policies(folder / "resolution"),
                  ctx.cipher)  # fmt: skip


def simulate_command(
    config_file: Path | None = typer.Option(
        None, "--config", help="Simulation parameters (default config/simulation.yaml)."
    ),
    accounts: int | None = typer.Option(None, "--accounts", min=10),
    days: int | None = typer.Option(None, "--days", min=1, max=400),
    seed: int = typer.Option(1, "--seed", help="Same seed: same portfolio, same debtors."),
    capacity: int | None = typer.Option(
        None, "--call-capacity", min=0, help="Calls a day (default from the parameters)."
    ),
    priority: str = typer.Option("rules", "--priority", help="rules or value."),
    compare_: bool = typer.Option(
        False,
        "--compare",
        help="Compare rules and value priority "
        "(and --strategies, --capacities) on the same portfolio.",
    ),
    capacities: str | None = typer.Option(
        None, "--capacities", help="Also compare these call capacities, e.g. 150,450."
    ),
    strategies: list[Path] = typer.Option(
        [], "--strategies", help="Also compare this folder of strategies (repeatable)."
    ),
    train_days: int = typer.Option(
        0,
        "--train-days",
        min=0,
        help="Value priority: train the "
        "simulator's propensity on a run of this many days of "
        "another portfolio first (0: the plan's own scores).",
    ),
    as_demo: bool = typer.Option(
        False,
        "--as-demo",
        help="Load the demo portfolio into the "
        "configured database and play the last --days days on it.",
    ),
    warmup: int = typer.Option(
        0,
        "--warmup",
        min=0,
        max=400,
        help="Play the portfolio this many days with the shipped rules first, once; every "
        "compared policy starts from there (bench/simulate/run.py uses 30).",
    ),
    baseline: bool = typer.Option(
        False,
        "--baseline",
        help="Add a no-contact arm: what the debtors pay anyway, on the same portfolio and dice.",
    ),
    min_return: float | None = typer.Option(
        None,
        "--min-return",
        min=0,
        help="Value priority: the least a call must bring in per unit of its cost "
        "(default: config/costs.yaml's min_return).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run the real daily cycle on a simulated portfolio with debtors who answer back."""
    if priority not in ("rules", "value"):
        raise InvalidInput(f"--priority must be rules or value, not '{priority}'")
    ctx = build_app()
    if as_demo:
        _as_demo(ctx, config_file, accounts, days or 90, seed, capacity)
        return
    config = _config(ctx, config_file, accounts=accounts, days=days, call_capacity=capacity)
    params, shipped = config.params, load_strategies(ctx.settings.strategy_dir)
    work = ctx.settings.var_dir / "simulate"
    value_scorer = None
    if train_days:
        # LightGBM and scikit-learn load only for a run that trains (not with every command).
        from arrears.sim.simulator.training import train_propensity

        model, learnt = train_propensity(config, shipped, seed=seed + 10_000, days=train_days,
                                       work_dir=work, progress=_progress)  # fmt: skip
        value_scorer = scorer(model)
        typer.echo(f"propensity trained on {learnt} snapshots of another portfolio", err=True)
    # The simulation's unit costs and rates, the product's hurdle (config/costs.yaml).
    hurdle = value_settings(ctx.settings.config_dir, min_return).min_return
    value = replace(value_model(params), min_return=hurdle)
    policies = _policies(params, shipped, priority, compare_, capacities, strategies,
                         value_scorer, value)  # fmt: skip
    if baseline:
        policies.append(Policy("none", [], "rules", 0))
    warm = Policy(f"rules@{params.call_capacity}", shipped, "rules", params.call_capacity)
    results = compare(config, policies, seed=seed, work_dir=work, progress=_progress,
                      warmup=warmup, warmup_policy=warm)  # fmt: skip
    rows = [r.summary(params.rates) for r in results]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    _print(rows, params)


def _policies(
    params: SimulationParams, shipped: list[Any], priority: str, compare_: bool,
    capacities: str | None, strategies: list[Path], value_scorer: Any, value: ValueModel,
) -> list[Policy]:  # fmt: skip
    cap = params.call_capacity
    if not compare_:
        valued = priority == "value"
        return [Policy(f"{priority}@{cap}", shipped, priority, cap,
                       scorer=value_scorer if valued else None,
                       value=value if valued else None)]  # fmt: skip
    out = [
        Policy(f"rules@{cap}", shipped, "rules", cap),
        Policy(f"value@{cap}", shipped, "value", cap, scorer=value_scorer, value=value),
    ]
    for text in (capacities or "").split(","):
        if text.strip():
            other = int(text)
            out += [
                Policy(f"rules@{other}", shipped, "rules", other),
                Policy(f"value@{other}", shipped, "value", other, scorer=value_scorer, value=value),
            ]
    for folder in strategies:
        out.append(Policy(f"{folder.name}@{cap}", load_strategies(folder), "rules", cap))
    return out


def _progress(name: str, day: int, days: int) -> None:
    if day == days or day % 10 == 0:
        typer.echo(f"{name}: day {day}/{days}", err=True)


def _print(rows: list[dict[str, Any]], params: SimulationParams) -> None:
    console = Console(width=180)
    table = Table(title=f"Simulated {rows[0]['days']} days, seed {rows[0]['seed']} "
                        f"(amounts in minor units of {params.report_currency})")  # fmt: skip
    for title, _ in COLUMNS:
        table.add_column(title, justify="left" if title == "policy" else "right")
    for row in rows:
        table.add_row(*(_cell(row[key]) for _, key in COLUMNS))
    console.print(table)
    base = rows[0]["recovered_per_cost"]
    arms = [row for row in rows if row["policy"] != "none"]
    for row in arms[1:]:
        known = 0 < base < float("inf")
        change = f"{100 * (row['recovered_per_cost'] / base - 1):+.1f} %" if known else "n/a"
        console.print(f"{row['policy']}: {change} recovered per unit of cost vs "
                      f"{rows[0]['policy']}")  # fmt: skip
    anyway = next((row for row in rows if row["policy"] == "none"), None)
    if anyway is None:
        return
    for row in arms:
        # What the policy's spending bought: its recovery above what is paid anyway.
        added = row["recovered_minor"] - anyway["recovered_minor"]
        per_cost = f"{added / row['cost_minor']:,.1f}" if row["cost_minor"] else "n/a"
        console.print(f"{row['policy']}: {_cell(added)} recovered over no contact, "
                      f"{per_cost} per unit of cost")  # fmt: skip


def _cell(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}" if isinstance(
        value, int) else str(value)  # fmt: skip


def _as_demo(ctx: App, path: Path | None, accounts: int | None, days: int, seed: int,
             capacity: int | None) -> None:  # fmt: skip
    """The demo with a past: load it ``days`` ago, then play those days with the rules."""
    end = ctx.clock().date()
    config = _config(ctx, path, accounts=accounts, days=days, call_capacity=capacity,
                     start=end - timedelta(days=days))  # fmt: skip
    with ctx.uow() as uow:
        loaded = queries.open_accounts(uow.session).height
    if not loaded:
        prepare(ctx.uow_factory, config, seed=seed, work_dir=ctx.settings.demo_dir)
    configure_sandbox_channels(ctx.uow_factory, ctx.settings.letters_dir, ctx.clock())
    policy = Policy("demo", load_strategies(ctx.settings.strategy_dir), "rules",
                    config.params.call_capacity)  # fmt: skip
    metrics = simulate(ctx.uow_factory, config, policy, seed=seed,
                       progress=lambda d, n: _progress("demo", d, n))  # fmt: skip
    summary = metrics.summary(config.params.rates)
    typer.echo(f"demo history: {days} days to {end.isoformat()}, {summary['payments']} payments, "
               f"{summary['contacts']} contacts, {sum(summary['promises'].values())} promises, "
               f"{summary['violations']} compliance violations")  # fmt: skip
