"""Compliance: planned versus suppressed actions by rule, overrides, disputes, complaints.

* suppression: the daily plan's actions of the period by client and the rule
  (or ``capacity``) that suppressed them; ``planned`` rows have no rule;
* overrides: the REVIEW findings a compliance officer approved or refused in the
  supervisor console, with the rules, the decision and the reason;
* disputes: open and resolved by reason, with the age of the open ones
  (days since opened) and the days resolved ones took;
* complaints: interactions recorded with the outcome ``complaint`` (by the workbench, a
  channel or an import), with their age at the period's end. Inbound replies are
  classified without a complaint intent (``inbound.intent``): a reply that complains
  is a dispute, a stop or ``other`` there, and counted under that.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.analytics.measures import share
from arrears.analytics.measures.contact import count, weighted


def suppression(actions: pl.DataFrame) -> pl.DataFrame:
    """Actions by client, status and rule, with each rule's share of the day's actions."""
    return (
        actions.group_by("client_id", "status", "suppressed_by")
        .agg(pl.len().cast(pl.Int64).alias("actions"))
        .with_columns(share("actions", pl.col("actions").sum().over("client_id")).alias("share"))
        .sort("client_id", "status", "actions", descending=[False, False, True])
    )


def overrides(decided: pl.DataFrame) -> pl.DataFrame:
    """One row per override, oldest first; the totals by decision are ``override_counts``."""
    return decided.sort("decided_at")


def override_counts(decided: pl.DataFrame) -> pl.DataFrame:
    """Overrides by client, decision and who decided."""
    return (
        decided.group_by("client_id", "decision", "decided_role")
        .agg(pl.len().cast(pl.Int64).alias("overrides"))
        .sort("client_id", "decision", "decided_role")
    )


def dispute_ages(disputes: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Disputes by client, reason and status: count, median and oldest age in days."""
    end = pl.coalesce(pl.col("resolved_at").dt.date(), pl.lit(as_of))
    age = (end - pl.col("opened_at").dt.date()).dt.total_days()
    return (
        disputes.with_columns(age.alias("age_days"))
        .group_by("client_id", "reason", "status")
        .agg(
            pl.len().cast(pl.Int64).alias("disputes"),
            pl.col("age_days").median().alias("median_days"),
            pl.col("age_days").max().alias("oldest_days"),
        )
        .sort("client_id", "reason", "status")
    )


def complaints(interactions: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Complaints recorded by client and channel: how many, and their age on ``as_of`` (days
    since the complaint's UTC day): median and oldest. ``interactions`` one per row (with
    ``occurred_at``) or the contact cube's rows by ``day`` standing for ``n`` each."""
    rows = weighted(interactions)
    if "day" not in rows.columns:
        rows = rows.with_columns(pl.col("occurred_at").dt.date().alias("day"))
    age = (pl.lit(as_of) - pl.col("day")).dt.total_days().cast(pl.Int64).alias("age_days")
    return (
        rows.filter(pl.col("outcome") == "complaint")
        .with_columns(age)
        .group_by("client_id", "channel")
        .agg(
            count().alias("complaints"),
            # Each row stands for n complaints of the same day: the median of every complaint.
            pl.col("age_days").repeat_by("n").explode().median().alias("median_days"),
            pl.col("age_days").max().alias("oldest_days"),
        )
        .sort("client_id", "channel")
    )
