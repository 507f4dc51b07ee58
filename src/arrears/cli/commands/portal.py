"""The debtor portal: signed links for debtors."""

from __future__ import annotations

import typer

from arrears.cli.context import App
from arrears.portal.pages import PortalWeb

app = typer.Typer(no_args_is_help=True, help="The debtor portal: signed links for debtors.")


def web_config(ctx: App) -> PortalWeb:
    """The portal's configuration for ``arrears serve``."""
    return PortalWeb()
