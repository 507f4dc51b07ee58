"""``arrears analytics``: the nightly snapshot refresh and the demo's backfill of past days."""

from __future__ import annotations

from datetime import timedelta

import typer

from arrears.analytics.refresh import Backfill, refresh
from arrears.cli.commands.report import parse_day, report_options
from arrears.cli.context import app as build_app
from arrears.errors import InvalidInput
from arrears.store.queries import analytics as queries

app = typer.Typer(help="Daily snapshots for trends, roll rates and dashboards.",
                  no_args_is_help=True)  # fmt: skip


@app.command("refresh")
def refresh_command(
    as_of: str | None = typer.Option(None, "--as-of", help="Day of the snapshot; default today."),
) -> None:
    """Write the day's snapshot of every account and the totals the dashboards read."""
    ctx = build_app()
    now = ctx.clock()
    day = parse_day(as_of, "--as-of", now.date())
    with ctx.uow() as uow:
        result = refresh(uow=uow, as_of=day, at=now, actor="cli", options=report_options(ctx))
        uow.commit()
    typer.echo(
        f"snapshot {day.isoformat()}: {result.accounts} account(s), {result.groups} group(s)"
    )


@app.command("backfill")
def backfill_command(
    start: str = typer.Option(..., "--from", help="First day to reconstruct."),
    end: str | None = typer.Option(None, "--to", help="Last day (default: yesterday)."),
    force: bool = typer.Option(False, "--force", help="Also replace days the refresh wrote."),
) -> None:
    """Reconstruct past days' snapshots from today's accounts and the payments since.

    An approximation (docs/kpis.md): payments are put back exactly, interest and
    fees charged since are not taken off. Days written by the refresh are kept.
    """
    ctx = build_app()
    now = ctx.clock()
    first = parse_day(start, "--from")
    last = parse_day(end, "--to", now.date() - timedelta(days=1))
    if first > last:
        raise InvalidInput(f"--from {first} is after --to {last}")
    with ctx.uow() as uow:
        data = Backfill.load(uow)
        runs = queries.snapshot_runs(uow.session)
    exact = set(runs.filter(runs["kind"] == "refresh")["as_of"].to_list())
    written = kept = 0
    day = first
    while day <= last:
        if day in exact and not force:
            kept += 1
        else:
            with ctx.uow() as uow:  # one transaction a day: an interruption keeps what is done
                data.day(uow=uow, as_of=day, at=now, actor="cli")
                uow.commit()
            written += 1
        day += timedelta(days=1)
    typer.echo(f"backfilled {written} day(s) from {first} to {last}; kept {kept} refreshed day(s)")
