"""``arrears db`` and ``arrears audit``: schema and audit trail."""

from __future__ import annotations

import typer

from arrears.cli.context import app as build_app
from arrears.store.database import Database

app = typer.Typer(help="Create or migrate the database.", no_args_is_help=True)
audit_app = typer.Typer(help="Inspect the audit trail.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the database named by ARREARS_DATABASE_URL (default var/arrears.db)."""
    database = Database(build_app().settings.database_url)
    before, after = database.upgrade()
    state = "already at" if before == after else f"migrated from {before or 'empty'} to"
    typer.echo(f"database {database.display_url}: {state} {after}")


@app.command("status")
def status_command() -> None:
    """Show the database's schema revision and the newest one."""
    current, head = Database(build_app().settings.database_url).revisions()
    typer.echo(f"current: {current or '(empty)'}  head: {head}")


@audit_app.command("verify")
def verify_command() -> None:
    """Check the hash chain of the audit trail."""
    with build_app().uow() as uow:
        bad = uow.audit.verify()
        total = uow.audit.count()
    if bad is None:
        typer.echo(f"audit trail intact: {total} events")
        return
    typer.echo(f"audit trail broken at event {bad}", err=True)
    raise typer.Exit(1)
