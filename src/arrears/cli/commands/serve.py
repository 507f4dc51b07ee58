"""``arrears serve``: the web application (health, webhooks, payments API, debtor portal,
and the staff pages: workbench, supervisor console, dashboards).

``--sandbox`` also starts the sandbox payment gateway in the same process (on
``ARREARS_GATEWAY_URL``'s port, 8026 by default), so a demo debtor can pay in
the portal with one command running: the gateway's hosted page sends the debtor
back to the portal and its signed webhook to this app.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import typer
import uvicorn

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
    sandbox: bool = typer.Option(
        False, "--sandbox", help="Also run the sandbox payment gateway in this process."
    ),
) -> None:
    """Serve the web app: health, webhooks, the payments API, the debtor portal and staff pages."""
    ctx = build_app()
    app = create_app(ctx.uow_factory, webhook_secret=ctx.settings.webhook_secret,
                     classify=default_classifier, clock=ctx.clock,
                     payments=payments.web_config(ctx), portal=portal.web_config(ctx),
                     staff_web=staff_config(ctx))  # fmt: skip
    gateway = _sandbox_gateway(ctx, port).start() if sandbox else None
    if gateway is not None:
        typer.echo(f"sandbox payment gateway on {gateway.url} (test card 4242 4242 4242 4242)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if gateway is not None:
            gateway.stop()


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
