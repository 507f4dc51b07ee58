"""The supervisor console without a browser: approvals, REVIEW overrides, team figures.

Every command names who does it (``--by USER``); the user's role and team are
read from the store and checked by the same services the console's pages use
(:mod:`arrears.workbench.approvals`, :mod:`arrears.workbench.supervision`).
There is no ``--role``: nobody can claim authority they were not given.

    arrears approvals list --by chen.jing
    arrears approvals approve 12 --by chen.jing --reason "hardship letter on file"
    arrears overrides list --by gao.yan
    arrears overrides approve planned 4812 --by gao.yan --reason "notice of remedy only"
    arrears supervise figures --by chen.jing --from 2026-11-01 --to 2026-11-20
"""

from __future__ import annotations

from datetime import date

import typer

from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.core.money import Money
from arrears.core.roles import Principal
from arrears.errors import InvalidInput
from arrears.payments.policy import PolicyBook, load_policies
from arrears.store.uow import UnitOfWork
from arrears.workbench import approvals, supervision

approvals_app = typer.Typer(
    no_args_is_help=True, help="Settlements waiting for a supervisor: list, approve, refuse."
)
overrides_app = typer.Typer(
    no_args_is_help=True, help="Compliance REVIEW items: list, approve, refuse, history."
)
team_app = typer.Typer(no_args_is_help=True, help="A team's figures and today's queues.")

BY = typer.Option(..., "--by", help="Who does it: a user name (their role is read from the store).")
REASON = typer.Option(..., "--reason", help="Why (kept with the decision and in the audit trail).")


def _policies(ctx: App) -> PolicyBook:
    return load_policies(ctx.settings.config_dir / "resolution")


def _me(uow: UnitOfWork, username: str) -> Principal:
    return supervision.user_principal(uow, username)


