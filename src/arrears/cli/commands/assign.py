"""Teams, skills, assignment of accounts to collectors, agencies and placements (委外).

``arrears teams add|list``, ``arrears users skills``, ``arrears assign
run|move|absent|show``, ``arrears agencies add|list`` and ``arrears placements
place|export|recall|list|commission``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from arrears.cli.commands.users import app as users_app
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.core.money import Money
from arrears.errors import InvalidInput, NotFound
from arrears.store.uow import UnitOfWork
from arrears.workbench import assignment as service
from arrears.workbench import placements as placing
from arrears.workbench import staff
from arrears.workbench.assignment_rules import AssignmentRules, load_rules

teams_app = typer.Typer(no_args_is_help=True, help="Teams: add, list.")
assign_app = typer.Typer(no_args_is_help=True, help="Assignment: run the rules, move, absences.")
agencies_app = typer.Typer(no_args_is_help=True, help="Outside agencies (委外): add, list.")
placements_app = typer.Typer(
    no_args_is_help=True, help="Placements with agencies: place, export, recall, commission."
)


def _day(text: str | None, option: str, ctx: App) -> date:
    if text is None:
        return ctx.clock().date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} must be a date like 2026-11-22, not '{text}'") from None


def _rules(ctx: App, path: Path | None) -> AssignmentRules:
    return load_rules(path or ctx.settings.config_dir / "assignment.yaml")


def _account_ids(uow: UnitOfWork, refs: list[str], client: str | None) -> list[int]:
    ids = []
    for ref in refs:
        account = uow.accounts.find(ref, client)
        if account is None:
            raise NotFound(f"no account '{ref}'" + (f" of client '{client}'" if client else ""))
        ids.append(account.id)
    return ids


# -- teams and skills -------------------------------------------------------------------------


@teams_app.command("add")
def teams_add(
    name: str = typer.Argument(..., help="The team's name, e.g. 'CN collections'."),
    target: list[str] = typer.Option([], "--target", help="A target as KEY=NUMBER (repeat)."),
    by: str = typer.Option("cli", "--by", help="Who adds it (audited)."),
) -> None:
    """Add a team with its targets (e.g. --target collected_minor=50000000)."""
    targets = {}
    for item in target:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip().lstrip("-").isdigit():
            raise InvalidInput(f"--target must be KEY=NUMBER, not '{item}'")
        targets[key.strip()] = int(value)
    ctx = build_app()
    with ctx.uow() as uow:
        team = staff.add_team(uow=uow, name=name, targets=targets, at=ctx.clock(), by=by)
        uow.commit()
        typer.echo(f"team '{team.name}' added")


@teams_app.command("list")
def teams_list() -> None:
    """Every team with members, capacity held and targets."""
    ctx = build_app()
    with ctx.uow() as uow:
        load = uow.assignment.load(service.ASSIGNABLE)
        members: dict[int | None, list[str]] = {}
        owned: dict[int | None, int] = {}
        for member in uow.assignment.staff(("collector", "supervisor")):
            members.setdefault(member.user.team_id, []).append(member.user.username)
            owned[member.user.team_id] = owned.get(member.user.team_id, 0) + load.get(
                member.user.id, 0
            )
        for team in uow.assignment.teams():
            people = members.get(team.id, [])
            targets = ",".join(f"{k}={v}" for k, v in sorted(team.targets.items())) or "-"
            typer.echo(f"{team.name}\t{len(people)} member(s)\t{owned.get(team.id, 0)} "
                       f"account(s)\t{targets}")  # fmt: skip


@users_app.command("skills")
def users_skills(
    username: str = typer.Argument(..., help="The user."),
    language: list[str] | None = typer.Option(None, "--language", help="zh-CN or en-US (repeat)."),
    skill: list[str] | None = typer.Option(None, "--skill", help="A skill, e.g. b2b (repeat)."),
    capacity: int | None = typer.Option(None, "--capacity", min=0, help="Accounts they hold."),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Set a user's languages, skills and capacity (what is not given stays)."""
    ctx = build_app()
    with ctx.uow() as uow:
        profile = staff.set_skills(uow=uow, username=username, languages=language or None,
                                   skills=skill or None, capacity=capacity, at=ctx.clock(),
                                   by=by)  # fmt: skip
        uow.commit()
        held = profile.capacity if profile.capacity is not None else "default"
        typer.echo(f"{username}: languages {','.join(profile.languages) or '-'}; skills "
                   f"{','.join(profile.skills) or '-'}; capacity {held}")  # fmt: skip


# -- assignment -------------------------------------------------------------------------------


