"""The accrual run: bring every open account's interest and fees up to a date.

:func:`accrue` brings every open account from where it stands (the last accrued
day, else its due date or the day we received it) to ``through``: the days are cut
into stretches where interest runs or is stopped (a hold, a charge-off), each
stretch gets a ledger line with its rate and the rule that bound it, balances grow
by the amounts, and one audit event records the run. Re-running a day changes
nothing: positions say where each account is, and ledger lines are unique per
account, kind and period end. The service never commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from arrears.payments.interest.config import InterestConfig
from arrears.payments.interest.frames import compute
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork


@dataclass(frozen=True)
class AccrualSummary:
    """What one run did: accounts, ledger lines, amounts by currency, stops by reason."""

    run_id: int
    through: date
    accounts: int
    rows: int
    interest: dict[str, int]
    fees: dict[str, int]
    stopped: dict[str, int]
    config_version: str


def accrue(
    *,
    uow: UnitOfWork,
    through: date,
    at: datetime,
    terms: InterestConfig,
    actor: str,
    account_ids: Sequence[int] | None = None,
) -> AccrualSummary:
    """Accrue interest and late fees of open accounts up to and including ``through``."""
    # The run is recorded first: that serialises concurrent runs (see start_run).
    run_id = uow.interest.start_run(
        through=through, actor=actor, config_version=terms.version, at=at
    )
    frame, holds = uow.interest.candidates(through, account_ids)
    if frame.is_empty():
        return _finish(uow, AccrualSummary(run_id, through, 0, 0, {}, {}, {}, terms.version),
                       at, actor)  # fmt: skip
    computed = compute(frame, holds, terms, through)
    lines, fee_lines = computed.lines, computed.fees
    ledger = _ledger_rows(lines, run_id, at) + [
        {**f, "run_id": run_id, "created_at": at} for f in fee_lines
    ]
    uow.interest.insert_accruals(ledger)
    _save(uow, lines, fee_lines, run_id, at)
    summary = _summary(run_id, through, computed.accounts, lines, fee_lines, terms.version)
    return _finish(uow, summary, at, actor)


def _finish(uow: UnitOfWork, summary: AccrualSummary, at: datetime, actor: str) -> AccrualSummary:
    """Close the run record and write the run's one audit event."""
    totals = {"interest": summary.interest, "late_fee": summary.fees, "stopped": summary.stopped}
    uow.interest.finish_run(
        summary.run_id, accounts=summary.accounts, rows=summary.rows, totals=totals
    )
    uow.audit.append(AuditEvent(
        occurred_at=at, actor=actor, action="interest.accrued", entity="interest_run",
        entity_id=str(summary.run_id),
        after={"through": summary.through, "accounts": summary.accounts, "rows": summary.rows,
               **totals, "config_version": summary.config_version},
    ))  # fmt: skip
    return summary


def _ledger_rows(lines: pl.DataFrame, run_id: int, at: datetime) -> list[dict[str, Any]]:
    accrued = pl.col("reason").is_null()
    return lines.select(
        "account_id", pl.lit("interest").alias("kind"),
        pl.col("first").alias("period_from"), pl.col("last").alias("period_to"),
        ((pl.col("last") - pl.col("first")).dt.total_days() + 1).cast(pl.Int32).alias("days"),
        pl.col("principal_minor").alias("base_minor"), "currency",
        pl.when(accrued).then(pl.col("rate")).alias("rate"),
        "contract_rate", "cap_rate", "convention", "amount_minor",
        pl.when(accrued).then(pl.col("rate_rule")).otherwise(pl.col("rule")).alias("rule"),
        pl.when(accrued).then(pl.col("rate_citation")).otherwise(pl.col("citation"))
        .alias("citation"),
        pl.col("reason").alias("stopped"),
        pl.lit(run_id).alias("run_id"),
    ).with_columns(pl.lit(at).alias("created_at")).to_dicts()  # fmt: skip


def _save(uow: UnitOfWork, lines: pl.DataFrame, fees: list[dict[str, Any]], run_id: int,
          at: datetime) -> None:  # fmt: skip
    last = lines.sort("account_id", "first").group_by("account_id", maintain_order=True).agg(
        pl.col("last").last().alias("accrued_through"), pl.col("carry").last(),
        pl.col("den").last().alias("carry_den"), pl.col("amount_minor").sum().alias("interest"),
    )  # fmt: skip
    uow.interest.save_positions(
        last.select("account_id", "accrued_through", "carry", "carry_den")
        .with_columns(pl.lit(run_id).alias("run_id"), pl.lit(at).alias("updated_at"))
        .to_dicts()
    )
    fee_by = Counter[int]()
    for fee in fees:
        fee_by[fee["account_id"]] += fee["amount_minor"]
    changes = [
        {"id": a, "interest": i, "fees": fee_by.pop(a, 0)}
        for a, i in last.select("account_id", "interest").iter_rows()
    ]
    changes += [{"id": a, "interest": 0, "fees": f} for a, f in fee_by.items()]
    uow.interest.add_to_balances([c for c in changes if c["interest"] or c["fees"]], at)


def _summary(run_id: int, through: date, accounts: int, lines: pl.DataFrame,
             fees: list[dict[str, Any]], version: str) -> AccrualSummary:  # fmt: skip
    by_currency = lines.group_by("currency").agg(pl.col("amount_minor").sum()).sort("currency")
    stopped = (
        lines.filter(pl.col("reason").is_not_null())
        .group_by("reason").agg(pl.col("account_id").n_unique()).sort("reason")
    )  # fmt: skip
    fee_totals = Counter[str]()
    for fee in fees:
        fee_totals[fee["currency"]] += fee["amount_minor"]
    return AccrualSummary(
        run_id=run_id, through=through, accounts=accounts, rows=lines.height + len(fees),
        interest={c: int(v) for c, v in by_currency.iter_rows()},
        fees=dict(sorted(fee_totals.items())),
        stopped={r: int(n) for r, n in stopped.iter_rows()}, config_version=version,
    )  # fmt: skip


def account_ledger(*, uow: UnitOfWork, account_id: int) -> list[dict[str, Any]]:
    """The account's ledger lines (for ``arrears interest show``), oldest first."""
    return uow.interest.ledger(account_id)
