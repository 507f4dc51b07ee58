"""Disputes: open one for a debtor who disputes by phone or letter, list, resolve."""

from __future__ import annotations

from pathlib import Path

import typer

from arrears.cli.commands.report import parse_day
from arrears.cli.context import app as build_app
from arrears.errors import NotFound
from arrears.payments.disputes import OUTCOMES, REASONS, open_dispute, resolve_dispute
from arrears.payments.documents import DocumentInput

SENT_HELP = (
    "Date the verification was sent (US debts: required to resume collection, "
    "12 CFR 1006.38(d)(2))."
)
app = typer.Typer(no_args_is_help=True, help="Disputes: open, list, resolve.")


@app.command("open")
def open_(
    account_ref: str = typer.Argument(..., help="The account's reference."),
    reason: str = typer.Option(..., "--reason", help=f"One of: {', '.join(REASONS)}."),
    details: str | None = typer.Option(None, "--details", help="What the debtor said."),
    channel: str = typer.Option("phone", "--channel", help="How the dispute arrived."),
    client: str | None = typer.Option(None, "--client", help="Client code, when refs repeat."),
    evidence: list[Path] = typer.Option([], "--evidence", help="PDF, PNG or JPEG files."),
    by: str = typer.Option("cli", "--by", help="Who records it."),
) -> None:
    """Record a dispute: collection on the account stops until it is resolved."""
    ctx = build_app()
    uploads = [DocumentInput(p.name, p.read_bytes()) for p in evidence]
    with ctx.uow() as uow:
        account = uow.accounts.find(account_ref, client)
        if account is None:
            raise NotFound(f"no account '{account_ref}'")
        opened = open_dispute(
            uow=uow, account=account, reason=reason, details=details, channel=channel, by=by,
            at=ctx.clock(), documents_root=ctx.settings.documents_dir, documents=uploads,
        )  # fmt: skip
        uow.commit()
        typer.echo(f"dispute {opened.dispute.id} opened on {account_ref}: collection paused "
                   f"({len(opened.documents)} document(s) kept)")  # fmt: skip


@app.command("list")
def list_(
    status: str = typer.Option("open", "--status", help="A status, or all."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
) -> None:
    """Disputes, oldest first (the age shows how long collection has been paused)."""
    ctx = build_app()
    today = ctx.clock().date()
    with ctx.uow() as uow:
        for d in uow.disputes.listing(status=None if status == "all" else status, limit=limit):
            account = uow.accounts.get(d.account_id)
            age = (today - d.opened_at.date()).days
            typer.echo(f"{d.id}\t{account.account_ref}\t{d.status}\t{d.reason}\t{d.channel}\t"
                       f"{d.opened_at.date().isoformat()}\t{age}d")  # fmt: skip


@app.command("resolve")
def resolve(
    dispute_id: int = typer.Argument(..., help="The dispute's id."),
    outcome: str = typer.Option(..., "--outcome", help=f"One of: {', '.join(OUTCOMES)}."),
    note: str | None = typer.Option(None, "--note"),
    verification_sent: str | None = typer.Option(None, "--verification-sent", help=SENT_HELP),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Close a dispute with its outcome; the hold is lifted and the account moves on."""
    ctx = build_app()
    sent = parse_day(verification_sent) if verification_sent else None
    with ctx.uow() as uow:
        dispute = resolve_dispute(uow=uow, dispute_id=dispute_id, outcome=outcome, by=by,
                                  at=ctx.clock(), note=note, verification_sent_on=sent)  # fmt: skip
        account = uow.accounts.get(dispute.account_id)
        uow.commit()
        typer.echo(f"dispute {dispute_id} {outcome}; account {account.account_ref} is "
                   f"{account.status}")  # fmt: skip
