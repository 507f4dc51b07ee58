"""``arrears model``: train, evaluate, promote, list, score, monitor, reasons, benchmark."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from arrears.cli.commands.report import parse_day
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.core.money import Money
from arrears.scoring.reasons import describe_all

if TYPE_CHECKING:
    from types import ModuleType

app = typer.Typer(help="Scoring models: propensity to pay, registry, monitoring.",
                  no_args_is_help=True)  # fmt: skip


def _service() -> ModuleType:
    """The scoring service, imported when a command runs: LightGBM, scikit-learn and pandas
    take seconds to import, and every other ``arrears`` command would pay for them."""
    from arrears.planner import scoring

    return scoring


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=160)


def _actor() -> str:
    return f"cli:{os.environ.get('USER', 'unknown')}"


def models_dir(ctx: App) -> Path:
    """Model files live under the var folder (ignored by git, never committed)."""
    return ctx.settings.var_dir / "models"


def _num(value: object, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float) else "-"


@app.command("train")
def train(
    kind: str = typer.Option("lightgbm", "--kind", help="lightgbm or scorecard."),
    as_of: str | None = typer.Option(None, "--as-of", help="Train up to this day; default today."),
    horizon: int = typer.Option(30, "--horizon", min=1, help="Days a payment may take."),
    snapshots: int = typer.Option(6, "--snapshots", min=1, help="Snapshot days to learn from."),
    step: int = typer.Option(14, "--step", min=1, help="Days between snapshot days."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same data, same model)."),
    champion: bool = typer.Option(
        False, "--champion", help="Promote the new model to champion at once (the demo does)."
    ),
) -> None:
    """Train a model on the store's history and register it as a candidate."""
    ctx = build_app()
    plan = _service().TrainingPlan(parse_day(as_of, default=ctx.clock().date()), kind,
                                _service().NAME, horizon, snapshots, step, seed)  # fmt: skip
    with ctx.uow() as uow:
        record = _service().train_model(uow=uow, plan=plan, models_dir=models_dir(ctx),
                                     at=ctx.clock(), actor=_actor())  # fmt: skip
        uow.commit()
        metrics, version = record.metrics, record.version
    test = metrics["test"]
    typer.echo(
        f"trained {version} ({kind}) on {metrics['rows']} rows, {metrics['payers']} payers "
        f"(base rate {metrics['base_rate']:.3f}), snapshots {plan.days()[-1]}..{plan.days()[0]}"
    )
    typer.echo(
        f"test: AUC {_num(test['auc'])}  KS {_num(test['ks'])}  Brier {_num(test['brier'], 4)}  "
        f"calibration error {_num(test['ece'], 4)}  ({metrics['calibration']})"
    )
    if champion:
        promote(version, challenger=False, share=0.0)
    else:
        typer.echo(f"status: candidate — arrears model promote {version}")


@app.command("evaluate")
def evaluate(
    version: str = typer.Argument(..., help="Model version, e.g. pay30-v1."),
    as_of: str | None = typer.Option(None, "--as-of", help="Outcomes up to this day."),
) -> None:
    """Performance on the newest complete outcome window: AUC, KS, calibration by decile."""
    ctx = build_app()
    with ctx.uow() as uow:
        result = _service().evaluate_model(
            uow=uow, version=version, as_of=parse_day(as_of, default=ctx.clock().date()),
            models_dir=models_dir(ctx), at=ctx.clock(), actor=_actor(),
        )  # fmt: skip
        uow.commit()
    new = "new outcomes" if result["new_outcomes"] else "outcomes inside the training period"
    typer.echo(f"{version} on {result['count']} accounts of {result['snapshot']} ({new}), "
               f"{result['positives']} paid")  # fmt: skip
    typer.echo(
        f"AUC {_num(result['auc'])}  KS {_num(result['ks'])}  "
        f"Brier {_num(result['brier'], 4)}  calibration error {_num(result['ece'], 4)}"
    )
    table = Table(title="Calibration by score decile")
    for column in ("decile", "predicted", "observed", "accounts"):
        table.add_column(column, justify="right")
    for i, (predicted, observed, count) in enumerate(result["deciles"], 1):
        table.add_row(str(i), f"{predicted:.3f}", f"{observed:.3f}", str(count))
    _console().print(table)


@app.command("promote")
def promote(
    version: str = typer.Argument(..., help="Model version."),
    challenger: bool = typer.Option(False, "--challenger", help="A challenger, not the champion."),
    share: float = typer.Option(0.2, "--share", help="The challenger's share of the accounts."),
) -> None:
    """Make a model the champion (the old one retires) or a challenger with a share."""
    ctx = build_app()
    with ctx.uow() as uow:
        record = _service().promote_model(uow=uow, version=version, challenger=challenger,
                                       share=share, at=ctx.clock(), actor=_actor())  # fmt: skip
        uow.commit()
        status, got = record.status, record.challenger_share
    typer.echo(f"{version} is now {status}" + (f" for {got:.0%} of the accounts" if got else ""))


