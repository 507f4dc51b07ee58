"""Promises, payment plans, settlements, deferrals, tasks and the daily resolution batch.

Each command opens one unit of work, calls a service of ``arrears.payments`` and
commits; the policy is ``config/resolution`` merged for the account's client.
Amounts are typed in major units (``1500.00``) and converted exactly to minor
units of the account's currency.
"""

from __future__ import annotations

from datetime import date

import typer

from arrears.cli.commands.interest import interest_config
from arrears.cli.commands.report_schedule import send_due_chore
from arrears.cli.commands.supervision import decide_settlement
from arrears.cli.context import App
from arrears.cli.context import app as build_app
from arrears.core.money import Money
from arrears.errors import InvalidInput, NotFound
from arrears.payments import deferrals as deferral_service
from arrears.payments import plans as plan_service
from arrears.payments import promises as promise_service
from arrears.payments import settlements as settlement_service
from arrears.payments.daily import run_daily
from arrears.payments.interest import accrue
from arrears.payments.policy import PolicyBook, ResolutionPolicy, load_policies
from arrears.payments.service import PaymentInput, record_payment
from arrears.store.records import AccountRecord
from arrears.store.uow import UnitOfWork
from arrears.workbench import approvals

promises_app = typer.Typer(no_args_is_help=True, help="Promises to pay: take, list, evaluate.")
plans_app = typer.Typer(no_args_is_help=True, help="Payment plans: offers, set up, list, pay off.")
settlements_app = typer.Typer(no_args_is_help=True, help="Settlements: propose, approve, reject.")
deferrals_app = typer.Typer(no_args_is_help=True, help="Hardship deferrals with an end date.")
tasks_app = typer.Typer(
    no_args_is_help=True, help="Tasks for people: refunds, call backs, approvals."
)

CLIENT = typer.Option(None, "--client", help="Client code, when account refs repeat.")
BY = typer.Option("cli", "--by", help="Who does it (a user name).")


def _policies(ctx: App) -> PolicyBook:
    return load_policies(ctx.settings.config_dir / "resolution")


def _account(uow: UnitOfWork, ref: str, client: str | None) -> AccountRecord:
    account = uow.accounts.find(ref, client)
    if account is None:
        raise NotFound(f"no account '{ref}'" + (f" for client {client}" if client else ""))
    return account


def _policy_for(uow: UnitOfWork, book: PolicyBook, account: AccountRecord) -> ResolutionPolicy:
    client = uow.clients.get(account.client_id)
    return book.for_client(client.code, client.jurisdiction)


def _minor(text: str, currency: str) -> int:
    return Money.of_major(text, currency).minor


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a date like 2026-11-30, not '{text}'") from None


def _money(minor: int, currency: str) -> str:
    return str(Money(minor, currency))


# promises --------------------------------------------------------------------------------


@promises_app.command("add")
def promises_add(
    account_ref: str = typer.Argument(..., help="The account's ref."),
    amount: str = typer.Option(..., "--amount", help="Amount in major units, e.g. 1500.00."),
    due: str = typer.Option(..., "--due", help="Date promised (YYYY-MM-DD)."),
    channel: str = typer.Option("phone", "--channel", help="phone, portal, sms, email, visit."),
    by: str = BY,
    client: str | None = CLIENT,
) -> None:
    """Take a promise to pay (checked against the client's policy)."""
    ctx = build_app()
    book = _policies(ctx)
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        promise = promise_service.take_promise(
            uow=uow, account=account, amount_minor=_minor(amount, account.currency),
            due_on=_day(due, "--due"), channel=channel, taken_by=by, at=ctx.clock(),
            policy=_policy_for(uow, book, account),
        )  # fmt: skip
        uow.commit()
        typer.echo(
            f"promise {promise.id}: {_money(promise.amount_minor, promise.currency)} "
            f"by {promise.due_on}; account {account.account_ref} is {account.status}"
        )


@promises_app.command("list")
def promises_list(
    account_ref: str | None = typer.Option(None, "--account", help="Only this account."),
    status: str | None = typer.Option(None, "--status", help="pending, kept, partial, broken."),
    client: str | None = CLIENT,
) -> None:
    """Promises, newest first."""
    ctx = build_app()
    with ctx.uow() as uow:
        account_id = _account(uow, account_ref, client).id if account_ref else None
        for p in uow.resolution.promises(account_id=account_id, status=status):
            typer.echo(f"{p.id}\taccount {p.account_id}\t{_money(p.amount_minor, p.currency)}\t"
                       f"due {p.due_on}\t{p.status}\tpaid {_money(p.paid_minor, p.currency)}\t"
                       f"{p.channel}\t{p.taken_by}")  # fmt: skip


