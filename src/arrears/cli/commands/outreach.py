"""Sending: ``send``, ``worker``, ``outbox``, ``channels`` and ``dialler`` commands."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from arrears.channels.letters.channel import PdfLetterChannel
from arrears.channels.registry import adapters as known_adapters
from arrears.channels.registry import masked
from arrears.cli.commands.report import parse_day
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.cli.local_sandbox import LocalSandbox, letter_settings, local_sandbox
from arrears.compliance.rulebooks import load_rulebooks
from arrears.errors import InvalidInput, NotFound
from arrears.inbound.service import default_classifier
from arrears.outbox.adapters import AdapterSet, ChannelConfig
from arrears.outbox.dialler import dialler_rows, to_csv
from arrears.outbox.dispatcher import Dispatcher, DispatchReport, DispatchSettings
from arrears.outbox.service import build_dispatcher
from arrears.store.queries.outreach import planned_calls
from arrears.templates import load_templates

outbox_app = typer.Typer(
    help="The outbox: messages waiting, sent, held or dead.", no_args_is_help=True
)
channels_app = typer.Typer(
    help="Channel adapters per client (stored as data).", no_args_is_help=True
)
letters_app = typer.Typer(help="Letters: the daily print batch.", no_args_is_help=True)
dialler_app = typer.Typer(help="The dialler list of today's compliant calls.", no_args_is_help=True)


LEASE_HELP = "Seconds a claimed message is a worker's before another may retry it."


def _worker_name(name: str | None) -> str:
    return name or f"{socket.gethostname()}:{os.getpid()}"


def dispatcher(
    ctx: App,
    worker: str | None,
    batch_size: int,
    channels: list[str],
    configs: list[ChannelConfig] | None = None,
    lease: float = 300.0,
    clock: Callable[[], datetime] | None = None,
) -> Dispatcher:
    """A dispatcher on the stored channel configuration (or on ``configs``)."""
    clock = clock or ctx.clock
    settings = DispatchSettings(
        worker=_worker_name(worker), batch_size=batch_size, channels=tuple(channels),
        lease=timedelta(seconds=lease),
    )  # fmt: skip
    templates = load_templates(ctx.settings.template_dir)
    rulebooks = load_rulebooks(ctx.settings.rulebook_dir)
    if configs is None:
        return build_dispatcher(ctx.uow_factory, templates, rulebooks, clock, settings)
    adapters = AdapterSet(configs)
    return Dispatcher(ctx.uow_factory, adapters, templates, rulebooks, clock, settings)


def print_report(report: DispatchReport) -> None:
    counts = report.counts
    parts = [f"{k} {counts[k]}" for k in ("sent", "moved", "held", "cancelled", "retry", "dead")]
    typer.echo("outbox: " + ", ".join(parts))


def send(
    channel: list[str] = typer.Option([], "--channel", help="Only these channels (repeatable)."),
    batch_size: int = typer.Option(200, "--batch-size", min=1, max=5000),
    worker: str | None = typer.Option(None, "--worker", help="Worker name (default host:pid)."),
    sandbox: bool = typer.Option(
        False,
        "--sandbox",
        help="Send to local sinks (var/sandbox, var/letters), not the stored ones.",
    ),
    lease: float = typer.Option(300.0, "--lease", min=1.0, help=LEASE_HELP),
    day: str | None = typer.Option(
        None, "--day", help="Demo: play this date through, dispatching at every hour of it."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Stop once about this many messages were handled."
    ),
) -> None:
    """Send every message due now, then stop (compliance is checked again for each)."""
    ctx = build_app()
    clock = DemoClock(ctx.clock())
    hours = day_hours(parse_day(day)) if day else [clock.now]
    sinks = local_sandbox(
        ctx.settings.sandbox_dir, ctx.settings.letters_dir, ctx.uow_factory,
        webhook_secret=ctx.settings.webhook_secret, classify=default_classifier, clock=clock,
    ) if sandbox else nullcontext(None)  # fmt: skip
    with sinks as local:
        configs = local.channel_configs() if local is not None else None
        run = dispatcher(ctx, worker, batch_size, channel, configs, lease, clock)
        report = DispatchReport()
        try:
            for hour in hours:
                clock.now = hour
                report.add(run.run(None if limit is None else limit - report.claimed))
        finally:
            run.close()
        receipts = wait_for_receipts(local, report.counts["sent"]) if local else 0
    print_report(report)
    if local is not None:
        folder = ctx.settings.sandbox_dir
        shown = set(channel) or {"email", "sms", "letter"}
        if "email" in shown:
            typer.echo(f"e-mails: {folder / 'mail'} (.eml files)")
        if "sms" in shown:
            typer.echo(f"SMS: {folder / 'sms.jsonl'} ({receipts} delivery receipts recorded)")
        if "letter" in shown:
            typer.echo(f"letters: {ctx.settings.letters_dir}")


class DemoClock:
    """The dispatcher's clock: the real one, or the hours of a day played through."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def day_hours(day: date) -> list[datetime]:
    """Every half past the hour of ``day`` in UTC: each country's morning comes around."""
    start = datetime.combine(day, dt_time(0, 30), tzinfo=UTC)
    return [start + timedelta(hours=h) for h in range(24)]


