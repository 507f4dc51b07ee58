"""``arrears report``: reports on the portfolio, one command per measure.

``aging`` reads the accounts as they are; every other report (the names of
``analytics.reports.SPECS``) reads the period ``--from``/``--to`` (default: the
30 days to today) and the daily snapshots the nightly refresh writes.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arrears.analytics.inputs import Scope
from arrears.analytics.reports import SPECS, Options, Spec, load_options, run_report
from arrears.analytics.service import AgingReport, aging_report
from arrears.analytics.tables import ReportTable
from arrears.cli.context import App, today
from arrears.cli.context import app as build_app
from arrears.core.aging import get_scheme
from arrears.errors import InvalidInput

app = typer.Typer(help="Portfolio reports.", no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"


def parse_day(text: str | None, option: str = "--as-of", default: date | None = None) -> date:
    if text is None:
        return default or today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{option} must be a date like 2026-11-22, not '{text}'") from exc


@app.command("aging")
def aging(
    client: str | None = typer.Option(None, "--client", help="Only this client."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD); default today."),
    scheme: str = typer.Option("dpd", "--scheme", help="Bucket scheme: dpd or m (M0-M7+)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or xlsx."),
    output: Path | None = typer.Option(None, "--output", "--out", "-o", help="File for csv/xlsx."),
    locale: str | None = typer.Option(
        None, "--locale", help="Locale of amounts (zh_CN, en_US…); default: each currency's own."
    ),
) -> None:
    """Open balances and account counts by ageing bucket, currency and client."""
    day = parse_day(as_of)
    if fmt is Format.pdf:
        raise InvalidInput("the ageing report is exported as table, csv or xlsx")
    with build_app().uow() as uow:
        if client and uow.clients.get_by_code(client) is None:
            raise InvalidInput(f"unknown client '{client}'")
        report = aging_report(uow=uow, as_of=day, scheme=get_scheme(scheme), client=client)
    if fmt is Format.table:
        print_aging(report, locale)
    elif fmt is Format.csv:
        text = report.for_export().write_csv()
        if output:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"written {output}")
        else:
            typer.echo(text, nl=False)
    else:
        target = output or Path(f"aging-{day.isoformat()}.xlsx")
        report.for_export().write_excel(target, worksheet="aging")
        typer.echo(f"written {target}")


def print_aging(report: AgingReport, locale: str | None = None) -> None:
    shown = report.for_display(locale)
    table = Table(title=f"Ageing as of {report.as_of.isoformat()} ({report.scheme.name} buckets)")
    for column in shown.columns:
        table.add_column(
            column, justify="right" if column not in ("client", "currency", "bucket") else "left"
        )
    previous = None
    for row in shown.iter_rows():
        key = (row[0], row[1])
        if previous is not None and key != previous:
            table.add_section()
        previous = key
        table.add_row(*(str(v) for v in row))
    _console().print(table)
    if shown.is_empty():
        typer.echo("no open accounts")


def _console() -> Console:
    console = Console()
    return console if console.is_terminal else Console(width=240)  # piped: keep rows whole


def report_options(ctx: App, by: str = "channel", champions: list[str] | None = None) -> Options:
    """The unit costs of config/costs.yaml and the champions (from the strategies or --champion)."""
    chosen: dict[str, str] = {}
    for pair in champions or []:
        name, _, arm = pair.partition("=")
        if not arm:
            raise InvalidInput(f"--champion is experiment=arm, not '{pair}'")
        chosen[name] = arm
    return load_options(ctx.settings.config_dir, by, chosen)


def emit(table: ReportTable, fmt: Format, out: Path | None, locale: str) -> None:
    """Print the table or write it in the asked format (to --out or a default file)."""
    if fmt is Format.table:
        shown = table.for_display(locale.replace("-", "_"))
        grid = Table(title=table.heading(locale))
        for column in shown.columns:
            grid.add_column(column)
        for row in shown.iter_rows():
            grid.add_row(*row)
        _console().print(grid)
        if shown.is_empty():
            typer.echo("no rows" if not locale.startswith("zh") else "无数据")
        return
    if fmt is Format.csv and out is None:
        typer.echo(table.csv(), nl=False)
        return
    target = out or Path(f"{table.name}-{table.scope.end.isoformat()}.{fmt.value}")
    if fmt is Format.csv:
        target.write_text(table.csv(), encoding="utf-8")
    else:
        target.write_bytes(table.xlsx() if fmt is Format.xlsx else table.pdf(locale))
    typer.echo(f"written {target}")


def _command(spec: Spec) -> None:
    def command(
        fmt: Format = typer.Option(Format.table, "--format", help="table, csv, xlsx or pdf."),
        out: Path | None = typer.Option(None, "--out", "-o", help="File to write."),
        client: str | None = typer.Option(None, "--client", help="Only this client."),
        start: str | None = typer.Option(None, "--from", help="First day (default: 30 days ago)."),
        end: str | None = typer.Option(None, "--to", help="Last day (default: today)."),
        segment: str | None = typer.Option(None, "--segment", help="Only this segment."),
        strategy: str | None = typer.Option(None, "--strategy", help="Only this strategy."),
        team: str | None = typer.Option(None, "--team", help="Only this team's accounts."),
        tz: str = typer.Option("UTC", "--tz", help="Time zone of hours and weekdays."),
        by: str = typer.Option(
            "channel", "--by", help="cost: strategy, segment, channel or collector."
        ),
        champion: list[str] = typer.Option([], "--champion", help="experiment=arm (repeatable)."),
        locale: str = typer.Option("en-US", "--locale", help="en-US or zh-CN."),
    ) -> None:
        ctx = build_app()
        last = parse_day(end, "--to", ctx.clock().date())
        first = parse_day(start, "--from", last - timedelta(days=29))
        scope = Scope(first, last, client, segment, strategy, team, tz)
        options = report_options(ctx, by, champion)
        with ctx.uow() as uow:
            table = run_report(uow=uow, name=spec.name, scope=scope, options=options)
        emit(table, fmt, out, locale)

    command.__doc__ = f"{spec.title_en} ({spec.title_zh})."
    app.command(spec.name)(command)


for _spec in SPECS.values():
    _command(_spec)
