"""Payment gateways (per-client configuration) and API keys for the payments JSON API."""

from __future__ import annotations

import typer

from arrears.cli.context import App
from arrears.payments.endpoints import PaymentsWeb

gateways_app = typer.Typer(no_args_is_help=True, help="Payment gateways: configure, list.")
apikeys_app = typer.Typer(no_args_is_help=True, help="API keys for the payments JSON API.")


def web_config(ctx: App) -> PaymentsWeb:
    """The payments endpoints' configuration for ``arrears serve``."""
    return PaymentsWeb()
