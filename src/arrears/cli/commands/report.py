"""``arrears report``: reports on the portfolio."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arrears.analytics.service import AgingReport, aging_report
from arrears.cli.context import app as build_app
from arrears.cli.context import today
from arrears.core.aging import get_scheme
from arrears.errors import InvalidInput

app = typer.Typer(help="Portfolio reports.", no_args_is_help=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


def parse_day(text: str | None) -> date:
    if text is None:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"--as-of must be a date like 2026-11-22, not '{text}'") from exc


@app.command("aging")
def aging(
    client: str | None = typer.Option(None, "--client", help="Only this client."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD); default today."),
    scheme: str = typer.Option("dpd", "--scheme", help="Bucket scheme: dpd or m (M0-M7+)."),
    fmt: Format = typer.Option(Format.table, "--format", help="table, csv or xlsx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File for csv/xlsx."),
    locale: str | None = typer.Option(
        None, "--locale", help="Locale of amounts (zh_CN, en_US…); default: each currency's own."
    ),
) -> None:
    """Open balances and account counts by ageing bucket, currency and client."""
    day = parse_day(as_of)
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
    console = Console()
    if not console.is_terminal:  # piped: do not squeeze amounts into 80 columns
        console = Console(width=200)
    console.print(table)
    if shown.is_empty():
        typer.echo("no open accounts")
