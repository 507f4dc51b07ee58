"""``arrears demo``: a realistic demo portfolio, loaded and reported."""

from __future__ import annotations

import os
from datetime import date

import typer

from arrears.analytics.service import aging_report
from arrears.cli.commands.imports import _print
from arrears.cli.commands.report import parse_day, print_aging
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.cli.local_sandbox import configure_sandbox_channels
from arrears.core.aging import get_scheme
from arrears.sim.demo import load_demo, load_history
from arrears.workbench import users
from arrears.workbench.assignment_rules import load_rules
from arrears.workbench.staff import DEMO_STAFF, seed_demo_staff


def demo(
    accounts: int = typer.Option(20_000, "--accounts", min=10, help="Number of accounts."),
    seed: int = typer.Option(20261122, "--seed", help="Random seed (same seed, same data)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Portfolio date; default today."),
    report: bool = typer.Option(True, "--report/--no-report", help="Print the ageing report."),
    staff: bool = typer.Option(
        True, "--staff/--no-staff", help="Add the demo's teams and users and assign the accounts."
    ),
) -> None:
    """Generate the demo portfolio as files and import it like a user would."""
    ctx = build_app()
    day = parse_day(as_of)
    summaries = load_demo(
        out_dir=ctx.settings.demo_dir,
        accounts=accounts,
        seed=seed,
        as_of=day,
        uow_factory=ctx.uow_factory,
        cipher=ctx.cipher,
        reject_dir=ctx.settings.reject_dir,
        clock=ctx.clock,
        workers=os.cpu_count() or 1,
        on_file=_print,
    )
    written = load_history(uow_factory=ctx.uow_factory, as_of=day, seed=seed, at=ctx.clock())
    configure_sandbox_channels(ctx.uow_factory, ctx.settings.letters_dir, ctx.clock())
    if staff:
        seed_staff(ctx, day)
    typer.echo(
        f"demo loaded: {len(summaries)} files into {ctx.database.display_url}"
        + (f", {written} past contacts" if written else "")
    )
    if report:
        with ctx.uow() as uow:
            print_aging(aging_report(uow=uow, as_of=day, scheme=get_scheme("dpd")))


# People the demo needs beside the collectors and supervisors of the teams.
DEMO_OTHERS = (
    ("he.jun", "何军", "manager", "zh-CN", "Asia/Shanghai"),
    ("gao.yan", "高燕", "compliance", "zh-CN", "Asia/Shanghai"),
    ("analyst", "Alex Analyst", "analyst", "en-US", "Europe/London"),
    ("admin", "Admin", "admin", "en-US", None),
)


def seed_staff(ctx: App, day: date) -> None:
    """The demo's teams, collectors and supervisors (assignment rules run), and a compliance
    officer, an analyst and an administrator; `arrears users demo-logins` gives them passwords."""
    rules = load_rules(ctx.settings.config_dir / "assignment.yaml")
    with ctx.uow() as uow:
        seeded = seed_demo_staff(uow, rules=rules, as_of=day, at=ctx.clock())
        for username, name, role, language, zone in DEMO_OTHERS:
            if uow.users.by_username(username) is None:
                users.add_user(uow=uow, username=username, display_name=name, role=role,
                               language=language, at=ctx.clock(), by="demo",
                               time_zone=zone)  # fmt: skip
        uow.commit()
    run, people = seeded.run, len(DEMO_STAFF) + len(DEMO_OTHERS)
    assigned = run.accounts - run.unassigned
    typer.echo(f"demo staff: {people} users; {assigned} of {run.accounts} open accounts assigned")
