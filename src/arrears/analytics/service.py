"""The ageing report: open balances by days-past-due bucket.

Balances are summed in SQL by client, currency and due date
(``store.repositories.reports``), then bucketed here with Polars using a
bucket scheme from ``core.aging`` (``dpd``: current / 1-30 / ... / 181+, or
``m``: M0-M7+). Amounts stay integer minor units until they are displayed;
currencies are never added together.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date

import polars as pl

from arrears.core.accounts import OPEN_STATUSES
from arrears.core.aging import BucketScheme
from arrears.core.currency import home_locale
from arrears.core.money import Money
from arrears.store.uow import UnitOfWork
from arrears.strategy.features import bucket_expr

AMOUNT_COLUMNS = ("balance", "principal", "interest", "fees", "costs")


@dataclass(frozen=True)
class AgingReport:
    as_of: date
    scheme: BucketScheme
    frame: pl.DataFrame  # client, currency, bucket, accounts, balance, principal, ...

    def totals(self) -> pl.DataFrame:
        """One row per client and currency."""
        return (
            self.frame.group_by("client", "currency", maintain_order=True)
            .agg(pl.col("accounts").sum(), *(pl.col(c).sum() for c in AMOUNT_COLUMNS))
            .sort("client", "currency")
        )

    def for_display(self, locale: str | None = None) -> pl.DataFrame:
        """Amounts as formatted text (¥1,234.56), for tables.

        Without a locale each currency is shown the way its home locale writes it.
        """
        rows = []
        for row in self.frame.iter_rows(named=True):
            shown = dict(row)
            where = locale or home_locale(row["currency"])
            for column in AMOUNT_COLUMNS:
                shown[column] = Money(row[column], row["currency"]).format(where)
            rows.append(shown)
        return (
            pl.DataFrame(rows, schema=dict.fromkeys(self.frame.columns, pl.String))
            if rows
            else self.frame
        )

    def for_export(self) -> pl.DataFrame:
        """Amounts as exact decimal text in major units (1234.56), for CSV and XLSX."""
        currencies = self.frame["currency"].to_list()
        return self.frame.with_columns(
            pl.Series(
                column,
                [
                    str(Money(minor, currency).to_major())
                    for minor, currency in zip(self.frame[column], currencies, strict=True)
                ],
                dtype=pl.String,
            )
            for column in AMOUNT_COLUMNS
        )


def aging_report(
    *, uow: UnitOfWork, as_of: date, scheme: BucketScheme, client: str | None = None
) -> AgingReport:
    """Open balances as of ``as_of`` by client, currency and bucket."""
    groups = uow.reports.balances_by_due_date(
        client=client, statuses=tuple(sorted(s.value for s in OPEN_STATUSES))
    )
    frame = pl.DataFrame([astuple(g) for g in groups], schema=GROUPS, orient="row")
    return AgingReport(as_of=as_of, scheme=scheme, frame=bucket_frame(frame, as_of, scheme))


GROUPS = {
    "client": pl.String, "currency": pl.String, "due_on": pl.Date, "accounts": pl.Int64,
    "principal": pl.Int64, "interest": pl.Int64, "fees": pl.Int64, "costs": pl.Int64,
}  # fmt: skip


def due_date_groups(accounts: pl.DataFrame, codes: pl.DataFrame) -> pl.DataFrame:
    """The open balances of ``accounts`` (``store.queries.analytics.current_accounts``) by client
    code, currency and due date: what ``aging_report`` sums in SQL, for any as-of day."""
    statuses = sorted(s.value for s in OPEN_STATUSES)
    return (
        accounts.filter(pl.col("status").is_in(statuses))
        .join(codes, on="client_id")
        .group_by("client", "currency", "due_on")
        .agg(
            pl.len().alias("accounts"),
            *(
                pl.col(f"{c}_minor").sum().alias(c)
                for c in ("principal", "interest", "fees", "costs")
            ),
        )
        .select(pl.col(name).cast(dtype) for name, dtype in GROUPS.items())
    )


def bucket_frame(frame: pl.DataFrame, as_of: date, scheme: BucketScheme) -> pl.DataFrame:
    """Sum balances into the scheme's buckets; every bucket appears, even when empty."""
    labels = list(scheme.labels)
    dpd = (pl.lit(as_of) - pl.col("due_on")).dt.total_days()
    bucketed = (
        frame.with_columns(
            bucket_expr(dpd, scheme).alias("bucket"),
            (pl.col("principal") + pl.col("interest") + pl.col("fees") + pl.col("costs")).alias(
                "balance"
            ),
        )
        .group_by("client", "currency", "bucket")
        .agg(pl.col("accounts").sum(), *(pl.col(c).sum() for c in AMOUNT_COLUMNS))
    )
    keys = frame.select("client", "currency").unique()
    grid = keys.join(pl.DataFrame({"bucket": labels}), how="cross")
    order = pl.DataFrame({"bucket": labels, "_order": list(range(len(labels)))})
    return (
        grid.join(bucketed, on=["client", "currency", "bucket"], how="left")
        .fill_null(0)
        .join(order, on="bucket")
        .sort("client", "currency", "_order")
        .select("client", "currency", "bucket", "accounts", *AMOUNT_COLUMNS)
    )
