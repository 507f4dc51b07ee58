"""``arrears serve``: the web application (health, webhooks, payments API, debtor portal,
and the staff pages: workbench, supervisor console, dashboards).

``--sandbox`` also starts the sandbox payment gateway in the same process (on
``ARREARS_GATEWAY_URL``'s port, 8026 by default), so a demo debtor can pay in
the portal with one command running: the gateway's hosted page sends the debtor
back to the portal and its signed webhook to this app.

``--workers N`` serves from N processes (uvicorn's process manager), each
composing the app from the same environment: one process uses one core for
Python, so a busy office wants one worker per core.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import typer
import uvicorn
from fastapi import FastAPI

from arrears.cli.commands import payments, portal
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.inbound.service import default_classifier
from arrears.payments.gateways.sandbox import DEFAULT_API_KEY, DEFAULT_URL
from arrears.sandbox import payment_gateway
from arrears.sandbox.server import ServerThread
from arrears.web.app import create_app
from arrears.workbench.guard import StaffWeb


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64,
        help="Processes serving requests (one per core is a good start; each opens its own "
             "database connections).",
    ),
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Also run the sandbox payment gateway in this process."
    ),
) -> None:  # fmt: skip
    """Serve the web app: health, webhooks, the payments API, the debtor portal and staff pages."""
    ctx = build_app()
    gateway = _sandbox_gateway(ctx, port).start() if sandbox else None
    if gateway is not None:
        typer.echo(f"sandbox payment gateway on {gateway.url} (test card 4242 4242 4242 4242)")
    try:
        if workers > 1:
            # Each worker process builds its own app from the same environment.
            uvicorn.run(f"{__name__}:web_app", factory=True, workers=workers, host=host,
                        port=port, log_level="info")  # fmt: skip
        else:
            uvicorn.run(web_app(ctx), host=host, port=port, log_level="info")
    finally:
        if gateway is not None:
            gateway.stop()


def web_app(ctx: App | None = None) -> FastAPI:
    """The web application, composed from the environment's settings."""
    ctx = ctx or build_app()
    return create_app(ctx.uow_factory, webhook_secret=ctx.settings.webhook_secret,
                      classify=default_classifier, clock=ctx.clock,
                      payments=payments.web_config(ctx), portal=portal.web_config(ctx),
                      staff_web=staff_config(ctx))  # fmt: skip


def staff_config(ctx: App) -> StaffWeb:
    """The staff pages' configuration: the cipher of TOTP secrets, secure cookies off http."""
    return StaffWeb(cipher=ctx.cipher, cookie_secure=portal.cookie_secure(ctx.settings.public_url),
                    config_dir=ctx.settings.config_dir)  # fmt: skip


def _sandbox_gateway(ctx: App, app_port: int) -> ServerThread:
    address = urlsplit(os.environ.get("ARREARS_GATEWAY_URL") or DEFAULT_URL)
    config = payment_gateway.GatewaySandboxConfig(
        api_keys=frozenset({os.environ.get("ARREARS_GATEWAY_API_KEY") or DEFAULT_API_KEY}),
        secret=ctx.settings.gateway_secret,
        webhook_url=f"http://127.0.0.1:{app_port}/webhooks/payments/sandbox",
    )
    app = payment_gateway.create_app(config)
    return ServerThread(app, host=address.hostname or "127.0.0.1", port=address.port or 8026)
