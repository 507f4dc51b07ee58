"""``arrears import accounts|payments FILE --client CODE``."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from arrears.cli.context import app as build_app
from arrears.ingest.mapping import list_presets
from arrears.ingest.tasks import ImportRequest, ImportSummary, run_import

app = typer.Typer(help="Import portfolio files (CSV, XLSX, Parquet).", no_args_is_help=True)
mappings_app = typer.Typer(help="Column mappings for import files.", no_args_is_help=True)

FILE = typer.Argument(..., help="CSV, XLSX or Parquet file.")
CLIENT = typer.Option(..., "--client", help="Code of the client the file belongs to.")
MAPPING = typer.Option(None, "--mapping", help="Mapping YAML file or preset name.")
DRY_RUN = typer.Option(False, "--dry-run", help="Validate only; write nothing to the database.")
BATCH = typer.Option(20_000, "--batch-size", min=100, help="Rows per transaction.")
WORKERS = typer.Option(None, "--workers", min=0, help="Validation processes (default: cores).")


def _run(
    kind: str,
    path: Path,
    client: str,
    mapping: str | None,
    dry_run: bool,
    batch_size: int,
    workers: int | None,
) -> ImportSummary:
    ctx = build_app()
    request = ImportRequest(
        kind=kind,
        path=path,
        client=client,
        mapping=mapping,
        dry_run=dry_run,
        actor=f"cli:{os.environ.get('USER', 'unknown')}",
        batch_size=batch_size,
        workers=os.cpu_count() or 1 if workers is None else workers,
    )
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        task = bar.add_task(f"importing {path.name}", total=None)
        summary = run_import(
            request,
            uow_factory=ctx.uow_factory,
            cipher=ctx.cipher,
            reject_dir=ctx.settings.reject_dir,
            clock=ctx.clock,
            progress=lambda n: bar.update(task, description=f"importing {path.name}: {n:,} rows"),
        )
    _print(summary)
    return summary


def _print(summary: ImportSummary) -> None:
    c = summary.counts
    label = "dry run of " if summary.dry_run else ""
    typer.echo(
        f"{label}{summary.kind} import of {summary.file} for {summary.client}"
        + (f" (import {summary.import_id})" if summary.import_id else "")
    )
    typer.echo(
        f"  read {summary.read} = inserted {c.inserted} + updated {c.updated}"
        f" + unchanged {c.unchanged} + rejected {c.rejected}"
    )
    if summary.ignored_columns:
        typer.echo(f"  columns not used: {', '.join(summary.ignored_columns)}")
    if summary.indexes_built_after:
        typer.echo("  first load into empty tables: their search indexes were built at the end")
    if summary.reject_file:
        typer.echo(f"  rejects: {summary.reject_file}")
        typer.echo(f"  rejected rows, ready to fix and re-import: {summary.rejected_rows_file}")


@app.command("accounts")
def accounts(
    path: Path = FILE,
    client: str = CLIENT,
    mapping: str | None = MAPPING,
    dry_run: bool = DRY_RUN,
    batch_size: int = BATCH,
    workers: int | None = WORKERS,
) -> None:
    """Import accounts (canonical columns: docs/import.md)."""
    _run("accounts", path, client, mapping, dry_run, batch_size, workers)


@app.command("payments")
def payments(
    path: Path = FILE,
    client: str = CLIENT,
    mapping: str | None = MAPPING,
    dry_run: bool = DRY_RUN,
    batch_size: int = BATCH,
    workers: int | None = WORKERS,
) -> None:
    """Import payments and reversals."""
    _run("payments", path, client, mapping, dry_run, batch_size, workers)


@mappings_app.command("list")
def presets() -> None:
    """List the shipped mapping presets."""
    for name in list_presets():
        typer.echo(name)
