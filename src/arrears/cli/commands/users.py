"""Users of the workbench and the console: add, list, time zone, disable, reset, second factor."""

from __future__ import annotations

import typer

from arrears.cli.context import app as build_app
from arrears.errors import NotFound
from arrears.workbench import users as service

ROLES_HELP = "collector, supervisor, manager, compliance, legal, analyst or admin."
app = typer.Typer(no_args_is_help=True, help="Users: add, list, time-zone, disable, reset, totp.")


@app.command("add")
def add(
    username: str = typer.Argument(..., help="Sign-in name (letters, digits, . _ -)."),
    role: str = typer.Option(
        ..., "--role", help="collector, supervisor, manager, compliance, legal, analyst or admin."
    ),
    name: str = typer.Option("", "--name", help="Display name."),
    team: str | None = typer.Option(None, "--team", help="Team (created when new)."),
    language: str = typer.Option("zh-CN", "--language", help="zh-CN or en-US."),
    time_zone: str | None = typer.Option(
        None, "--time-zone", help="IANA zone pages show times in, e.g. Asia/Shanghai (default UTC)."
    ),
    by: str = typer.Option("cli", "--by", help="Who adds the user (audited)."),
) -> None:
    """Add a user; prints a one-time password to change at the first sign-in."""
    ctx = build_app()
    with ctx.uow() as uow:
        made = service.add_user(uow=uow, username=username, display_name=name or username,
                                role=role, team=team, language=language, at=ctx.clock(),
                                by=by, time_zone=time_zone)  # fmt: skip
        uow.commit()
    typer.echo(f"user {made.user.username} ({made.user.role}) added; one-time password: "
               f"{made.password}")  # fmt: skip


# The demo's sign-ins worth showing: one of each kind of person, in both languages.
DEMO_LOGINS = (
    ("zhang.wei", "collector, CN consumer loans (中文)"),
    ("maria.garcia", "collector, US agency (English)"),
    ("chen.jing", "supervisor, CN collections (中文)"),
    ("robert.jones", "supervisor, US agency (English)"),
    ("he.jun", "operations manager, every team (中文)"),
    ("gao.yan", "compliance (中文)"),
    ("analyst", "analyst (English)"),
)


@app.command("demo-logins")
def demo_logins(
    url: str = typer.Option("http://127.0.0.1:8000", "--url", help="Where the app is served."),
) -> None:
    """Give the demo's users fresh passwords (no change needed) and print how to sign in."""
    ctx = build_app()
    with ctx.uow() as uow:
        rows = []
        for username, what in DEMO_LOGINS:
            if uow.users.by_username(username) is None:
                continue
            password = service.set_demo_password(uow=uow, username=username, at=ctx.clock(),
                                                 by="demo")  # fmt: skip
            rows.append((username, password, what))
        uow.commit()
    if not rows:
        typer.echo("no demo users: run `arrears demo` first", err=True)
        raise typer.Exit(1)
    typer.echo(f"sign in at {url.rstrip('/')}/workbench/login")
    for username, password, what in rows:
        typer.echo(f"  {username:<14} {password:<18} {what}")


@app.command("list")
def list_() -> None:
    """Every user with role, team and state."""
    ctx = build_app()
    with ctx.uow() as uow:
        for user in uow.users.listing():
            state = "active" if user.active else "disabled"
            extra = " totp" if user.totp_secret_enc else ""
            team = uow.users.team_name(user.team_id) or "-"
            typer.echo(f"{user.username}\t{user.role}\t{team}\t{state}{extra}")


@app.command("time-zone")
def time_zone_(
    username: str,
    zone: str = typer.Argument(..., help="IANA zone, e.g. America/New_York; UTC for none."),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Set the time zone a user's pages show times in."""
    ctx = build_app()
    with ctx.uow() as uow:
        user = uow.users.by_username(username.strip().lower())
        if user is None:
            raise NotFound(f"no user '{username}'")
        service.set_time_zone(uow=uow, user=user, zone=None if zone == "UTC" else zone,
                              at=ctx.clock(), by=by)  # fmt: skip
        uow.commit()
    typer.echo(f"{username}: times shown in {zone}")


@app.command("disable")
def disable(username: str, by: str = typer.Option("cli", "--by")) -> None:
    """Disable a user: they can no longer sign in (their history stays)."""
    ctx = build_app()
    with ctx.uow() as uow:
        service.disable_user(uow=uow, username=username, at=ctx.clock(), by=by)
        uow.commit()
    typer.echo(f"user {username} disabled")


@app.command("reset")
def reset(username: str, by: str = typer.Option("cli", "--by")) -> None:
    """A new one-time password (the old one stops working)."""
    ctx = build_app()
    with ctx.uow() as uow:
        made = service.reset_password(uow=uow, username=username, at=ctx.clock(), by=by)
        uow.commit()
    typer.echo(f"one-time password for {made.user.username}: {made.password}")


@app.command("totp")
def totp(username: str, by: str = typer.Option("cli", "--by")) -> None:
    """Turn on the second factor; prints the otpauth:// address for an authenticator app."""
    ctx = build_app()
    with ctx.uow() as uow:
        uri = service.enable_totp(uow=uow, username=username, cipher=ctx.cipher,
                                  at=ctx.clock(), by=by)  # fmt: skip
        uow.commit()
    typer.echo(uri)
