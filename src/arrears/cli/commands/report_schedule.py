"""``arrears reports``: scheduled report e-mails — subscribe, list, pause, resume, remove, send.

Every change names who makes it (``--by USER``); the role is read from the
store and only supervisors, managers, analysts and admins may schedule reports. The
chore ``send-due`` (also run by ``arrears daily``) renders each due schedule's
report and enqueues one staff e-mail per recipient in the outbox; the
dispatcher (``arrears outbox dispatch``) sends them.

    arrears reports schedule add portfolio --by ana --weekly mon --at 07:30 \\
        --tz Asia/Shanghai --format xlsx --to boss@example.com --language zh-CN --client cn
    arrears reports schedule list
    arrears reports schedule pause 3 --by ana
    arrears reports send-due --now 2026-11-24T00:00:00Z
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from arrears.analytics import subscriptions
from arrears.analytics.schedules import Cadence, parse_time, parse_weekday
from arrears.cli.commands.report import report_options
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.errors import InvalidInput
from arrears.store.uow import UnitOfWork
from arrears.workbench.supervision import user_principal

app = typer.Typer(help="Scheduled report e-mails.", no_args_is_help=True)
schedule_app = typer.Typer(help="Report schedules: add, list, pause, resume, remove.",
                           no_args_is_help=True)  # fmt: skip
app.add_typer(schedule_app, name="schedule")
BY = typer.Option(..., "--by", help="Who does it: a user name (their role is read from the store).")


def _actor(uow: UnitOfWork, username: str) -> str:
    me = user_principal(uow, username)
    if not me.can("reports.schedule"):
        raise InvalidInput(f"{me.username} is a {me.role.value}: only supervisors, managers, "
                           "analysts and admins schedule reports")  # fmt: skip
    return me.actor


def _cadence(daily: bool, weekly: str | None, monthly: int | None, at: str, tz: str) -> Cadence:
    chosen = [k for k, v in (("daily", daily), ("weekly", weekly), ("monthly", monthly)) if v]
    if len(chosen) != 1:
        raise InvalidInput("give exactly one of --daily, --weekly WEEKDAY, --monthly DAY")
    return Cadence(chosen[0], parse_time(at), tz, parse_weekday(weekly), monthly)


@schedule_app.command("add")
def add(
    report: str = typer.Argument(..., help="A report name, as for arrears report."),
    by: str = BY,
    daily: bool = typer.Option(False, "--daily", help="Every day."),
    weekly: str | None = typer.Option(None, "--weekly", help="Every week on this day (mon…sun)."),
    monthly: int | None = typer.Option(None, "--monthly", help="Every month on this day (1-31)."),
    at: str = typer.Option("07:00", "--at", help="Local time HH:MM."),
    tz: str = typer.Option("Asia/Shanghai", "--tz", help="Time zone of --at (IANA name)."),
    fmt: str = typer.Option("xlsx", "--format", help="csv, xlsx or pdf."),
    to: list[str] = typer.Option(..., "--to", help="Recipient e-mail address (repeatable)."),
    language: str = typer.Option("en-US", "--language", help="zh-CN or en-US."),
    client: str | None = typer.Option(None, "--client", help="Only this client."),
    segment: str | None = typer.Option(None, "--segment", help="Only this segment."),
    strategy: str | None = typer.Option(None, "--strategy", help="Only this strategy."),
    team: str | None = typer.Option(None, "--team", help="Only this team's accounts."),
    days: int = typer.Option(30, "--days", help="Days in the period (ending the day before)."),
    report_tz: str | None = typer.Option(None, "--report-tz", help="Hours/weekdays' zone."),
    cost_by: str | None = typer.Option(None, "--by-dimension", help="cost: its dimension."),
) -> None:
    """Subscribe a report to a schedule."""
    ctx = build_app()
    now = ctx.clock()
    values = {"client": client, "segment": segment, "strategy": strategy, "team": team,
              "tz": report_tz, "by": cost_by}  # fmt: skip
    filters = {k: v for k, v in values.items() if v} | ({"days": days} if days != 30 else {})
    wanted = subscriptions.Subscription(report, _cadence(daily, weekly, monthly, at, tz), fmt,
                                        tuple(to), language, filters)  # fmt: skip
    with ctx.uow() as uow:
        actor = _actor(uow, by)
        record = subscriptions.add_schedule(uow=uow, subscription=wanted, actor=actor, at=now)
        uow.commit()
        typer.echo(f"schedule {record.id}: {report} {subscriptions.cadence_of(record).describe()}"
                   f", first run {record.next_run_at:%Y-%m-%d %H:%M} UTC")  # fmt: skip


@schedule_app.command("list")
def listing() -> None:
    """Every schedule that is not removed."""
    with build_app().uow() as uow:
        rows = [subscriptions.describe(r) for r in uow.report_schedules.listing()]
    if not rows:
        typer.echo("no report schedules")
    for r in rows:
        where = " ".join(f"{k}={v}" for k, v in r["filters"].items())
        typer.echo(f"{r['id']:>4}  {r['status']:<7} {r['report']:<20} {r['when']:<34} "
                   f"{r['format']:<4} {r['language']}  next {r['next_run_at'][:16]}  "
                   f"to {', '.join(r['recipients'])}  {where}".rstrip())  # fmt: skip


def _set(schedule_id: int, status: str, by: str) -> None:
    ctx = build_app()
    with ctx.uow() as uow:
        actor = _actor(uow, by)
        record = subscriptions.set_status(uow=uow, schedule_id=schedule_id, status=status,
                                          actor=actor, at=ctx.clock())  # fmt: skip
        uow.commit()
        typer.echo(f"schedule {record.id}: {record.status}")


@schedule_app.command("pause")
def pause(schedule_id: int = typer.Argument(...), by: str = BY) -> None:
    """Stop sending until resumed."""
    _set(schedule_id, "paused", by)


@schedule_app.command("resume")
def resume(schedule_id: int = typer.Argument(...), by: str = BY) -> None:
    """Send again from the next slot (missed slots are not sent)."""
    _set(schedule_id, "active", by)


@schedule_app.command("remove")
def remove(schedule_id: int = typer.Argument(...), by: str = BY) -> None:
    """Stop for good (the schedule and its runs stay in the audit trail)."""
    _set(schedule_id, "removed", by)


def send_due_chore(ctx: App, now: datetime | None = None) -> str:
    """Enqueue the e-mails of every due schedule (one transaction); a line saying what."""
    at = now or ctx.clock()
    with ctx.uow() as uow:
        if not uow.report_schedules.due(at):
            return "report schedules: nothing due"
        runs = subscriptions.send_due(uow=uow, now=at, options=report_options(ctx), actor="reports")
        uow.commit()
    messages = sum(r.messages for r in runs)
    return f"report schedules: {len(runs)} run(s), {messages} e-mail(s) enqueued"


@app.command("send-due")
def send_due(
    now: str | None = typer.Option(None, "--now", help="The instant (ISO 8601); default now."),
) -> None:
    """Render the due scheduled reports and enqueue their e-mails in the outbox."""
    at = None
    if now is not None:
        try:
            at = datetime.fromisoformat(now.replace("Z", "+00:00"))
        except ValueError:
            wanted = "an instant like 2026-11-24T07:00Z"
            raise InvalidInput(f"--now must be {wanted}, not '{now}'") from None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    typer.echo(send_due_chore(build_app(), at))
