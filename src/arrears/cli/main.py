"""``arrears``: the command-line entry point.

Errors a user can cause are printed as one line on standard error with a
non-zero exit code; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib.machinery
import sys

import click
import typer

from arrears.cli.commands import (
    analytics,
    assign,
    clients,
    compliance,
    db,
    demo,
    disputes,
    imports,
    inbound,
    interest,
    model,
    outreach,
    payments,
    plan,
    portal,
    report,
    report_schedule,
    resolution,
    sandbox,
    serve,
    simulate,
    supervision,
    templates,
    users,
)
from arrears.errors import ArrearsError

app = typer.Typer(
    name="arrears",
    help="arrears — an open-source collections platform (催收管理系统).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(clients.app, name="clients")
app.add_typer(imports.app, name="import")
app.add_typer(report.app, name="report")
app.add_typer(report_schedule.app, name="reports")
app.add_typer(analytics.app, name="analytics")
app.command("demo")(demo.demo)
app.add_typer(db.audit_app, name="audit")
app.add_typer(imports.mappings_app, name="mappings")
app.command("plan")(plan.plan)
app.command("explain")(plan.explain)
app.add_typer(plan.strategies_app, name="strategies")
app.add_typer(compliance.app, name="compliance")
app.add_typer(inbound.app, name="inbound")
app.command("send")(outreach.send)
app.command("worker")(outreach.worker)
app.command("serve")(serve.serve)
app.add_typer(outreach.outbox_app, name="outbox")
app.add_typer(outreach.channels_app, name="channels")
app.add_typer(outreach.dialler_app, name="dialler")
app.add_typer(outreach.letters_app, name="letters")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(templates.app, name="templates")
# Resolution (issue 5): each module registers its own sub-commands on its app.
app.add_typer(resolution.promises_app, name="promises")
app.add_typer(resolution.plans_app, name="plans")
app.add_typer(resolution.settlements_app, name="settlements")
app.add_typer(resolution.deferrals_app, name="deferrals")
app.add_typer(resolution.tasks_app, name="tasks")
app.command("daily")(resolution.daily)
app.add_typer(interest.app, name="interest")
app.add_typer(payments.gateways_app, name="gateways")
app.add_typer(payments.apikeys_app, name="apikeys")
app.add_typer(portal.app, name="portal")
app.add_typer(disputes.app, name="disputes")
app.add_typer(users.app, name="users")
app.command("simulate")(simulate.simulate_command)
app.add_typer(model.app, name="model")
# Assignment and placements (issue 6 §2); `users skills` registers itself on users.app.
app.add_typer(assign.teams_app, name="teams")
app.add_typer(assign.assign_app, name="assign")
app.add_typer(assign.agencies_app, name="agencies")
app.add_typer(assign.placements_app, name="placements")
# The supervisor console without a browser (issue 6 §4).
app.add_typer(supervision.approvals_app, name="approvals")
app.add_typer(supervision.overrides_app, name="overrides")
app.add_typer(supervision.team_app, name="supervise")

_state = {"debug": False}


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    """Turn overdue debts into compliant, prioritised collection work."""
    _state["debug"] = debug


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (used by the console script)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        # Without standalone mode Click returns (not raises) the code of typer.Exit(n).
        code = app(args=args, prog_name="arrears", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
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
