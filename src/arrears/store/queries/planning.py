"""What the daily plan reads: open accounts, contact points, history, steps done.

Each function returns a Polars frame for one partition of debtors
(``debtor_id % partitions == partition``), so the planner's memory is bounded
by the partition, not the portfolio. Amounts stay integer minor units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Executable, func, select, true
from sqlalchemy.orm import Session

from arrears.store.records import (
    AccountRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    InvoiceRecord,
    PlannedActionRecord,
    PlanRunRecord,
    PromiseRecord,
)
from arrears.store.records.resolution import PaymentPlanRecord, PlanInstalmentRecord

# The compliance engine's opt-out struct (kept here: the store does not import policy).
OPT_OUTS = pl.List(
    pl.Struct({"channel": pl.String(), "to": pl.String(), "at": pl.Datetime("us", "UTC")})
)
INCONVENIENT = pl.List(
    pl.Struct(
        {"days": pl.List(pl.String()), "from": pl.String(), "to": pl.String(), "until": pl.Date()}
    )
)
OPEN = ("active", "promised", "in_plan", "disputed", "on_hold", "legal", "placed")


def _frame(session: Session, query: Executable, schema: dict[str, Any]) -> pl.DataFrame:
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


@dataclass(frozen=True)
class Partition:
    """Debtors whose id % count == index (the whole portfolio: Partition(0, 1))."""

    index: int = 0
    count: int = 1


WHOLE = Partition()


def _in_partition(column: Any, part: Partition) -> Any:
    return column % part.count == part.index if part.count > 1 else true()


def open_accounts(
    session: Session,
    *,
    part: Partition = WHOLE,
    client: str | None = None,
    account_ids: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Open accounts with their debtor's attributes, one row per account.

    With ``account_ids``: exactly those accounts, open or not (the outbox checks
    at send time whether an account was paid or closed since the plan).
    """
    a, d, c = AccountRecord, DebtorRecord, ClientRecord
    query = (
        select(
            a.id,
            a.account_ref,
            c.code,
            a.client_id,
            a.debtor_id,
            d.kind,
            a.product,
            a.currency,
            func.coalesce(a.jurisdiction, d.jurisdiction, c.jurisdiction),
            d.language,
            a.status,
            a.principal_minor,
            a.interest_minor,
            a.fees_minor,
            a.costs_minor,
            a.opened_on,
            a.due_on,
            a.charged_off_on,
            a.last_payment_on,
            a.segment,
            a.segment_since,
            a.holds,
            d.time_zones,
            d.country,
            d.region,
            a.arms,
        )
        .join(d, d.id == a.debtor_id)
        .join(c, c.id == a.client_id)
        .order_by(a.id)
    )
    if account_ids is None:
        query = query.where(a.status.in_(OPEN), _in_partition(a.debtor_id, part))
    else:
        query = query.where(a.id.in_(list(account_ids)))
    if client is not None:
        query = query.where(c.code == client)
    schema = {
        "account_id": pl.Int64, "account_ref": pl.String, "client": pl.String,
        "client_id": pl.Int64, "debtor_id": pl.Int64, "debtor_kind": pl.String,
        "product": pl.String, "currency": pl.String, "jurisdiction": pl.String,
        "language": pl.String, "status": pl.String, "principal_minor": pl.Int64,
        "interest_minor": pl.Int64, "fees_minor": pl.Int64, "costs_minor": pl.Int64,
        "opened_on": pl.Date, "due_on": pl.Date, "charged_off_on": pl.Date,
        "last_payment_on": pl.Date, "current_segment": pl.String, "segment_since": pl.Date,
        "holds": pl.Object, "time_zones": pl.Object, "country": pl.String,
        "region": pl.String, "arms": pl.Object,
    }  # fmt: skip
    frame = _frame(session, query, schema)
    return frame.with_columns(
        pl.Series("holds", [_kinds(h) for h in frame["holds"]], dtype=pl.List(pl.String)),
        pl.Series(
            "time_zones", [list(z or []) for z in frame["time_zones"]], dtype=pl.List(pl.String)
        ),
        pl.Series("arms", [dict(x or {}) for x in frame["arms"]], dtype=pl.Object),
    )


def _kinds(holds: Any) -> list[str]:
    return [str(h.get("kind")) for h in (holds or []) if isinstance(h, dict)]


