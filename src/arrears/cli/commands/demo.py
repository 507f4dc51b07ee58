"""``arrears demo``: a realistic demo portfolio, loaded and reported."""

from __future__ import annotations

import os

import typer

from arrears.analytics.service import aging_report
from arrears.cli.commands.imports import _print
from arrears.cli.commands.report import parse_day, print_aging
from arrears.cli.context import app as build_app
from arrears.cli.local_sandbox import configure_sandbox_channels
from arrears.core.aging import get_scheme
from arrears.sim.demo import load_demo, load_history


def demo(
    accounts: int = typer.Option(20_000, "--accounts", min=10, help="Number of accounts."),
    seed: int = typer.Option(20261122, "--seed", help="Random seed (same seed, same data)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Portfolio date; default today."),
    report: bool = typer.Option(True, "--report/--no-report", help="Print the ageing report."),
) -> None:
    """Generate the demo portfolio as files and import it like a user would."""
    ctx = build_app()
    day = parse_day(as_of)
    summaries = load_demo(
        out_dir=ctx.settings.demo_dir,
        accounts=accounts,
        seed=seed,
        as_of=day,
        uow_factory=ctx.uow_factory,
        cipher=ctx.cipher,
        reject_dir=ctx.settings.reject_dir,
        clock=ctx.clock,
        workers=os.cpu_count() or 1,
        on_file=_print,
    )
    written = load_history(uow_factory=ctx.uow_factory, as_of=day, seed=seed, at=ctx.clock())
    configure_sandbox_channels(ctx.uow_factory, ctx.settings.letters_dir, ctx.clock())
    typer.echo(
        f"demo loaded: {len(summaries)} files into {ctx.database.display_url}"
        + (f", {written} past contacts" if written else "")
    )
    if report:
        with ctx.uow() as uow:
            print_aging(aging_report(uow=uow, as_of=day, scheme=get_scheme("dpd")))