@assign_app.command("run")
def assign_run(
    as_of: str | None = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD); default today."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the decisions, change nothing."),
    rules: Path | None = typer.Option(None, "--rules", help="Rules file (config/assignment.yaml)."),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Run the assignment rules over the open accounts; prints a summary."""
    ctx = build_app()
    loaded = _rules(ctx, rules)
    day = _day(as_of, "--as-of", ctx)
    with ctx.uow() as uow:
        summary = service.run_rules(uow=uow, rules=loaded, as_of=day, at=ctx.clock(), by=by,
                                    dry_run=dry_run)  # fmt: skip
        if not dry_run:
            uow.commit()
    _print_summary(summary, dry_run)


def _print_summary(summary: service.RunSummary, dry_run: bool) -> None:
    head = "would assign" if dry_run else "assigned"
    typer.echo(f"{head} {summary.accounts} account(s) as of {summary.as_of} with rules "
               f"{summary.rules_version}: {summary.kept} kept, {summary.new} new, "
               f"{summary.moved} moved, {summary.covered} covered, "
               f"{summary.unassigned} unassigned")  # fmt: skip
    for team, count in sorted(summary.per_team.items()):
        typer.echo(f"team\t{team}\t{count}")
    for user, count in sorted(summary.per_collector.items()):
        typer.echo(f"collector\t{user}\t{count}")
    for why, count in summary.waiting.most_common():
        typer.echo(f"unassigned\t{why}\t{count}")
    for account_id, old, new, why in summary.moves[:20]:
        typer.echo(f"move\t{account_id}\t{old or '-'} -> {new or '-'}\t{why}")
    if len(summary.moves) > 20:
        typer.echo(f"... and {len(summary.moves) - 20} more move(s)")


@assign_app.command("move")
def assign_move(
    account_refs: list[str] = typer.Argument(..., help="Account reference(s)."),
    to: str | None = typer.Option(None, "--to", help="The collector (username)."),
    team: str | None = typer.Option(None, "--team", help="Or a team: its least loaded member."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the history and the task)."),
    client: str | None = typer.Option(None, "--client", help="Client code, when refs repeat."),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Hand accounts over to a collector or team; the new collector gets a handover task."""
    ctx = build_app()
    with ctx.uow() as uow:
        ids = _account_ids(uow, account_refs, client)
        moved = service.move(uow=uow, account_ids=ids, to_user=to, to_team=team, reason=reason,
                             by=by, at=ctx.clock(),
                             default_capacity=_rules(ctx, None).default_capacity)  # fmt: skip
        uow.commit()
    for item in moved:
        typer.echo(f"{item.account_ref}: {item.previous or '-'} -> {item.owner} "
                   f"(handover task {item.task_id})")  # fmt: skip


