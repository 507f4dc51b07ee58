"""``arrears portal``: signed links that open the debtor portal for one account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import typer

from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.errors import NotFound
from arrears.portal.pages import PortalWeb
from arrears.portal.service import DEFAULT_LINK_DAYS, issue_link

app = typer.Typer(no_args_is_help=True, help="The debtor portal: signed links for debtors.")

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def portal_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/portal/{token}"


def cookie_secure(public_url: str) -> bool:
    """Secure cookies, except for plain http on this machine (development)."""
    parsed = urlparse(public_url)
    return not (parsed.scheme == "http" and (parsed.hostname or "") in _LOCAL_HOSTS)


def _gateways(ctx: App) -> Callable[[int], Any]:
    """Each client's payment gateway (its configured one, else the sandbox), built once."""
    from arrears.cli.commands.payments import default_gateway

    built: dict[int, Any] = {}

    def gateway_for(client_id: int) -> Any:
        if client_id not in built:
            built[client_id] = default_gateway(ctx, client_id)
        return built[client_id]

    return gateway_for


def web_config(ctx: App) -> PortalWeb:
    """The portal's configuration for ``arrears serve``."""
    settings = ctx.settings
    return PortalWeb(
        secret=settings.portal_secret, public_url=settings.public_url,
        documents_dir=settings.documents_dir, letters_dir=settings.letters_dir,
        policy_dir=settings.config_dir / "resolution", gateway_for=_gateways(ctx),
        cookie_secure=cookie_secure(settings.public_url),
    )  # fmt: skip


@app.command("link")
def link(
    account_ref: str = typer.Argument(..., help="The account the link opens."),
    days: int = typer.Option(DEFAULT_LINK_DAYS, "--days", min=1, max=90, help="Valid for."),
    client: str | None = typer.Option(None, "--client", help="Client code, when refs repeat."),
) -> None:
    """Issue a signed portal link for an account's debtor and print its address."""
    ctx = build_app()
    with ctx.uow() as uow:
        account = uow.accounts.find(account_ref, client)
        if account is None:
            raise NotFound(f"no account '{account_ref}'")
        issued = issue_link(uow=uow, account=account, secret=ctx.settings.portal_secret,
                            at=ctx.clock(), by="cli", days=days)  # fmt: skip
        expires = issued.link.expires_at
        uow.commit()
    typer.echo(portal_url(ctx.settings.public_url, issued.token))
    typer.echo(f"valid until {expires.isoformat(timespec='minutes')}", err=True)


@app.command("demo-link")
def demo_link(
    client: str | None = typer.Option(None, "--client", help="Pick from this client only."),
    days: int = typer.Option(DEFAULT_LINK_DAYS, "--days", min=1, max=90),
) -> None:
    """A link for the first demo debtor who can verify, with the answers to type (demo data)."""
    ctx = build_app()
    with ctx.uow() as uow:
        # Only clients the demo created: this prints identity answers, fine for synthetic data.
        demo = [c for c in uow.clients.list() if (client is None or c.code == client) and any(
            e.actor == "demo" and e.action == "client.created"
            for e in uow.audit.for_entity("client", str(c.id)))]  # fmt: skip
        account = uow.portal.verifiable_account([c.id for c in demo])
        if account is None:
            raise NotFound("no demo account whose debtor has a birth date and a postal code: "
                           "load the demo first (arrears demo)")  # fmt: skip
        debtor = uow.portal.debtor(account.debtor_id)
        issued = issue_link(uow=uow, account=account, secret=ctx.settings.portal_secret,
                            at=ctx.clock(), by="cli:demo", days=days)  # fmt: skip
        uow.commit()
        assert debtor is not None and debtor.birth_date is not None
        answers = (f"birth date {debtor.birth_date.isoformat()}, last 4 "
                   f"{debtor.national_id_last4 or account.account_ref[-4:]}, "
                   f"postal code {debtor.postal_code}")  # fmt: skip
    typer.echo(f"portal link for demo account {account.account_ref}: "
               f"{portal_url(ctx.settings.public_url, issued.token)}")  # fmt: skip
    typer.echo(f"to sign in (synthetic demo data): {answers}")
    typer.echo("open it once the web app runs: .venv/bin/arrears serve --sandbox "
               "(pay with the test card 4242 4242 4242 4242)")  # fmt: skip