def wait_for_receipts(local: LocalSandbox, sent: int, patience: float = 10.0) -> int:
    """Give the provider's delivery receipts a moment to arrive (they are asynchronous)."""
    deadline = time.monotonic() + patience
    expected = len(local.sms.messages)
    while len(local.sms.receipts) < expected and time.monotonic() < deadline and sent:
        time.sleep(0.1)
    return len(local.sms.receipts)


def worker(
    channel: list[str] = typer.Option([], "--channel", help="Only these channels (repeatable)."),
    batch_size: int = typer.Option(200, "--batch-size", min=1, max=5000),
    interval: float = typer.Option(5.0, "--interval", min=0.1, help="Seconds between polls."),
    name: str | None = typer.Option(None, "--worker", help="Worker name (default host:pid)."),
    max_polls: int | None = typer.Option(None, "--max-polls", min=1, help="Stop after N polls."),
    lease: float = typer.Option(300.0, "--lease", min=1.0, help=LEASE_HELP),
) -> None:
    """Send due messages continuously (several workers may run against PostgreSQL)."""
    ctx = build_app()
    run = dispatcher(ctx, name, batch_size, channel, lease=lease)
    polls = 0
    try:
        while max_polls is None or polls < max_polls:
            report = run.run()
            if report.claimed:
                print_report(report)
            polls += 1
            time.sleep(interval if not report.claimed else 0)
    except KeyboardInterrupt:
        typer.echo("worker stopped")
    finally:
        run.close()


@outbox_app.command("stats")
def stats(as_of: str | None = typer.Option(None, "--date", help="Plan date; default all.")) -> None:
    """Messages by channel and status."""
    day = parse_day(as_of) if as_of else None
    with build_app().uow() as uow:
        rows = uow.outbox.counts(day)
    table = Table(title="Outbox")
    for column in ("channel", "status", "messages"):
        table.add_column(column, justify="right" if column == "messages" else "left")
    for channel, status, count in rows:
        table.add_row(channel, status, str(count))
    Console(width=120).print(table)


@outbox_app.command("list")
def list_rows(
    status: str | None = typer.Option(None, "--status"),
    channel: str | None = typer.Option(None, "--channel"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000),
) -> None:
    """The latest rows, with why a row is held, moved, cancelled or dead."""
    with build_app().uow() as uow:
        for r in uow.outbox.listing(status, channel, limit):
            why = f"  {r.last_error}" if r.last_error else ""
            typer.echo(f"{r.id}\t{r.channel}\t{r.status}\t{r.template}\t{r.dedup_key}{why}")


@outbox_app.command("show")
def show(outbox_id: int = typer.Argument(..., help="Outbox row id.")) -> None:
    """One row with its attempts and findings, as JSON."""
    with build_app().uow() as uow:
        row = uow.outbox.get(outbox_id)
        if row is None:
            raise NotFound(f"outbox row {outbox_id} does not exist")
        attempts = [
            {"attempt": a.attempt, "at": a.at.isoformat(), "worker": a.worker, "result": a.result,
             "provider_id": a.provider_id, "error": a.error}
            for a in uow.outbox.attempts_of(outbox_id)
        ]  # fmt: skip
        data = {
            "id": row.id, "dedup_key": row.dedup_key, "channel": row.channel,
            "template": row.template, "status": row.status, "attempts": row.attempts,
            "not_before": row.not_before.isoformat(), "provider_id": row.provider_id,
            "last_error": row.last_error, "findings": row.findings, "history": attempts,
        }  # fmt: skip
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@outbox_app.command("retry")
def retry(
    ids: list[int] = typer.Argument(None, help="Outbox row ids."),
    status: str | None = typer.Option(
        None, "--status", help="Every row of: dead, held, cancelled."
    ),
) -> None:
    """Make dead, held or cancelled rows pending again (compliance is checked again at send)."""
    if not ids and status not in ("dead", "held", "cancelled"):
        raise InvalidInput("give outbox ids or --status dead|held|cancelled")
    ctx = build_app()
    with ctx.uow() as uow:
        count = uow.outbox.requeue(ctx.clock(), ids or (), status)
        uow.commit()
    typer.echo(f"{count} row(s) pending again")


