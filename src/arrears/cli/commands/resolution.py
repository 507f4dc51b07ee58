"""Promises, payment plans, settlements, deferrals, tasks and the daily resolution batch."""

from __future__ import annotations

import typer

promises_app = typer.Typer(no_args_is_help=True, help="Promises to pay: take, list, evaluate.")
plans_app = typer.Typer(no_args_is_help=True, help="Payment plans: offers, set up, list, pay off.")
settlements_app = typer.Typer(no_args_is_help=True, help="Settlements: propose, approve, reject.")
deferrals_app = typer.Typer(no_args_is_help=True, help="Hardship deferrals with an end date.")
tasks_app = typer.Typer(
    no_args_is_help=True, help="Tasks for people: refunds, call backs, approvals."
)


def daily() -> None:
    """The daily resolution batch: promises, instalments, deferrals, interest."""