@promises_app.command("evaluate")
def promises_evaluate(
    as_of: str | None = typer.Option(None, "--as-of", help="Date (YYYY-MM-DD); default today."),
) -> None:
    """Judge every pending promise now (the daily batch does this too)."""
    ctx = build_app()
    at = ctx.clock()
    day = _day(as_of, "--as-of") if as_of else at.date()
    with ctx.uow() as uow:
        changes = promise_service.evaluate_promises(uow=uow, as_of=day, at=at, actor="cli")
        uow.commit()
    for change in changes:
        typer.echo(f"promise {change.promise_id}: {change.status}")
    typer.echo(f"{len(changes)} promise(s) changed")


# plans -----------------------------------------------------------------------------------


@plans_app.command("offers")
def plans_offers(account_ref: str = typer.Argument(...), client: str | None = CLIENT) -> None:
    """The standard plan offers for the account today."""
    ctx = build_app()
    book = _policies(ctx)
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        offers = plan_service.plan_offers(account=account, policy=_policy_for(uow, book, account),
                                          as_of=ctx.clock().date())  # fmt: skip
        if not offers:
            typer.echo("no plan fits this balance under the policy (take a promise instead)")
        for n, offer in enumerate(offers, start=1):
            t = offer.terms
            down = _money(t.down_payment_minor, t.currency)
            typer.echo(
                f"{n}: {len(offer.instalments)} payments ({t.count} x {t.frequency.value}"
                f"{f' after {down} down' if t.down_payment_minor else ''}"
                f") of {_money(offer.instalment_minor, t.currency)}, total "
                f"{_money(offer.total_minor, t.currency)}, first due "
                f"{offer.instalments[0].due_on}"
            )  # fmt: skip


@plans_app.command("create")
def plans_create(
    account_ref: str = typer.Argument(...),
    offer: int | None = typer.Option(None, "--offer", help="Number of an offer from `offers`."),
    count: int | None = typer.Option(None, "--count", help="Instalments (custom terms)."),
    frequency: str = typer.Option("monthly", "--frequency", help="weekly, fortnightly, monthly."),
    down: str | None = typer.Option(None, "--down", help="Down payment in major units."),
    first_due: str | None = typer.Option(None, "--first-due", help="First date (YYYY-MM-DD)."),
    channel: str = typer.Option("phone", "--channel"),
    by: str = BY,
    client: str | None = CLIENT,
) -> None:
    """Set up a plan from an offer or from custom terms; the agreement letter is queued."""
    ctx = build_app()
    book, at = _policies(ctx), ctx.clock()
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        policy = _policy_for(uow, book, account)
        if (offer is None) == (count is None):
            raise InvalidInput("give --offer N or --count N (custom terms)")
        chosen, terms = None, None
        if offer is not None:
            offers = plan_service.plan_offers(account=account, policy=policy, as_of=at.date())
            if not 1 <= offer <= len(offers):
                raise InvalidInput(f"--offer must be 1..{len(offers)}")
            chosen = offers[offer - 1]
        else:
            assert count is not None
            terms = plan_service.terms_from(
                account=account, policy=policy, count=count, frequency=frequency,
                down_payment_minor=_minor(down, account.currency) if down else None,
                first_due_on=_day(first_due, "--first-due") if first_due else None, as_of=at.date(),
            )  # fmt: skip
        plan = plan_service.create_plan(
            uow=uow,
            account=account,
            offer=chosen,
            terms=terms,
            channel=channel,
            created_by=by,
            at=at,
            policy=policy,
        )
        uow.commit()
        typer.echo(
            f"plan {plan.id}: {plan.count} x {plan.frequency}, total "
            f"{_money(plan.total_minor, plan.currency)}; account is {account.status}"
        )


@plans_app.command("list")
def plans_list(
    account_ref: str | None = typer.Option(None, "--account"),
    status: str | None = typer.Option(None, "--status", help="active, missed, broken, ..."),
    client: str | None = CLIENT,
) -> None:
    """Payment plans, newest first."""
    ctx = build_app()
    with ctx.uow() as uow:
        account_id = _account(uow, account_ref, client).id if account_ref else None
        for p in uow.resolution.plans(account_id=account_id, status=status):
            typer.echo(
                f"{p.id}\taccount {p.account_id}\t{p.kind}\t{p.status}\t{p.count} x "
                f"{p.frequency}\t{_money(p.total_minor, p.currency)}\tmissed {p.missed}"
            )


