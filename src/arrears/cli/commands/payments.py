"""Payment gateways (per-client configuration) and API keys for the payments JSON API.

``arrears apikeys add --client CODE --name NAME`` prints a new key once (only
its hash is kept); ``list`` and ``revoke PREFIX`` manage them.
``arrears gateways list`` shows the known gateways and what each client uses;
``arrears gateways set GATEWAY [--client CODE] --settings JSON`` configures
one (secrets by environment-variable name: ``"api_key_env": "ARREARS_STRIPE_API_KEY"``).

Without configuration, debtors pay through the sandbox gateway at
``ARREARS_GATEWAY_URL`` (default ``http://127.0.0.1:8026``, started by
``arrears sandbox gateway``), whose webhooks are signed with
``ARREARS_GATEWAY_SECRET``. Stripe joins ``arrears serve`` when
``ARREARS_STRIPE_API_KEY`` and ``ARREARS_STRIPE_WEBHOOK_SECRET`` are set.
"""

from __future__ import annotations

import json
import os

import typer

from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.errors import InvalidInput, NotFound
from arrears.payments.apikeys import SCOPES, issue_key, revoke_key
from arrears.payments.endpoints import PaymentsWeb
from arrears.payments.gateways import registry
from arrears.payments.gateways.base import PaymentGateway
from arrears.payments.gateways.sandbox import DEFAULT_API_KEY, DEFAULT_URL, SandboxGateway
from arrears.store.uow import UnitOfWork

gateways_app = typer.Typer(no_args_is_help=True, help="Payment gateways: configure, list.")
apikeys_app = typer.Typer(no_args_is_help=True, help="API keys for the payments JSON API.")

STRIPE_KEY_ENV = "ARREARS_STRIPE_API_KEY"
STRIPE_SECRET_ENV = "ARREARS_STRIPE_WEBHOOK_SECRET"


def _actor() -> str:
    return f"cli:{os.environ.get('USER', 'unknown')}"


def sandbox_gateway(ctx: App) -> SandboxGateway:
    """The sandbox gateway at ``ARREARS_GATEWAY_URL`` (webhooks signed with the gateway secret)."""
    return SandboxGateway(
        base_url=os.environ.get("ARREARS_GATEWAY_URL") or DEFAULT_URL,
        api_key=os.environ.get("ARREARS_GATEWAY_API_KEY") or DEFAULT_API_KEY,
        webhook_secret=ctx.settings.gateway_secret,
    )


def default_gateway(ctx: App, client_id: int | None = None) -> PaymentGateway:
    """The gateway debtors pay through: the client's configured one, else the sandbox."""
    with ctx.uow() as uow:
        config = uow.gateway.config_for(client_id)
        chosen = (config.gateway, dict(config.settings)) if config is not None else None
    if chosen is None:
        return sandbox_gateway(ctx)
    name, settings = chosen
    if name == "sandbox" and not {"webhook_secret", "webhook_secret_env"} & set(settings):
        settings["webhook_secret"] = ctx.settings.gateway_secret
    return registry.create(name, settings)


def web_config(ctx: App) -> PaymentsWeb:
    """The payments endpoints' configuration for ``arrears serve``."""
    gateways: dict[str, PaymentGateway] = {"sandbox": sandbox_gateway(ctx)}
    if os.environ.get(STRIPE_KEY_ENV) and os.environ.get(STRIPE_SECRET_ENV):
        gateways["stripe"] = registry.create(
            "stripe", {"api_key_env": STRIPE_KEY_ENV, "webhook_secret_env": STRIPE_SECRET_ENV}
        )
    chosen = default_gateway(ctx)
    gateways[chosen.name] = chosen
    return PaymentsWeb(gateways=gateways)


def _client_id(uow: UnitOfWork, code: str | None) -> int | None:
    if code is None:
        return None
    record = uow.clients.get_by_code(code)
    if record is None:
        raise NotFound(f"client '{code}' does not exist")
    return record.id


# -- API keys -----------------------------------------------------------------------------------


@apikeys_app.command("add")
def add_key(
    client: str = typer.Option(..., "--client", help="Client code the key belongs to."),
    name: str = typer.Option(..., "--name", help="What the key is for, e.g. 'bank feed'."),
    scope: list[str] = typer.Option(
        list(SCOPES), "--scope", help=f"Scopes (repeat): {', '.join(SCOPES)}."
    ),
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    ctx = build_app()
    with ctx.uow() as uow:
        client_id = _client_id(uow, client)
        assert client_id is not None
        issued = issue_key(
            uow=uow, client_id=client_id, name=name, scopes=scope, at=ctx.clock(), actor=_actor()
        )
        uow.commit()
    typer.echo(issued.key)
    typer.echo(
        f"prefix {issued.prefix}, scopes {' '.join(issued.scopes)}: "
        "store the key now, it is not shown again",
        err=True,
    )


@apikeys_app.command("list")
def list_keys(
    client: str | None = typer.Option(None, "--client", help="Only this client's keys."),
) -> None:
    """The API keys (prefix, client, name, scopes, created, last used, revoked)."""
    ctx = build_app()
    with ctx.uow() as uow:
        codes = {c.id: c.code for c in uow.clients.list()}
        for key in uow.gateway.api_keys(_client_id(uow, client)):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            typer.echo(
                f"{key.prefix}\t{codes.get(key.client_id, '?')}\t{key.name}\t"
                f"{','.join(key.scopes)}\t{key.created_at:%Y-%m-%d}\t{used}\t{state}"
            )


@apikeys_app.command("revoke")
def revoke(prefix: str = typer.Argument(..., help="The key's prefix (from 'list').")) -> None:
    """Revoke a key; it stops working at once."""
    ctx = build_app()
    with ctx.uow() as uow:
        revoke_key(uow=uow, prefix=prefix, at=ctx.clock(), actor=_actor())
        uow.commit()
    typer.echo(f"revoked {prefix}")


# -- gateways -----------------------------------------------------------------------------------


@gateways_app.command("list")
def list_gateways() -> None:
    """Known gateways, and which one each client uses (settings without secrets)."""
    ctx = build_app()
    typer.echo(f"known: {', '.join(registry.gateways())}")
    with ctx.uow() as uow:
        codes = {c.id: c.code for c in uow.clients.list()}
        rows = uow.gateway.configs()
        for row in rows:
            who = codes.get(row.client_id, "?") if row.client_id else "*"
            shown = json.dumps(registry.masked(row.settings), ensure_ascii=False)
            typer.echo(f"{who}\t{row.gateway}\t{'active' if row.active else 'inactive'}\t{shown}")
    if not rows:
        typer.echo("* sandbox (default, ARREARS_GATEWAY_URL)")


@gateways_app.command("set")
def set_gateway(
    gateway: str = typer.Argument(..., help=f"One of: {', '.join(registry.gateways())}."),
    client: str | None = typer.Option(None, "--client", help="Client code (default: all)."),
    settings: str = typer.Option("{}", "--settings", help="Gateway settings as JSON."),
) -> None:
    """Choose the gateway a client's debtors pay through (secrets by env variable name)."""
    try:
        values = json.loads(settings)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--settings is not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(values, dict):
        raise InvalidInput("--settings must be a JSON object")
    registry.check(gateway, values)
    secret_values = registry.masked(values) != values
    if secret_values:
        raise InvalidInput("give secrets by environment variable name (e.g. 'api_key_env')")
    ctx = build_app()
    with ctx.uow() as uow:
        uow.gateway.set_config(_client_id(uow, client), gateway, values, ctx.clock())
        uow.commit()
    typer.echo(f"{client or '*'}: {gateway}")
