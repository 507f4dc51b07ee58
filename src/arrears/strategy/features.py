"""The account features: the columns strategies and the planner speak about.

The planner computes one row per open account with exactly these columns
(``planner.features``); strategy conditions are SQL boolean expressions over
them (``dpd between 31 and 90 and balance >= 1000``). Amounts exist twice:
``*_minor`` as integer minor units for arithmetic, and ``balance`` etc. as
exact decimals in major units for readable conditions — never floats.

This table is the contract between the two sides and the source of the
feature list in docs/strategies.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from arrears.core.aging import BucketScheme

MAJOR = pl.Decimal(24, 4)  # exact major units (4 places cover every currency we know)


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    dtype: pl.DataType
    description: str


FEATURES: tuple[Feature, ...] = (
    # identity
    Feature("account_id", pl.Int64(), "internal account id"),
    Feature("account_ref", pl.String(), "the client's account reference"),
    Feature("client", pl.String(), "client (creditor) code"),
    Feature("debtor_id", pl.Int64(), "internal debtor id (the person counters are kept for)"),
    Feature("debtor_kind", pl.String(), "person or company"),
    Feature("product", pl.String(), "credit_card, personal_loan, invoice, medical, ..."),
    Feature("currency", pl.String(), "ISO 4217 code"),
    Feature("jurisdiction", pl.String(), "CN, GB, US, US-CA, ... (rulebooks that apply)"),
    Feature("language", pl.String(), "zh-CN, en-US, ..."),
    Feature("status", pl.String(), "lifecycle state: active, promised, in_plan, disputed, ..."),
    # money
    Feature("principal_minor", pl.Int64(), "principal in minor units"),
    Feature("interest_minor", pl.Int64(), "interest in minor units"),
    Feature("fees_minor", pl.Int64(), "fees in minor units"),
    Feature("costs_minor", pl.Int64(), "costs in minor units"),
    Feature("balance_minor", pl.Int64(), "principal + interest + fees + costs, minor units"),
    Feature("balance", MAJOR, "the balance in major units (for conditions: balance >= 1000)"),
    Feature("principal", MAJOR, "the principal in major units"),
    # age
    Feature("dpd", pl.Int32(), "days past due as of the plan date (negative before due)"),
    Feature("bucket", pl.String(), "ageing bucket: current, 1-30, 31-60, ..., 181+"),
    Feature("m_bucket", pl.String(), "M0 ... M7+ (Chinese lenders' scheme)"),
    Feature("days_since_opened", pl.Int32(), "days since the account was opened (null if unknown)"),
    Feature("charged_off", pl.Boolean(), "the creditor charged the account off"),
    # score (until scoring exists: null)
    Feature("score", pl.Float64(), "propensity to pay in 30 days, 0-1 (null: not scored)"),
    Feature("tier", pl.String(), "risk tier from scoring (null: not scored)"),
    # activity
    Feature("days_since_last_contact", pl.Int32(), "days since the last outbound attempt"),
    Feature("days_since_last_conversation", pl.Int32(), "days since a right-party conversation"),
    Feature("days_since_last_payment", pl.Int32(), "days since the last payment"),
    Feature("days_since_last_email", pl.Int32(), "days since the last e-mail sent"),
    Feature("days_since_last_sms", pl.Int32(), "days since the last SMS sent"),
    Feature("days_since_last_letter", pl.Int32(), "days since the last letter sent"),
    Feature(
        "replied_since_last_message", pl.Boolean(), "an inbound contact after the last message"
    ),
    Feature("unanswered_calls", pl.Int32(), "calls since the last conversation that got no answer"),
    Feature("last_call_outcome", pl.String(), "no_answer, voicemail, conversation, ... (null)"),
    Feature("contacts_7d", pl.Int32(), "outbound attempts in the last 7 days, all channels"),
    # resolution
    Feature("promise_status", pl.String(), "pending, kept, partial, broken (null: none)"),
    Feature("broken_promises", pl.Int32(), "promises broken so far"),
    Feature("plan_status", pl.String(), "active, missed, broken, completed (null: none)"),
    Feature("missed_instalments", pl.Int32(), "instalments missed in the current plan"),
    Feature("disputed", pl.Boolean(), "an open dispute on the account"),
    Feature("on_hold", pl.Boolean(), "any hold (dispute, cease, attorney, bankruptcy, ...)"),
    # contactability
    Feature("has_mobile", pl.Boolean(), "a usable mobile number"),
    Feature("has_phone", pl.Boolean(), "a usable phone number of any kind"),
    Feature("has_email", pl.Boolean(), "a usable e-mail address"),
    Feature("has_address", pl.Boolean(), "a postal address"),
    # B2B
    Feature("invoice_count", pl.Int32(), "open invoices (B2B)"),
    # strategy state
    Feature("segment_days", pl.Int32(), "days the account has been in its current segment"),
    Feature("validation_notice_sent", pl.Boolean(), "a validation notice was sent (US)"),
    Feature(
        "events",
        pl.List(pl.String()),
        "today's events: promise_broken, instalment_missed, "
        "no_reply, dispute_resolved, payment_received",
    ),
    Feature(
        "steps_done",
        pl.List(pl.String()),
        "ids of strategy steps already done in the current segment",
    ),
    Feature(
        "steps_last_done",
        pl.List(pl.Struct({"step": pl.String(), "days_ago": pl.Int32()})),
        "for each step done in the current segment, days since it was last done",
    ),
    Feature(
        "time_barred",
        pl.Boolean(),
        "the statute of limitations has run (false until a limitations table is configured)",
    ),
    Feature(
        "hardship",
        pl.Boolean(),
        "financial difficulty declared (false until replies and the workbench record it)",
    ),
    Feature("vulnerable", pl.Boolean(), "the debtor is known to be vulnerable (same)"),
)

SCHEMA: dict[str, pl.DataType] = {f.name: f.dtype for f in FEATURES}
NAMES: frozenset[str] = frozenset(SCHEMA)


def empty_features() -> pl.DataFrame:
    """A frame with the feature columns and no rows."""
    return pl.DataFrame(schema=SCHEMA)


def bucket_expr(dpd: pl.Expr, scheme: BucketScheme) -> pl.Expr:
    """The bucket label of a days-past-due expression (bucket i holds dpd <= edge i)."""
    labels = list(scheme.labels)
    expr: pl.Expr = pl.lit(labels[-1])
    # Built from the last edge inwards so the first matching edge wins.
    for edge, label in reversed(list(zip(scheme.upper_edges, labels, strict=False))):
        expr = pl.when(dpd <= edge).then(pl.lit(label)).otherwise(expr)
    return expr