@plans_app.command("show")
def plans_show(plan_id: int = typer.Argument(...)) -> None:
    """A plan and its schedule."""
    ctx = build_app()
    with ctx.uow() as uow:
        p = uow.resolution.plan(plan_id)
        typer.echo(f"plan {p.id} ({p.kind}) for account {p.account_id}: {p.status}; "
                   f"{p.frequency}, interest {p.interest_method} {p.annual_rate}; "
                   f"policy {p.policy_version}")  # fmt: skip
        for i in uow.resolution.instalments(plan_id):
            typer.echo(f"  {i.number}\t{i.due_on}\t{_money(i.amount_minor, p.currency)}\t"
                       f"paid {_money(i.paid_minor, p.currency)}\t{i.status}")  # fmt: skip


@plans_app.command("payoff")
def plans_payoff(
    account_ref: str = typer.Argument(...),
    reference: str | None = typer.Option(
        None, "--reference", help="Record the payoff payment with this reference."
    ),
    method: str = typer.Option("transfer", "--method"),
    by: str = BY,
    client: str | None = CLIENT,
) -> None:
    """Quote the early payoff; with --reference, forgive the future interest and record it."""
    ctx = build_app()
    at = ctx.clock()
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        if reference is None:
            quote = plan_service.payoff_quote(uow=uow, account=account, as_of=at.date())
            typer.echo(
                f"plan {quote.plan_id}: pay {_money(quote.amount_minor, account.currency)}"
                f" today; interest forgiven {_money(quote.forgiven_minor, account.currency)}"
            )
            return
        quote = plan_service.pay_off(uow=uow, account=account, at=at, by=by)
        payment = PaymentInput(
            reference=reference,
            amount_minor=quote.amount_minor,
            currency=account.currency,
            paid_on=at.date(),
            method=method,
        )
        record_payment(uow=uow, account=account, payment=payment, at=at, actor=by)
        uow.commit()
        paid = _money(quote.amount_minor, account.currency)
        typer.echo(f"plan {quote.plan_id} paid off with {paid}; account is {account.status}")


@plans_app.command("cancel")
def plans_cancel(
    plan_id: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    by: str = BY,
) -> None:
    """End a running plan by agreement; the account is active again."""
    ctx = build_app()
    with ctx.uow() as uow:
        plan = plan_service.cancel_plan(uow=uow, plan_id=plan_id, by=by, at=ctx.clock(),
                                        reason=reason)  # fmt: skip
        uow.commit()
        typer.echo(f"plan {plan.id} {plan.status}")


# settlements -----------------------------------------------------------------------------


@settlements_app.command("propose")
def settlements_propose(
    account_ref: str = typer.Argument(...),
    amount: str = typer.Option(..., "--amount", help="Settlement amount in major units."),
    form: str = typer.Option("lump_sum", "--form", help="lump_sum or short_plan."),
    instalments: int = typer.Option(0, "--instalments", help="For short_plan: 2..max."),
    channel: str = typer.Option("phone", "--channel"),
    by: str = BY,
    client: str | None = CLIENT,
) -> None:
    """Propose a settlement: accepted within the proposer's authority (their stored role; a
    collector's for a name that is not a user), else sent for approval."""
    ctx = build_app()
    book = _policies(ctx)
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        s = settlement_service.propose_settlement(
            uow=uow, account=account, amount_minor=_minor(amount, account.currency), form=form,
            instalments=instalments, by=by, role=approvals.proposer_role(uow, by),
            channel=channel, at=ctx.clock(), policy=_policy_for(uow, book, account),
        )  # fmt: skip
        uow.commit()
        extra = f" (approval task {s.task_id})" if s.task_id else ""
        typer.echo(f"settlement {s.id}: {_money(s.amount_minor, s.currency)}, "
                   f"discount {s.discount}: {s.status}{extra}")  # fmt: skip


APPROVER = typer.Option(..., "--by", help="A user with settlement authority (read from the store).")


@settlements_app.command("approve")
def settlements_approve(
    settlement_id: int = typer.Argument(...), by: str = APPROVER,
    reason: str = typer.Option(..., "--reason", help="Why (kept with the decision)."),
) -> None:  # fmt: skip
    """Approve a settlement waiting for approval, within ``--by``'s authority (as `arrears
    approvals approve`)."""
    decide_settlement(settlement_id, by, reason, True)


@settlements_app.command("reject")
def settlements_reject(
    settlement_id: int = typer.Argument(...), by: str = APPROVER,
    reason: str = typer.Option(..., "--reason"),
) -> None:  # fmt: skip
    """Refuse a settlement waiting for approval (as `arrears approvals refuse`)."""
    decide_settlement(settlement_id, by, reason, False)


