"""``arrears clients``: the creditors whose portfolios are collected."""

from __future__ import annotations

import typer

from arrears.cli.context import app as build_app
from arrears.core.currency import normalize_code
from arrears.errors import Conflict, InvalidInput
from arrears.store.repositories.audit import AuditEvent

app = typer.Typer(help="Manage clients (creditors).", no_args_is_help=True)


@app.command("add")
def add(
    code: str = typer.Argument(..., help="Short code used on the command line, e.g. cn-consumer."),
    name: str = typer.Option(..., "--name", help="The creditor's name."),
    jurisdiction: str | None = typer.Option(None, help="Default jurisdiction: CN, GB, US-CA…"),
    currency: str | None = typer.Option(None, help="Default ISO 4217 currency."),
) -> None:
    """Add a client."""
    if not code.strip() or any(ch.isspace() for ch in code):
        raise InvalidInput("a client code must be one word, e.g. cn-consumer")
    ctx = build_app()
    with ctx.uow() as uow:
        if uow.clients.get_by_code(code):
            raise Conflict(f"client '{code}' exists already")
        at = ctx.clock()
        record = uow.clients.add(
            code=code,
            name=name,
            jurisdiction=jurisdiction,
            currency=normalize_code(currency) if currency else None,
            at=at,
        )
        uow.audit.append(
            AuditEvent(
                at,
                "cli",
                "client.created",
                "client",
                str(record.id),
                after={"code": code, "name": name},
            )
        )
        uow.commit()
    typer.echo(f"client {code} added")


@app.command("list")
def list_clients() -> None:
    """List clients."""
    with build_app().uow() as uow:
        for client in uow.clients.list():
            typer.echo(
                f"{client.code}\t{client.name}\t{client.jurisdiction or ''}"
                f"\t{client.currency or ''}\t{uow.accounts.count(client.id)} accounts"
            )
