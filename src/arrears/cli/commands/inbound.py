"""``arrears inbound``: read debtors' replies.

``arrears inbound classify "下周五还500"`` prints what the reply means as one
JSON object on one line::

    {"intent": "promise", "confidence": 0.978, "amount": 50000, "currency": "CNY",
     "date": "2026-11-27", "needs_review": false}

``--file FILE`` (``-`` for standard input) reads one reply per line, blank lines
skipped, and prints one object per reply, in order. ``amount`` is in minor
units of ``currency`` (both null when the reply names no amount); ``date`` is
ISO or null. ``--as-of`` is the day relative dates are read from (default
today), ``--currency`` the account's currency for bare amounts (default: the
locale's), ``--locale`` zh-CN, zh-HK, zh-TW, en-US or en-GB (the order of
``12/1``). Mistakes get one line on standard error and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import typer

from arrears.cli.commands.report import parse_day
from arrears.cli.context import app as build_app
from arrears.core.currency import normalize_code
from arrears.errors import InvalidInput
from arrears.inbound.intent import INTENTS, Intent, classify, locale_defaults
from arrears.inbound.mail import MailReceiver
from arrears.inbound.service import default_classifier, resolve

app = typer.Typer(help="Debtors' replies: what they mean.", no_args_is_help=True)


def replies(text: str | None, file: str | None) -> Iterator[str]:
    """The replies to classify: the argument, or the non-blank lines of the file."""
    if text is not None and file is None:
        yield text
        return
    if file is None or text is not None:
        raise InvalidInput("give either a reply TEXT or --file FILE, not both and not neither")
    try:
        content = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"{file}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: cannot read the file ({exc.__class__.__name__})") from exc
    yield from (line for line in content.splitlines() if line.strip())


def as_json(result: Intent) -> str:
    """The documented output object, keys in their documented order, on one line."""
    return json.dumps(
        {
            "intent": result.intent,
            "confidence": round(result.confidence, 3),
            "amount": result.amount_minor,
            "currency": result.currency,
            "date": result.date.isoformat() if result.date else None,
            "needs_review": result.needs_review,
        },
        ensure_ascii=False,
    )


@app.command("classify")
def classify_command(
    text: str | None = typer.Argument(None, metavar="[TEXT]", help="The reply to classify."),
    file: str | None = typer.Option(
        None, "--file", help="File with one reply per line (- for standard input)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date relative dates are read from (YYYY-MM-DD); default today."
    ),
    currency: str | None = typer.Option(
        None, "--currency", help="The account's currency (ISO 4217); default: the locale's."
    ),
    locale: str = typer.Option("zh-CN", "--locale", help="zh-CN, zh-HK, zh-TW, en-US or en-GB."),
) -> None:
    """Print the intent, amount and date of each reply as one JSON object per line."""
    day: dt.date = parse_day(as_of)
    locale_defaults(locale)  # an unknown locale fails before any reply is read
    code = normalize_code(currency) if currency else None
    for reply in replies(text, file):
        typer.echo(as_json(classify(reply, as_of=day, currency=code, locale=locale)))


@app.command("receive-mail")
def receive_mail(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(2526, "--port", min=1, max=65535),
) -> None:
    """Run the SMTP server that e-mail replies and bounces are routed to."""
    ctx = build_app()
    receiver = MailReceiver(ctx.uow_factory, default_classifier, ctx.clock, host, port).start()
    typer.echo(f"receiving replies on {host}:{receiver.port} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        receiver.stop()


@app.command("queue")
def queue(
    status: str = typer.Option("review", "--status", help="review | unmatched | applied"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000),
) -> None:
    """Replies waiting for a person (unsure, or a request someone must act on)."""
    with build_app().uow() as uow:
        for m in uow.inbound.queue(status, limit):
            confidence = f"{m.confidence:.2f}" if m.confidence is not None else "-"
            typer.echo(f"{m.id}\t{m.channel}\t{m.intent}\t{confidence}\t"
                       f"account {m.account_id}\t{m.body[:80]!r}")  # fmt: skip


@app.command("resolve")
def resolve_command(
    message_id: int = typer.Argument(..., help="Inbound message id (see `inbound queue`)."),
    intent: str = typer.Argument(..., help="What the reply means: " + ", ".join(INTENTS)),
) -> None:
    """Decide what a queued reply means; its consequences follow and are audited."""
    if intent not in INTENTS:
        raise InvalidInput(f"unknown intent '{intent}'; intents: {', '.join(INTENTS)}")
    ctx = build_app()
    with ctx.uow() as uow:
        actions = resolve(uow, message_id, intent, f"cli:{os.environ.get('USER', 'unknown')}",
                          ctx.clock())  # fmt: skip
        uow.commit()
    typer.echo("; ".join(actions) or "nothing to do")