def contact_points(
    session: Session, *, part: Partition = WHOLE, debtor_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """Every contact point of the partition's debtors (or of ``debtor_ids``).

    A point someone said is not the debtor's (``wrong_party``) counts as do-not-contact.
    In id order: the planner breaks ties between equally good points by row order, and
    PostgreSQL's order without ORDER BY changes from one plan to the next.
    """
    p, d = ContactPointRecord, DebtorRecord
    query = select(
        p.id, p.debtor_id, p.kind, p.value, p.line_type, p.time_zones, p.verified, p.consents,
        p.do_not_contact | p.wrong_party, p.preferred, p.confidence, p.opt_outs,
        d.inconvenient_times,
    ).join(d, d.id == p.debtor_id).order_by(p.id)  # fmt: skip
    if debtor_ids is None:
        query = query.where(_in_partition(p.debtor_id, part))
    else:
        query = query.where(p.debtor_id.in_(list(debtor_ids)))
    schema = {
        "point_id": pl.Int64, "debtor_id": pl.Int64, "kind": pl.String, "value": pl.String,
        "line_type": pl.String,
        "time_zones": pl.Object, "verified": pl.Boolean, "consents": pl.Object,
        "do_not_contact": pl.Boolean, "preferred": pl.Boolean, "confidence": pl.Int64,
        "opt_outs": pl.Object, "inconvenient_times": pl.Object,
    }  # fmt: skip
    frame = _frame(session, query, schema)
    return frame.with_columns(
        pl.Series("opt_outs", [_opt_outs(o) for o in frame["opt_outs"]], dtype=OPT_OUTS),
        pl.Series(
            "inconvenient_times",
            [_intervals(i) for i in frame["inconvenient_times"]],
            dtype=INCONVENIENT,
        ),
        pl.Series(
            "time_zones", [list(z or []) for z in frame["time_zones"]], dtype=pl.List(pl.String)
        ),
        pl.Series(
            "consents",
            [sorted((c or {}).keys()) for c in frame["consents"]],
            dtype=pl.List(pl.String),
        ),
    )


def _intervals(values: Any) -> list[dict[str, Any]]:
    """The debtor's inconvenient times as the engine's struct (``until`` a date)."""
    out = []
    for item in values or []:
        if isinstance(item, dict) and item.get("days"):
            until = item.get("until")
            out.append({"days": list(item["days"]), "from": item.get("from", "00:00"),
                        "to": item.get("to", "24:00"),
                        "until": date.fromisoformat(until) if until else None})  # fmt: skip
    return out


def _opt_outs(values: Any) -> list[dict[str, Any]]:
    """Stored opt-outs as the engine's struct: channel and when (ISO text in JSON)."""
    out = []
    for item in values or []:
        if isinstance(item, dict) and item.get("channel"):
            at = item.get("at")
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
            out.append({"channel": str(item["channel"]), "to": item.get("to"), "at": when})
    return out


def interactions(
    session: Session,
    *,
    since: datetime,
    part: Partition = WHOLE,
    debtor_ids: Sequence[int] | None = None,
) -> pl.DataFrame:
    """Contacts with the partition's debtors (or ``debtor_ids``) since ``since``.

    In the order they were recorded (id): of two calls at the same instant, the one
    recorded last is the latest (``planner.features``), whatever order the database
    would return rows in.
    """
    i = InteractionRecord
    query = select(
        i.debtor_id,
        i.account_id,
        i.channel,
        i.direction,
        i.occurred_at,
        i.contact_value,
        i.outcome,
        i.template,
    ).where(i.occurred_at >= since).order_by(i.id)  # fmt: skip
    if debtor_ids is None:
        query = query.where(_in_partition(i.debtor_id, part))
    else:
        query = query.where(i.debtor_id.in_(list(debtor_ids)))
    schema = {
        "debtor_id": pl.Int64, "account_id": pl.Int64, "channel": pl.String,
        "direction": pl.String, "occurred_at": pl.Datetime("us", "UTC"),
        "contact_value": pl.String, "outcome": pl.String, "template": pl.String,
    }  # fmt: skip
    return _frame(session, query, schema)


def invoice_counts(session: Session, *, part: Partition = WHOLE) -> pl.DataFrame:
    i, a = InvoiceRecord, AccountRecord
    query = (
        select(i.account_id, func.count(i.id))
        .join(a, a.id == i.account_id)
        .where(i.open_minor > 0, _in_partition(a.debtor_id, part))
        .group_by(i.account_id)
    )
    return _frame(session, query, {"account_id": pl.Int64, "invoice_count": pl.Int64})


def steps_done(session: Session, *, before: date, part: Partition = WHOLE) -> pl.DataFrame:
    """Steps planned on earlier days, per account and segment (a step fires once)."""
    p = PlannedActionRecord
    query = (
        select(p.account_id, p.segment, p.step, p.template, func.max(p.plan_date))
        .where(
            p.plan_date < before,
            p.status == "planned",
            _in_partition(p.debtor_id, part),
        )
        .group_by(p.account_id, p.segment, p.step, p.template)
    )
    return _frame(session, query, STEPS_DONE_SCHEMA)


# What ``steps_done`` gives: an empty frame of it is "nothing done yet".
STEPS_DONE_SCHEMA = {"account_id": pl.Int64, "segment": pl.String, "step": pl.String,
                     "template": pl.String, "last_done": pl.Date}  # fmt: skip


# Arrangements (promises, plans) as the planner sees them: written by payments/daily.py.
PROMISE_FAILED = ("broken", "partial")


def resolution_state(session: Session, *, as_of: date, part: Partition = WHOLE) -> pl.DataFrame:
    """Per account of the partition: the latest promise and plan, and today's events.

    ``promise_status`` and ``plan_status`` are those of the newest promise and plan;
    ``broken_promises`` counts promises broken or only partly kept; ``events`` holds
    ``promise_broken`` when a promise failed and ``instalment_missed`` when an
    instalment was missed on ``as_of`` or the day before (the daily batch may run
    before or after midnight of the plan date).
    """
    since = as_of - timedelta(days=1)
    promises = _promise_frame(session, part)
    plans = _plan_frame(session, part)
    missed = _missed_frame(session, part, since, as_of)
    last_promise = promises.sort("promise_id").group_by("account_id").agg(
        pl.col("status").last().alias("promise_status"),
        pl.col("status").is_in(PROMISE_FAILED).sum().cast(pl.Int32).alias("broken_promises"),
        (pl.col("status").is_in(PROMISE_FAILED) & (pl.col("changed_on") >= since)
         & (pl.col("changed_on") <= as_of)).any().alias("_promise_broken"),
    )  # fmt: skip
    last_plan = (
        plans.sort("plan_id")
        .group_by("account_id")
        .agg(
            pl.col("status").last().alias("plan_status"),
            pl.col("missed").last().cast(pl.Int32).alias("missed_instalments"),
        )
    )
    ids = pl.concat([f.select("account_id") for f in (promises, plans, missed)]).unique()
    frame = (
        ids.join(last_promise, on="account_id", how="left")
        .join(last_plan, on="account_id", how="left")
        .join(missed.with_columns(pl.lit(True).alias("_missed")), on="account_id", how="left")
    )
    event_lists = [
        [name for name, flag in (("promise_broken", p), ("instalment_missed", m)) if flag]
        for p, m in zip(frame["_promise_broken"], frame["_missed"], strict=True)
    ]
    return frame.drop("_promise_broken", "_missed").with_columns(
        pl.col("broken_promises").fill_null(0),
        pl.col("missed_instalments").fill_null(0),
        pl.Series("resolution_events", event_lists, dtype=pl.List(pl.String)),
    )


def _promise_frame(session: Session, part: Partition) -> pl.DataFrame:
    p, a = PromiseRecord, AccountRecord
    query = (
        select(p.account_id, p.id, p.status, p.updated_at)
        .join(a, a.id == p.account_id)
        .where(_in_partition(a.debtor_id, part))
    )
    schema = {"account_id": pl.Int64, "promise_id": pl.Int64, "status": pl.String,
              "updated_at": pl.Datetime("us", "UTC")}  # fmt: skip
    frame = _frame(session, query, schema)
    return frame.with_columns(pl.col("updated_at").dt.date().alias("changed_on"))


def _plan_frame(session: Session, part: Partition) -> pl.DataFrame:
    p, a = PaymentPlanRecord, AccountRecord
    query = (
        select(p.account_id, p.id, p.status, p.missed)
        .join(a, a.id == p.account_id)
        .where(_in_partition(a.debtor_id, part))
    )
    schema = {"account_id": pl.Int64, "plan_id": pl.Int64, "status": pl.String,
              "missed": pl.Int64}  # fmt: skip
    return _frame(session, query, schema)


def _missed_frame(session: Session, part: Partition, since: date, until: date) -> pl.DataFrame:
    p, i, a = PaymentPlanRecord, PlanInstalmentRecord, AccountRecord
    query = (
        select(p.account_id)
        .join(i, i.plan_id == p.id)
        .join(a, a.id == p.account_id)
        .where(i.missed_on >= since, i.missed_on <= until, _in_partition(a.debtor_id, part))
        .distinct()
    )
    return _frame(session, query, {"account_id": pl.Int64})


def locked_run(session: Session, run_id: int) -> PlanRunRecord:
    """The plan run, re-read and locked until the transaction ends.

    Workers planning partitions at once each add their partition to the run's
    ``partitions_done``; the lock makes those read-modify-writes take turns.
    ``FOR NO KEY UPDATE`` (not ``FOR UPDATE``): the partition's planned actions
    already hold a key-share lock on the run through their foreign key, which
    ``FOR UPDATE`` would wait for (two workers would deadlock). SQLite ignores the
    clause; its single writer already serialises the transactions.
    """
    query = (
        select(PlanRunRecord)
        .where(PlanRunRecord.id == run_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()