@channels_app.command("list")
def list_channels() -> None:
    """The configured adapters (settings shown without secrets)."""
    with build_app().uow() as uow:
        clients = {c.id: c.code for c in uow.clients.list()}
        for r in uow.outbox.channel_configs():
            who = clients.get(r.client_id, "*") if r.client_id else "*"
            shown = json.dumps(masked(r.settings), ensure_ascii=False)
            typer.echo(f"{who}\t{r.channel}\t{r.adapter}\t{r.sender or ''}\t{shown}")


@channels_app.command("set")
def set_channel(
    channel: str = typer.Argument(..., help="email, sms or letter."),
    adapter: str = typer.Argument(..., help="Adapter name, e.g. smtp, http_sms, pdf, fake."),
    client: str | None = typer.Option(None, "--client", help="Client code (default: all)."),
    settings: str = typer.Option("{}", "--settings", help="Adapter settings as JSON."),
    sender: str | None = typer.Option(None, "--sender", help="From address or SMS sender id."),
) -> None:
    """Configure which adapter sends a client's messages (secrets by env variable name)."""
    if channel not in ("email", "sms", "letter"):
        raise InvalidInput(f"unknown channel '{channel}': use email, sms or letter")
    if adapter not in known_adapters():
        raise InvalidInput(f"unknown adapter '{adapter}'; known: {', '.join(known_adapters())}")
    try:
        values = json.loads(settings)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--settings is not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(values, dict):
        raise InvalidInput("--settings must be a JSON object")
    ctx = build_app()
    with ctx.uow() as uow:
        client_id = None
        if client is not None:
            record = uow.clients.get_by_code(client)
            if record is None:
                raise NotFound(f"client '{client}' does not exist")
            client_id = record.id
        uow.outbox.set_channel_config(client_id, channel, adapter, values, sender, ctx.clock())
        uow.commit()
    typer.echo(f"{client or '*'} {channel}: {adapter}")


@dialler_app.command("export")
def export(
    as_of: str | None = typer.Option(None, "--date", help="Plan date; default today."),
    out: Path | None = typer.Option(None, "--out", help="CSV file (default standard output)."),
    hook: str | None = typer.Option(
        None, "--hook", help="Click-to-call URL with {number}, e.g. tel:{number}."
    ),
) -> None:
    """Today's compliant calls, best first, each with its allowed window."""
    ctx = build_app()
    day = parse_day(as_of)
    with ctx.uow() as uow:
        calls = planned_calls(uow.session, day)
    rows, closed = dialler_rows(calls, day, load_rulebooks(ctx.settings.rulebook_dir), hook)
    text = to_csv(rows)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(rows)} call(s) to {out}; {closed} had no window left today", err=True)


@letters_app.command("batch")
def letters_batch(
    as_of: str | None = typer.Option(None, "--date", help="Letter date; default today."),
    client: list[str] = typer.Option([], "--client", help="Client codes (default: all)."),
) -> None:
    """Merge a day's letters per client into one duplex-ready PDF and a manifest."""
    ctx = build_app()
    day = parse_day(as_of)
    root = ctx.settings.letters_dir
    codes = client or _clients_with_letters(root, day)
    if not codes:
        typer.echo(f"no letters dated {day.isoformat()} under {root}")
        return
    for code in codes:
        adapter = PdfLetterChannel.from_settings({**letter_settings(root), "client_code": code}, {})
        batch = adapter.print_batch(day)
        typer.echo(f"{code}: {batch.letters} letter(s), {batch.pages} page(s) -> {batch.pdf_path}")


def _clients_with_letters(root: Path, day: date) -> list[str]:
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / day.isoformat()).is_dir())