def _day(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a date like 2026-11-30, not '{text}'") from None


# approvals ---------------------------------------------------------------------------------


@approvals_app.command("list")
def approvals_list(by: str = BY) -> None:
    """Settlements of your teams waiting for approval, and whether your authority covers them."""
    ctx = build_app()
    with ctx.uow() as uow:
        items = approvals.pending_settlements(uow=uow, me=_me(uow, by), policies=_policies(ctx))
        for item in items:
            s = item.settlement
            verdict = "yours to decide" if item.may_approve else "above your authority"
            typer.echo(f"{s.id}\t{item.account.account_ref}\t{Money(s.amount_minor, s.currency)}"
                       f" of {Money(s.balance_minor, s.currency)}\t{s.discount} waived\t"
                       f"{s.proposed_by}\t{verdict}")  # fmt: skip
    if not items:
        typer.echo("no settlement is waiting for approval")


def decide_settlement(settlement_id: int, by: str, reason: str, approve: bool) -> None:
    ctx = build_app()
    with ctx.uow() as uow:
        s = approvals.decide_settlement(uow=uow, me=_me(uow, by), settlement_id=settlement_id,
                                        approve=approve, reason=reason, at=ctx.clock(),
                                        policies=_policies(ctx))  # fmt: skip
        uow.commit()
        typer.echo(f"settlement {s.id}: {s.status}")


@approvals_app.command("approve")
def approvals_approve(settlement_id: int = typer.Argument(...), by: str = BY,
                      reason: str = REASON) -> None:  # fmt: skip
    """Approve a settlement within your role's authority."""
    decide_settlement(settlement_id, by, reason, True)


@approvals_app.command("refuse")
def approvals_refuse(settlement_id: int = typer.Argument(...), by: str = BY,
                     reason: str = REASON) -> None:  # fmt: skip
    """Refuse a settlement waiting for approval."""
    decide_settlement(settlement_id, by, reason, False)


# overrides ---------------------------------------------------------------------------------


@overrides_app.command("list")
def overrides_list(by: str = BY) -> None:
    """Planned actions and messages held for a REVIEW finding, with their rules."""
    ctx = build_app()
    with ctx.uow() as uow:
        items = approvals.review_items(uow=uow, me=_me(uow, by), today=ctx.clock().date())
        for item in items:
            state = "BLOCK: cannot be overridden" if item.blocked else ", ".join(item.rules)
            typer.echo(f"{item.kind}\t{item.id}\t{item.account.account_ref}\t"
                       f"{item.channel or '-'}\t{state}")  # fmt: skip
    if not items:
        typer.echo("nothing is held for review")


def _decide_review(kind: str, item_id: int, by: str, reason: str, approve: bool) -> None:
    ctx = build_app()
    with ctx.uow() as uow:
        record = approvals.decide_review(
            uow=uow,
            me=_me(uow, by),
            kind=kind,
            item_id=item_id,
            approve=approve,
            reason=reason,
            at=ctx.clock(),
        )
        uow.commit()
        extra = f"; message {record.outbox_id} queued" if record.outbox_id and approve else ""
        typer.echo(f"override {record.id}: {record.decision} ({', '.join(record.rules)}){extra}")


KIND = typer.Argument(..., help="planned (a planned action) or outbox (a held message).")


@overrides_app.command("approve")
def overrides_approve(kind: str = KIND, item_id: int = typer.Argument(...), by: str = BY,
                      reason: str = REASON) -> None:  # fmt: skip
    """Let one held action through its REVIEW findings (never a BLOCK); re-checked when sent."""
    _decide_review(kind, item_id, by, reason, True)


@overrides_app.command("refuse")
def overrides_refuse(kind: str = KIND, item_id: int = typer.Argument(...), by: str = BY,
                     reason: str = REASON) -> None:  # fmt: skip
    """Refuse a held action: it is suppressed (planned) or cancelled (message)."""
    _decide_review(kind, item_id, by, reason, False)


@overrides_app.command("history")
def overrides_history(by: str = BY, limit: int = typer.Option(50, "--limit")) -> None:
    """Decisions on REVIEW items, newest first."""
    ctx = build_app()
    with ctx.uow() as uow:
        for record, account in approvals.overrides(uow=uow, me=_me(uow, by), limit=limit):
            typer.echo(f"{record.id}\t{record.decided_at:%Y-%m-%d %H:%M}\t{account.account_ref}\t"
                       f"{record.decision}\t{','.join(record.rules)}\t{record.decided_by}\t"
                       f"{record.reason}")  # fmt: skip


# team --------------------------------------------------------------------------------------


@team_app.command("figures")
def team_figures(
    by: str = BY, first: str | None = typer.Option(None, "--from", help="First day (ISO)."),
    last: str | None = typer.Option(None, "--to", help="Last day (ISO); default today."),
) -> None:  # fmt: skip
    """Each team's and collector's figures of a period (default: this month so far)."""
    ctx = build_app()
    end = _day(last, "--to") or ctx.clock().date()
    period = supervision.Period(_day(first, "--from") or end.replace(day=1), end)
    with ctx.uow() as uow:
        board = supervision.dashboard(uow=uow, me=_me(uow, by), period=period)
    typer.echo(f"{period.first} .. {period.last} ({period.working_days} working days)")
    for row in [*board.teams, *board.collectors]:
        kept = f"{row.kept_rate:.0%}" if row.kept_rate is not None else "-"
        money = ", ".join(str(Money(m, c)) for c, m in sorted(row.collected.items())) or "-"
        c = row.counts
        typer.echo(
            f"{row.name}\t{row.team or ''}\tworked {c['accounts_worked']}\t"
            f"rpc {c['rpc']}/{c['calls']}\tpromises {c['promises']}\tkept {kept}\t"
            f"collected {money}\tfindings {c['blocked'] + c['review'] + c['delayed']}"
        )
        for target in row.targets:
            share = f"{target.attainment:.0%}" if target.attainment is not None else "-"
            actual, wanted = (
                (Money(int(target.actual), target.currency), Money(int(target.target),
                                                                   target.currency))
                if target.currency else (target.actual, target.target)
            )  # fmt: skip
            typer.echo(f"\t{target.kpi}: {actual} of {wanted} ({share})")


@team_app.command("queues")
def team_queues(by: str = BY) -> None:
    """Today's queue per collector: planned calls, worked, remaining, online, overdue tasks."""
    ctx = build_app()
    with ctx.uow() as uow:
        rows = supervision.queue_status(uow=uow, me=_me(uow, by), now=ctx.clock())
    for r in rows:
        now = ("online " + (r.current or "")).strip() if r.online else "offline"
        typer.echo(f"{r.username}\t{r.team or ''}\tplanned {r.planned}\tworked {r.worked}\t"
                   f"remaining {r.remaining}\t{now}\toverdue {r.overdue_tasks}")  # fmt: skip
