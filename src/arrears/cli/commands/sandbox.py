"""``arrears sandbox``: the local SMS provider, mail sink and payment gateway for development.

All listen on 127.0.0.1 by default and run until interrupted (Ctrl-C). Point
a client's channel configuration at them (``docs/channels.md``) and every
message the product sends lands in ``var/sandbox/``: SMS as lines of
``sms.jsonl``, e-mail as ``.eml`` files under ``mail/<YYYYMMDD>/``. The payment
gateway serves hosted payment pages and signs its webhooks with
``ARREARS_GATEWAY_SECRET`` (the secret ``arrears serve`` checks them with).
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import typer

from arrears.cli.context import app as build_app
from arrears.errors import InvalidInput
from arrears.sandbox import payment_gateway
from arrears.sandbox.mail_sink import DEFAULT_DEFER, DEFAULT_REFUSE, MailSink
from arrears.sandbox.sms_provider import run
from arrears.sandbox.sms_state import DEFAULT_RULES, FailureRule, SmsSandboxConfig

app = typer.Typer(
    help="Local stand-ins for the SMS provider, the mail relay and a payment gateway."
)

DEFAULT_KEY = "sandbox-key"


def _sandbox_dir() -> Path:
    return build_app().settings.var_dir / "sandbox"


def _env(name: str | None, what: str) -> str | None:
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise InvalidInput(f"{what}: environment variable {name} is not set")
    return value


def _rules(texts: list[str]) -> tuple[FailureRule, ...]:
    try:
        added = tuple(FailureRule.parse(text) for text in texts)
    except ValueError as exc:
        raise InvalidInput(f"--fail: {exc}") from exc
    return added + DEFAULT_RULES


@app.command("sms")
def sms(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8025, "--port", help="Port to listen on."),
    log: Path | None = typer.Option(None, "--log", help="JSON-lines log of accepted messages."),
    receipt_url: str | None = typer.Option(
        None, "--receipt-url", help="Where signed delivery receipts are POSTed."
    ),
    inbound_url: str | None = typer.Option(
        None, "--inbound-url", help="Where /v1/simulate/inbound delivers replies."
    ),
    secret_env: str | None = typer.Option(
        None, "--secret-env", help="Environment variable holding the webhook signing secret."
    ),
    api_key_env: str | None = typer.Option(
        None,
        "--api-key-env",
        help=f"Environment variable holding the API key (default key: {DEFAULT_KEY}).",
    ),
    fail: list[str] = typer.Option(
        [], "--fail", help="Extra failure rule PATTERN=KIND, e.g. '*9999=undeliverable'."
    ),
    receipt_delay: float = typer.Option(0.2, "--receipt-delay", min=0, help="Seconds to settle."),
) -> None:
    """Run the SMS sandbox provider (HTTP API of docs/channels.md)."""
    secret = _env(secret_env, "--secret-env")
    if (receipt_url or inbound_url) and not secret:
        raise InvalidInput("--receipt-url and --inbound-url need --secret-env to sign webhooks")
    key = _env(api_key_env, "--api-key-env") or DEFAULT_KEY
    config = SmsSandboxConfig(
        api_keys=frozenset({key}),
        log_path=log or _sandbox_dir() / "sms.jsonl",
        receipt_url=receipt_url,
        inbound_url=inbound_url,
        secret=secret,
        rules=_rules(fail),
        receipt_delay=receipt_delay,
    )
    typer.echo(f"SMS sandbox on http://{host}:{port}, log {config.log_path}")
    if key == DEFAULT_KEY:
        typer.echo(f"API key: {DEFAULT_KEY} (set --api-key-env for another)")
    run(config, host=host, port=port)


@app.command("mail")
def mail(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(2525, "--port", help="Port to listen on."),
    folder: Path | None = typer.Option(None, "--folder", help="Where .eml files are written."),
    auth: str | None = typer.Option(
        None, "--auth", help="Require AUTH as user:password (local development only)."
    ),
    starttls: bool = typer.Option(False, "--starttls", help="Offer STARTTLS (self-signed)."),
    refuse: list[str] = typer.Option(
        list(DEFAULT_REFUSE), "--refuse", help="Recipients refused with 550 (glob)."
    ),
    defer: list[str] = typer.Option(
        list(DEFAULT_DEFER), "--defer", help="Recipients deferred with 451 (glob)."
    ),
) -> None:
    """Run the local mail sink (SMTP; every message becomes an .eml file)."""
    credentials = None
    if auth is not None:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise InvalidInput("--auth must be user:password")
        credentials = (user, password)
    sink = MailSink(
        folder or _sandbox_dir() / "mail",
        host=host,
        port=port,
        auth=credentials,
        starttls=starttls,
        refuse=refuse,
        defer=defer,
    )
    with sink:
        typer.echo(f"mail sink on {host}:{sink.port}, writing to {sink.folder}")
        if sink.cert_path:
            typer.echo(f"STARTTLS certificate (trust it as CA file): {sink.cert_path}")
        _wait_for_signal()
    typer.echo(f"stopped after {sink.received} messages")


def _wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM (set explicitly: a background job ignores SIGINT)."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


@app.command("gateway")
def gateway(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8026, "--port", help="Port to listen on."),
    webhook_url: str | None = typer.Option(
        None,
        "--webhook-url",
        help="Where signed webhooks are POSTed "
        "(default: <ARREARS_PUBLIC_URL>/webhooks/payments/sandbox).",
    ),
    api_key_env: str | None = typer.Option(
        None,
        "--api-key-env",
        help=f"Environment variable holding the API key (default key: {DEFAULT_KEY}).",
    ),
) -> None:
    """Run the sandbox payment gateway (hosted payment page, signed webhooks)."""
    settings = build_app().settings
    key = _env(api_key_env, "--api-key-env") or DEFAULT_KEY
    target = webhook_url or f"{settings.public_url}/webhooks/payments/sandbox"
    config = payment_gateway.GatewaySandboxConfig(
        api_keys=frozenset({key}), secret=settings.gateway_secret, webhook_url=target
    )
    typer.echo(f"payment gateway sandbox on http://{host}:{port}, webhooks to {target}")
    typer.echo(
        "test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, "
        "4000 0000 0000 0077 stays pending"
    )
    if key == DEFAULT_KEY:
        typer.echo(f"API key: {DEFAULT_KEY} (set --api-key-env for another)")
    payment_gateway.run(config, host=host, port=port)