@settlements_app.command("list")
def settlements_list(
    status: str | None = typer.Option(None, "--status", help="pending_approval, accepted, ..."),
    account_ref: str | None = typer.Option(None, "--account"),
    client: str | None = CLIENT,
) -> None:
    """Settlements, newest first."""
    ctx = build_app()
    with ctx.uow() as uow:
        account_id = _account(uow, account_ref, client).id if account_ref else None
        for s in uow.resolution.settlements(account_id=account_id, status=status):
            waived = f"\twaived {_money(s.waived_minor, s.currency)}" if s.waived_minor else ""
            typer.echo(f"{s.id}\taccount {s.account_id}\t{_money(s.amount_minor, s.currency)}\t"
                       f"{s.discount}\t{s.form}\t{s.status}\t{s.proposed_by}{waived}")  # fmt: skip


# deferrals -------------------------------------------------------------------------------


@deferrals_app.command("add")
def deferrals_add(
    account_ref: str = typer.Argument(...),
    until: str = typer.Option(..., "--until", help="Last day of the pause (YYYY-MM-DD)."),
    reason: str = typer.Option(..., "--reason"),
    channel: str = typer.Option("phone", "--channel"),
    by: str = BY,
    client: str | None = CLIENT,
) -> None:
    """Pause collection for hardship until a date; the account is on hold meanwhile."""
    ctx = build_app()
    book = _policies(ctx)
    with ctx.uow() as uow:
        account = _account(uow, account_ref, client)
        d = deferral_service.add_deferral(
            uow=uow, account=account, until=_day(until, "--until"), reason=reason, by=by,
            channel=channel, at=ctx.clock(), policy=_policy_for(uow, book, account),
        )  # fmt: skip
        uow.commit()
        typer.echo(f"deferral {d.id}: on hold until {d.ends_on}")


@deferrals_app.command("end")
def deferrals_end(deferral_id: int = typer.Argument(...), by: str = BY) -> None:
    """End a deferral now."""
    ctx = build_app()
    with ctx.uow() as uow:
        d = deferral_service.end_deferral(uow=uow, deferral_id=deferral_id, by=by, at=ctx.clock())
        uow.commit()
        typer.echo(f"deferral {d.id}: {d.status}")


@deferrals_app.command("list")
def deferrals_list(status: str | None = typer.Option(None, "--status")) -> None:
    """Deferrals, newest first."""
    ctx = build_app()
    with ctx.uow() as uow:
        for d in uow.resolution.deferrals(status=status):
            typer.echo(f"{d.id}\taccount {d.account_id}\t{d.starts_on}..{d.ends_on}\t{d.status}\t"
                       f"{d.reason}")  # fmt: skip


# tasks -----------------------------------------------------------------------------------


@tasks_app.command("list")
def tasks_list(
    kind: str | None = typer.Option(None, "--kind", help="e.g. settlement_approval."),
    status: str = typer.Option("open", "--status", help="open, done, cancelled."),
) -> None:
    """Tasks for people, soonest due first."""
    ctx = build_app()
    with ctx.uow() as uow:
        for t in uow.tasks.listing(status=status, kind=kind):
            typer.echo(f"{t.id}\t{t.kind}\t{t.role or '-'}\t{t.status}\t{t.title}")


@tasks_app.command("close")
def tasks_close(
    task_id: int = typer.Argument(...),
    outcome: str = typer.Option("", "--outcome"),
    by: str = BY,
) -> None:
    """Close a task with its outcome."""
    ctx = build_app()
    with ctx.uow() as uow:
        task = uow.tasks.close(task_id, by=by, at=ctx.clock(), outcome=outcome or None)
        uow.commit()
        typer.echo(f"task {task.id}: {task.status}")


# daily -----------------------------------------------------------------------------------


def daily() -> None:
    """The daily resolution batch: promises, instalments, deferrals, interest."""
    ctx = build_app()
    book, at = _policies(ctx), ctx.clock()
    terms = interest_config(ctx)
    with ctx.uow() as uow:
        # Interest and fees first, in the same transaction, so a plan's payoff and a
        # settlement see today's balance.
        accrued = accrue(uow=uow, through=at.date(), at=at, terms=terms, actor="daily")
        report = run_daily(uow=uow, as_of=at.date(), at=at, policies=book, actor="daily")
        uow.commit()
    typer.echo(f"interest through {accrued.through.isoformat()}: {accrued.accounts} account(s), "
               f"{accrued.rows} ledger line(s)")  # fmt: skip
    typer.echo(report.line())
    typer.echo(send_due_chore(ctx, at))  # scheduled report e-mails into the outbox