@assign_app.command("absent")
def assign_absent(
    username: str = typer.Argument(..., help="Who is away."),
    from_: str = typer.Option(..., "--from", help="First day away (YYYY-MM-DD)."),
    to: str = typer.Option(..., "--to", help="Last day away (YYYY-MM-DD)."),
    cover: str | None = typer.Option(None, "--cover", help="Who covers (default: a teammate)."),
    reason: str | None = typer.Option(None, "--reason"),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Record an absence; the next `assign run` covers the accounts and returns them after."""
    ctx = build_app()
    with ctx.uow() as uow:
        absence = staff.add_absence(
            uow=uow, username=username, starts_on=_day(from_, "--from", ctx),
            ends_on=_day(to, "--to", ctx), cover=cover, reason=reason, at=ctx.clock(), by=by,
        )  # fmt: skip
        uow.commit()
        typer.echo(f"{username} absent {absence.starts_on} to {absence.ends_on}"
                   + (f", covered by {cover}" if cover else ""))  # fmt: skip


@assign_app.command("show")
def assign_show(
    account_ref: str = typer.Argument(...),
    client: str | None = typer.Option(None, "--client"),
) -> None:
    """The ownership history of an account."""
    ctx = build_app()
    with ctx.uow() as uow:
        (account_id,) = _account_ids(uow, [account_ref], client)
        names = {m.user.id: m.user.username for m in uow.assignment.staff(
            ("collector", "supervisor", "admin", "compliance", "legal", "analyst"))}  # fmt: skip
        for row in uow.assignment.history(account_id):
            until = row.ended_at.isoformat() if row.ended_at else "now"
            cover = f" (covered by {names.get(row.covering_id)})" if row.covering_id else ""
            typer.echo(f"{row.started_at.isoformat()} .. {until}\t"
                       f"{names.get(row.owner_id, '-') if row.owner_id else '-'}{cover}\t"
                       f"{row.rule or '-'}\t{row.reason}")  # fmt: skip


# -- agencies and placements ------------------------------------------------------------------


@agencies_app.command("add")
def agencies_add(
    code: str = typer.Argument(..., help="Short code, e.g. acme-recoveries."),
    name: str = typer.Option(..., "--name"),
    rate: str = typer.Option(..., "--rate", help="Commission as a fraction: 0.18 is 18 %."),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Add an outside collection agency with its commission rate."""
    ctx = build_app()
    with ctx.uow() as uow:
        found = placing.add_agency(uow=uow, code=code, name=name, commission_rate=rate,
                                   at=ctx.clock(), by=by)  # fmt: skip
        uow.commit()
        typer.echo(f"agency {found.code} added (commission {found.commission_rate})")


@agencies_app.command("list")
def agencies_list() -> None:
    """Every agency with its rate and the accounts placed with it now."""
    ctx = build_app()
    with ctx.uow() as uow:
        for found in uow.assignment.agencies():
            open_ = len(uow.assignment.placements(agency_id=found.id))
            state = "active" if found.active else "inactive"
            typer.echo(f"{found.code}\t{found.name}\t{found.commission_rate}\t{state}\t"
                       f"{open_} placed")  # fmt: skip


@placements_app.command("place")
def placements_place(
    agency: str = typer.Option(..., "--agency", help="Agency code."),
    client: str = typer.Option(..., "--client", help="Client code."),
    segment: str | None = typer.Option(None, "--segment"),
    min_dpd: int | None = typer.Option(None, "--min-dpd", min=0, help="At least N days late."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="At most N accounts."),
    as_of: str | None = typer.Option(None, "--as-of"),
    by: str = typer.Option("cli", "--by"),
) -> None:
    """Place the client's selected accounts with an agency (status placed)."""
    ctx = build_app()
    with ctx.uow() as uow:
        ids = placing.select_accounts(uow, client=client, as_of=_day(as_of, "--as-of", ctx),
                                      segment=segment, min_dpd=min_dpd, limit=limit)  # fmt: skip
        placed = placing.place(uow=uow, agency_code=agency, account_ids=ids, at=ctx.clock(), by=by)
        uow.commit()
    typer.echo(f"{len(placed)} account(s) placed with {agency}")


@placements_app.command("export")
def placements_export(
    agency: str = typer.Option(..., "--agency"),
    out: Path | None = typer.Option(None, "--out", help="A .csv or .xlsx file."),
    as_of: str | None = typer.Option(None, "--as-of"),
) -> None:
    """Write the agency's open placements to a file for the agency (ids masked)."""
    ctx = build_app()
    day = _day(as_of, "--as-of", ctx)
    path = out or ctx.settings.var_dir / "placements" / f"{agency}-{day.isoformat()}.csv"
    with ctx.uow() as uow:
        rows = placing.export_rows(uow, agency_code=agency, as_of=day)
    placing.write_export(rows, path)
    typer.echo(f"{len(rows)} placement(s) written to {path}")


@placements_app.command("recall")
def placements_recall(
    account_refs: list[str] = typer.Argument(..., help="Account reference(s)."),
    reason: str = typer.Option(..., "--reason"),
    client: str | None = typer.Option(None, "--client"),
    keep_recalled: bool = typer.Option(False, "--keep-recalled",
                                       help="Leave them 'recalled' (default: back to active)."),
    by: str = typer.Option("cli", "--by"),
) -> None:  # fmt: skip
    """Recall accounts from their agency."""
    ctx = build_app()
    with ctx.uow() as uow:
        ids = _account_ids(uow, account_refs, client)
        done = placing.recall(uow=uow, account_ids=ids, reason=reason, at=ctx.clock(), by=by,
                              resume=not keep_recalled)  # fmt: skip
        uow.commit()
    typer.echo(f"{len(done)} account(s) recalled")


@placements_app.command("list")
def placements_list(
    agency: str | None = typer.Option(None, "--agency"),
    status: str = typer.Option("placed", "--status", help="placed, recalled or all."),
) -> None:
    """Placements with account, agency, balance placed and dates."""
    ctx = build_app()
    with ctx.uow() as uow:
        agency_id = placing.agency(uow, agency).id if agency else None
        for p in uow.assignment.placements(agency_id=agency_id,
                                           status=None if status == "all" else status):  # fmt: skip
            account = uow.accounts.get(p.account_id)
            code = uow.assignment.agency_by_id(p.agency_id).code
            recalled = p.recalled_at.date().isoformat() if p.recalled_at else "-"
            placed = Money(p.placed_minor, p.currency)
            typer.echo(f"{p.id}\t{account.account_ref}\t{code}\t{p.status}\t{placed}\t"
                       f"{p.placed_at.date()}\t{recalled}")  # fmt: skip


@placements_app.command("commission")
def placements_commission(
    from_: str = typer.Option(..., "--from", help="First day of the period."),
    to: str = typer.Option(..., "--to", help="Last day of the period."),
    agency: str | None = typer.Option(None, "--agency"),
) -> None:
    """Commission owed per agency and currency: rate x money received while placed."""
    ctx = build_app()
    with ctx.uow() as uow:
        lines = placing.commission(uow, first=_day(from_, "--from", ctx),
                                   last=_day(to, "--to", ctx), agency_code=agency)  # fmt: skip
    if not lines:
        typer.echo("no placements in the period")
    for line in lines:
        typer.echo(f"{line.agency}\t{line.currency}\trate {line.rate}\t{line.accounts} account(s)"
                   f"\t{line.payments} payment(s)\tcollected "
                   f"{Money(line.collected_minor, line.currency)}\tcommission "
                   f"{Money(line.commission_minor, line.currency)}")  # fmt: skip
