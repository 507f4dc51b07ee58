"""``arrears serve``: the web application (health, webhooks, payments API, debtor portal)."""

from __future__ import annotations

import typer
import uvicorn

from arrears.cli.commands import payments, portal
from arrears.cli.context import app as build_app
from arrears.inbound.service import default_classifier
from arrears.web.app import create_app


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
) -> None:
    """Serve the web app: health, provider webhooks, the payments API and the debtor portal."""
    ctx = build_app()
    app = create_app(ctx.uow_factory, webhook_secret=ctx.settings.webhook_secret,
                     classify=default_classifier, clock=ctx.clock,
                     payments=payments.web_config(ctx), portal=portal.web_config(ctx))  # fmt: skip
    uvicorn.run(app, host=host, port=port, log_level="info")
