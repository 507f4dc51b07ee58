"""How the report tables' columns are named on screen (English message ids, translated by the
dashboards' catalogue; files keep the plain column names)."""

from __future__ import annotations

from arrears.ui.i18n import N_

COLUMNS = {
    "client": N_("Client"), "currency": N_("Currency"), "open_accounts": N_("Open accounts"),
    "balance": N_("Balance"), "collected": N_("Collected"),
    "paying_accounts": N_("Paying accounts"),
    "as_of": N_("Day"), "accounts": N_("Accounts"), "cohort": N_("Cohort"), "placed": N_("Placed"),
    "liquidation_rate": N_("Liquidation rate"), "month": N_("Month"),
    "cumulative": N_("Cumulative"), "bucket_from": N_("From bucket"), "bucket_to": N_("To bucket"),
    "share_accounts": N_("Share of accounts"), "share_balance": N_("Share of balance"),
    "delinquent": N_("Delinquent"), "cured": N_("Cured"), "cure_rate": N_("Cure rate"),
    "open": N_("Open"), "written_off": N_("Written off"), "bad_debt_rate": N_("Bad-debt rate"),
    "due": N_("Due"), "kept": N_("Kept"), "promised": N_("Promised"),
    "amount_kept": N_("Amount kept"), "promises": N_("Promises"), "rpc": N_("Right-party contacts"),
    "promise_rate": N_("Promise rate"), "kept_rate": N_("Kept rate"), "attempts": N_("Attempts"),
    "connects": N_("Connects"), "rpc_rate": N_("RPC rate"),
    "rpc_per_connect": N_("RPC per connect"),
    "channel": N_("Channel"), "contacts": N_("Contacts"), "responses": N_("Responses"),
    "contact_rate": N_("Contact rate"), "response_rate": N_("Response rate"), "hour": N_("Hour"),
    "weekday": N_("Weekday"), "sent": N_("Sent"), "delivered": N_("Delivered"),
    "bounced": N_("Bounced"), "delivery_rate": N_("Delivery rate"),
    "bounce_rate": N_("Bounce rate"),
    "segment": N_("Segment"), "cost": N_("Cost"), "cost_per_unit": N_("Cost per unit collected"),
    "sales": N_("Credit sales"), "ar": N_("Receivables"), "current_ar": N_("Current receivables"),
    "ar_start": N_("Receivables at start"), "dso": N_("DSO"), "best_dso": N_("Best-possible DSO"),
    "add": N_("Average days delinquent"), "cei": N_("CEI"), "bucket": N_("Bucket"),
    "invoices": N_("Invoices"), "user_id": N_("User"), "username": N_("Collector"),
    "team_id": N_("Team id"), "team": N_("Team"), "calls": N_("Calls"),
    "calls_target": N_("Calls target"), "rpc_target": N_("RPC target"),
    "promises_target": N_("Promises target"), "calls_attainment": N_("Calls attainment"),
    "rpc_attainment": N_("RPC attainment"), "promises_attainment": N_("Promises attainment"),
    "collectors": N_("Collectors"), "experiment": N_("Experiment"), "arm": N_("Arm"),
    "base": N_("Base balance"), "recovery_rate": N_("Recovery rate"),
    "per_account": N_("Per account"), "contacts_per_account": N_("Contacts per account"),
    "champion": N_("Champion"), "challenger": N_("Challenger"), "lift": N_("Lift"),
    "low": N_("95% CI low"), "high": N_("95% CI high"), "p": N_("p-value"), "days": N_("Days"),
    "verdict_en": N_("Verdict (English)"), "verdict_zh": N_("Verdict (Chinese)"),
    "status": N_("Status"), "suppressed_by": N_("Rule"), "actions": N_("Actions"),
    "share": N_("Share"), "occurred_at": N_("When"), "actor": N_("Who"), "action": N_("Action"),
    "entity": N_("Record"), "entity_id": N_("Record id"), "after": N_("Details"),
    "reason": N_("Reason"), "disputes": N_("Disputes"), "median_days": N_("Median age (days)"),
    "oldest_days": N_("Oldest (days)"), "complaints": N_("Complaints"),
    "principal": N_("Principal"), "interest": N_("Interest"), "fees": N_("Fees"),
    "costs": N_("Costs"), "collector_id": N_("Collector"), "strategy": N_("Strategy"),
    "collected_target": N_("Collected target"),
    "collected_attainment": N_("Collected attainment"),
}  # fmt: skip


def column_label(column: str) -> str:
    """The English message id of a column (its own name when it has none)."""
    return COLUMNS.get(column, column)
