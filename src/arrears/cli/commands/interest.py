"""Interest and fee accrual: ``accrue``, ``show``, ``caps`` and ``terms``."""

from __future__ import annotations

from datetime import date

import typer

from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.core.interest import rules_for
from arrears.core.money import Money
from arrears.errors import InvalidInput, NotFound
from arrears.payments.interest import InterestConfig, account_ledger, accrue, load_interest_config

app = typer.Typer(no_args_is_help=True, help="Interest and fee accrual.")


def interest_config(ctx: App) -> InterestConfig:
    """The interest configuration of ``<config>/interest`` (validated)."""
    return load_interest_config(ctx.settings.config_dir / "interest")


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} must be a date like 2026-11-22, not '{text}'") from None


@app.command("accrue")
def accrue_command(
    through: str = typer.Option(..., "--through", help="Last day to accrue (YYYY-MM-DD)."),
    account: list[str] = typer.Option([], "--account", help="Only these account refs."),
    client: str | None = typer.Option(None, "--client", help="Client code, if refs repeat."),
    actor: str = typer.Option("cli", "--actor", help="Who runs it (audit)."),
) -> None:
    """Accrue interest and late fees of open accounts up to and including --through."""
    ctx = build_app()
    day = _day(through, "--through")
    config = interest_config(ctx)
    with ctx.uow() as uow:
        ids = None
        if account:
            ids = []
            for ref in account:
                found = uow.accounts.find(ref, client)
                if found is None:
                    raise NotFound(f"no account '{ref}'")
                ids.append(found.id)
        summary = accrue(uow=uow, through=day, at=ctx.clock(), terms=config, actor=actor,
                         account_ids=ids)  # fmt: skip
        uow.commit()
    typer.echo(f"run {summary.run_id}: {summary.accounts} account(s) accrued through "
               f"{summary.through}, {summary.rows} ledger line(s)")  # fmt: skip
    for currency, amount in summary.interest.items():
        typer.echo(f"  interest  {Money(amount, currency)}")
    for currency, amount in summary.fees.items():
        typer.echo(f"  late fees {Money(amount, currency)}")
    for reason, count in summary.stopped.items():
        typer.echo(f"  stopped   {reason}: {count} account(s)")
    typer.echo(f"  config    {summary.config_version}")


@app.command("show")
def show(
    account_ref: str = typer.Argument(..., help="The account ref."),
    client: str | None = typer.Option(None, "--client", help="Client code, if refs repeat."),
) -> None:
    """The account's accrual ledger: each line with its rate and the rule that bound it."""
    with build_app().uow() as uow:
        account = uow.accounts.find(account_ref, client)
        if account is None:
            raise NotFound(f"no account '{account_ref}'")
        lines = account_ledger(uow=uow, account_id=account.id)
        position = uow.interest.position(account.id)
        currency = account.currency
        typer.echo(f"{account_ref}  principal {Money(account.principal_minor, currency)}  "
                   f"interest {Money(account.interest_minor, currency)}  "
                   f"fees {Money(account.fees_minor, currency)}")  # fmt: skip
        if position is not None:
            typer.echo(f"accrued through {position.accrued_through}")
    if not lines:
        typer.echo("no accruals yet")
        return
    for line in lines:
        period = f"{line['period_from']}..{line['period_to']}"
        amount = Money(line["amount_minor"], line["currency"])
        if line["stopped"]:
            what = f"stopped ({line['stopped']})"
        elif line["kind"] == "late_fee":
            what = "late fee"
        else:
            cap = f" cap {line['cap_rate']}" if line["cap_rate"] else ""
            base = Money(line["base_minor"], line["currency"])
            rates = f"(contract {line['contract_rate']}{cap})"
            what = f"{line['days']}d on {base} at {line['rate']} {line['convention']} {rates}"
        typer.echo(f"{period}  {line['kind']:<8}  {amount!s:>16}  {what}  "
                   f"[{line['rule']}: {line['citation']}]  run {line['run_id']}")  # fmt: skip


@app.command("caps")
def caps(
    jurisdiction: str | None = typer.Option(None, "--jurisdiction", help="e.g. US-NY, CN, GB."),
) -> None:
    """The configured rate caps, late-fee rules and stops, with their citations."""
    config = interest_config(build_app())
    codes = [jurisdiction.upper()] if jurisdiction else sorted(config.books)
    for code in codes:
        rules = rules_for(code, config.books)
        if rules is None:
            raise NotFound(f"no interest rules for '{code}'")
        typer.echo(f"{code} — {rules.name}")
        for cap in rules.caps:
            if cap.fixed is not None:
                value = f"{cap.fixed} a year"
            else:
                table = config.references.get(cap.reference or "")
                latest = table.values[-1] if table else None
                value = f"{cap.multiple} x {cap.reference}"
                if latest is not None:
                    value += f" (latest {latest[1]} from {latest[0]})"
            typer.echo(f"  cap  {cap.ref.rule} [{cap.ref.status}]: {value} — {cap.ref.citation}")
        if not rules.caps:
            typer.echo("  cap  none (the contract rate applies)")
        fees = rules.late_fees
        allowed = "allowed" if fees.allowed else "not allowed"
        limits = [f"max {Money(v, c)}" for c, v in fees.max_minor.items()]
        if fees.max_percent is not None:
            limits.append(f"max {fees.max_percent} of principal")
        typer.echo(f"  fees {fees.ref.rule} [{fees.ref.status}]: {allowed} "
                   f"{', '.join(limits)} — {fees.ref.citation}")  # fmt: skip
        for reason, ref in rules.stops.items():
            typer.echo(f"  stop {reason.value}: {ref.rule} [{ref.status}] — {ref.citation}")
    typer.echo(f"version {config.version}")


@app.command("terms")
def terms(client: str | None = typer.Option(None, "--client", help="Only this client.")) -> None:
    """The contractual terms per client and product."""
    config = interest_config(build_app())
    for item in config.terms:
        if client and item.client != client:
            continue
        stop = "stops at charge-off" if item.stop_after_charge_off else "accrues after charge-off"
        fee = "no late fee"
        if item.late_fee is not None:
            parts = []
            if item.late_fee.amount_minor is not None:
                parts.append(f"{item.late_fee.amount_minor} minor units")
            if item.late_fee.percent is not None:
                parts.append(f"{item.late_fee.percent} of principal")
            fee = f"late fee {' + '.join(parts)} after {item.late_fee.grace_days} days"
        typer.echo(f"{item.client}/{item.product}: {item.rate} a year {item.day_count.value}, "
                   f"simple on principal, from {item.accrue_from}, {stop}, {fee} "
                   f"— {item.authorized_by}")  # fmt: skip
    typer.echo(f"version {config.version}")