@app.command("list")
def list_models() -> None:
    """The registry: versions, kinds, periods, statuses and test metrics."""
    table = Table(title="Models")
    for column in ("version", "kind", "status", "share", "period", "rows", "test AUC", "KS"):
        table.add_column(column)
    with build_app().uow() as uow:
        for m in uow.scoring.models():
            test = m.metrics.get("test", {})
            share = f"{m.challenger_share:.0%}" if m.challenger_share else ""
            table.add_row(m.version, m.kind, m.status, share, f"{m.period_from}..{m.period_to}",
                          str(m.metrics.get("rows", "")), _num(test.get("auc")),
                          _num(test.get("ks")))  # fmt: skip
    _console().print(table)


@app.command("score")
def score(
    as_of: str | None = typer.Option(None, "--as-of", help="Score day; default today."),
    partition_size: int = typer.Option(250_000, "--partition-size", min=1000),
) -> None:
    """Score every open account with the champion (and challengers); the plan reads the scores."""
    ctx = build_app()
    day = parse_day(as_of, default=ctx.clock().date())
    with ctx.uow() as uow:
        summary = _service().score_portfolio(uow=uow, as_of=day, models_dir=models_dir(ctx),
                                          at=ctx.clock(), actor=_actor(),
                                          partition_size=partition_size)  # fmt: skip
        uow.commit()
    tiers = ", ".join(f"{t} {n}" for t, n in sorted(summary.tiers.items()))
    arms = ", ".join(f"{v} {n}" for v, n in summary.arms.items())
    typer.echo(f"scored {summary.accounts} accounts on {day} ({summary.rows} score rows)")
    typer.echo(f"tiers: {tiers}\narms: {arms}")


@app.command("monitor")
def monitor(as_of: str | None = typer.Option(None, "--as-of", help="Day; default today.")) -> None:
    """Drift: PSI of the latest scores and of today's features against the training data."""
    ctx = build_app()
    day = parse_day(as_of, default=ctx.clock().date())
    with ctx.uow() as uow:
        reports = _service().monitor(uow=uow, as_of=day, models_dir=models_dir(ctx))
    if not reports:
        typer.echo("no champion or challenger to monitor")
        return
    from arrears.scoring.monitoring import STABLE, WATCH, psi_status

    console = _console()
    for report in reports:
        table = Table(title=f"{report.version} ({report.status}): PSI against training")
        for column in ("what", "PSI", "reading"):
            table.add_column(column)
        if report.score_psi is not None:
            table.add_row(f"score ({report.day})", f"{report.score_psi:.4f}",
                          psi_status(report.score_psi))  # fmt: skip
        for name, value, status in report.features:
            table.add_row(name, f"{value:.4f}", status)
        console.print(table)
    console.print(f"PSI < {STABLE}: stable; {STABLE}-{WATCH}: moved, watch it; > {WATCH}: "
                  "shifted, retrain or investigate before trusting the scores.")  # fmt: skip


@app.command("reasons")
def reasons(
    account: str = typer.Argument(..., help="The account ref."),
    client: str | None = typer.Option(None, "--client", help="Client code, if refs repeat."),
    locale: str = typer.Option("en-US", "--locale", help="en-US or zh-CN."),
) -> None:
    """An account's latest scores and the reasons behind them, in words."""
    with build_app().uow() as uow:
        scores = _service().account_scores(uow=uow, account_ref=account, client=client)
    if not scores:
        typer.echo(f"{account} has no score yet (arrears model score)")
        return
    for s in scores:
        amount = Money(s.expected_minor, s.currency).format(locale.replace("-", "_"))
        mark = "*" if s.used else " "
        typer.echo(f"{mark} {s.as_of} {s.version} ({s.arm}): P(pay 30d) {s.probability:.3f}, "
                   f"tier {s.tier}, expected {amount}")  # fmt: skip
        for line in describe_all(s.reasons, locale, s.currency):
            typer.echo(f"    - {line}")


@app.command("benchmark")
def benchmark(
    dataset: list[str] = typer.Option(
        ["uci-credit-card", "german-credit"], "--dataset", help="uci-credit-card, german-credit."
    ),
    seed: int = typer.Option(20261123, "--seed", help="Seed of the held-out split."),
) -> None:
    """Our LightGBM pipeline against a WOE scorecard on public credit data: AUC and KS."""
    from arrears.scoring.benchmark import run

    table = Table(title="Held-out AUC and KS (30 % of each data set, stratified)")
    for column in ("data set", "rows", "test rows", "model", "AUC", "KS"):
        table.add_column(column)
    for r in run(dataset, seed):
        table.add_row(r.dataset, str(r.rows), str(r.test_rows), r.model, f"{r.auc:.4f}",
                      f"{r.ks:.4f}")  # fmt: skip
    _console().print(table)
