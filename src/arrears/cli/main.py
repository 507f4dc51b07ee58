"""``arrears``: the command-line entry point.

Errors a user can cause are printed as one line on standard error with a
non-zero exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from typing import Any

import click
import typer
from typer.exceptions import TyperException

from arrears.errors import ArrearsError

# The command line: name -> (module of arrears.cli.commands, attribute, a group of
# sub-commands or one command), in the order `arrears --help` lists them. A command
# imports only its own module (and those of _ALSO): `arrears import` does not load the
# letters' PDF engine, the web app or the demo's fake names (1.8 s of start-up).
_COMMANDS: dict[str, tuple[str, str, bool]] = {
    "db": ("db", "app", True),
    "clients": ("clients", "app", True),
    "import": ("imports", "app", True),
    "report": ("report", "app", True),
    "reports": ("report_schedule", "app", True),
    "analytics": ("analytics", "app", True),
    "demo": ("demo", "demo", False),
    "audit": ("db", "audit_app", True),
    "mappings": ("imports", "mappings_app", True),
    "plan": ("plan", "plan", False),
    "explain": ("plan", "explain", False),
    "strategies": ("plan", "strategies_app", True),
    "compliance": ("compliance", "app", True),
    "inbound": ("inbound", "app", True),
    "send": ("outreach", "send", False),
    "worker": ("outreach", "worker", False),
    "serve": ("serve", "serve", False),
    "outbox": ("outreach", "outbox_app", True),
    "channels": ("outreach", "channels_app", True),
    "dialler": ("outreach", "dialler_app", True),
    "letters": ("outreach", "letters_app", True),
    "sandbox": ("sandbox", "app", True),
    "templates": ("templates", "app", True),
    # Resolution (issue 5): each module registers its own sub-commands on its app.
    "promises": ("resolution", "promises_app", True),
    "plans": ("resolution", "plans_app", True),
    "settlements": ("resolution", "settlements_app", True),
    "deferrals": ("resolution", "deferrals_app", True),
    "tasks": ("resolution", "tasks_app", True),
    "daily": ("resolution", "daily", False),
    "interest": ("interest", "app", True),
    "gateways": ("payments", "gateways_app", True),
    "apikeys": ("payments", "apikeys_app", True),
    "portal": ("portal", "app", True),
    "disputes": ("disputes", "app", True),
    "users": ("users", "app", True),
    "simulate": ("simulate", "simulate_command", False),
    "model": ("model", "app", True),
    # Assignment and placements (issue 6 §2).
    "teams": ("assign", "teams_app", True),
    "assign": ("assign", "assign_app", True),
    "agencies": ("assign", "agencies_app", True),
    "placements": ("assign", "placements_app", True),
    # The supervisor console without a browser (issue 6 §4).
    "approvals": ("supervision", "approvals_app", True),
    "overrides": ("supervision", "overrides_app", True),
    "supervise": ("supervision", "team_app", True),
}
# Modules that add sub-commands to another module's group: `users skills` is assign's.
_ALSO = {"users": ("assign",)}

_state = {"debug": False}


def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Turn overdue debts into compliant, prioritised collection work."""
    _state["debug"] = debug


def build_app(only: str | None = None) -> typer.Typer:
    """The command line with every command, or with ``only`` that one (a name of
    :data:`_COMMANDS`; its module alone is imported)."""
    app = typer.Typer(
        name="arrears",
        help="arrears — an open-source collections platform (催收管理系统).",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main)
    for name, (module, attribute, group) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        for other in _ALSO.get(name, ()):
            importlib.import_module(f"arrears.cli.commands.{other}")
        target = getattr(importlib.import_module(f"arrears.cli.commands.{module}"), attribute)
        if group:
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)
    return app


def __getattr__(name: str) -> Any:
    """``app``: the whole command line (built on first use, see :func:`build_app`)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _invoked(args: list[str]) -> str | None:
    """The command named by the arguments, when it is one of :data:`_COMMANDS` (None for
    ``--help``, no command or a mistyped one: the whole command line answers those)."""
    name = next((arg for arg in args if not arg.startswith("-")), None)
    return name if name in _COMMANDS else None


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (used by the console script)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        # Without standalone mode Click returns (not raises) the code of typer.Exit(n).
        app = build_app(_invoked(args))
        code = app(args=args, prog_name="arrears", standalone_mode=False)
    except (click.exceptions.Exit, typer.Exit) as exc:
        return exc.exit_code
    except (click.ClickException, TyperException) as exc:
        # Typer carries its own copy of Click: a usage error (an unknown command or
        # option, a bad value) is one of its exceptions, shown with the usage line.
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except (click.exceptions.Abort, typer.Abort):
        typer.echo("aborted", err=True)
        return 1
    except ArrearsError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc.message}", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception as exc:
        if debug:
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True
        )
        return 1
    return code if isinstance(code, int) else 0


def entry() -> None:
    """The console script (and ``python -m arrears``)."""
    _main_is_the_package()
    sys.exit(run())


def _main_is_the_package() -> None:
    """Let worker processes skip running the console script again.

    A process that ``multiprocessing`` starts (the import's validation workers, the
    plan's workers) first runs the parent's main script again, unless it is a package's
    ``__main__`` module. The console script would then import the whole command line in
    every worker (3-5 s each, before its first task). Under ``python -m arrears`` the
    main module already is ``arrears.__main__``; the console script says it is too.
    """
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) is None:
        main.__spec__ = importlib.machinery.ModuleSpec("arrears.__main__", None)
