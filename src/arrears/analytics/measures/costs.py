"""Cost of collection and cost per unit collected.

Unit costs come from ``config/costs.yaml`` (per currency, minor units): each
outbound attempt costs its channel's unit cost, and each call made by a
collector also costs ``call_minutes`` of the collector's hourly cost. A payment
is credited to the last outbound attempt on its account in the
``ATTRIBUTION_DAYS`` before it (last touch), so collected amounts can be split
by channel and collector; by strategy and segment they follow the account.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arrears.analytics.measures import share
from arrears.core.currency import exponent
from arrears.errors import ConfigError
from arrears.kit.yamlio import YamlProblem, read_yaml_file, validation_messages

ATTRIBUTION_DAYS = 30
DIMENSIONS = ("strategy", "segment", "channel", "collector")


class CurrencyCosts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channels: dict[str, int] = Field(default_factory=dict)
    collector_hour: int = Field(ge=0)
    call_minutes: int = Field(ge=0, le=600)


class CostBook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    currencies: dict[str, CurrencyCosts]
    # The value priority's settings (planner.value.ValueModel): one minor unit of each
    # currency in a common unit, and the least a call must return per unit of its cost.
    rates: dict[str, Decimal] = Field(default_factory=dict)
    min_return: float = Field(default=1.0, ge=0)

    def frame(self) -> pl.DataFrame:
        """One row per currency and channel: the attempt's cost and the collector's per call."""
        rows = [
            (cur, channel, cost, c.collector_hour * c.call_minutes // 60 if channel == "call"
             else 0)
            for cur, c in self.currencies.items()
            for channel, cost in c.channels.items()
        ]  # fmt: skip
        return pl.DataFrame(rows, orient="row", schema={
            "currency": pl.String, "channel": pl.String, "unit_minor": pl.Int64,
            "collector_minor": pl.Int64})  # fmt: skip


def load_costs(path: Path) -> CostBook:
    """Read and validate the cost file; errors name the file, line and field."""
    try:
        _, document = read_yaml_file(path, "the cost file", source=path.name)
    except YamlProblem as exc:
        raise ConfigError(exc.message) from None
    try:
        book = CostBook.model_validate(document.data)
    except ValidationError as exc:
        raise ConfigError("; ".join(validation_messages(exc, document, CostBook))) from None
    for code, costs in book.currencies.items():
        try:
            exponent(code)
        except Exception:
            raise ConfigError(document.problem(("currencies", code), "unknown currency")) from None
        for channel, cost in costs.channels.items():
            if cost < 0:
                where = ("currencies", code, "channels", channel)
                raise ConfigError(document.problem(where, "a cost is 0 or more"))
    return book


def attributed(interactions: pl.DataFrame, payments: pl.DataFrame) -> pl.DataFrame:
    """Payments with the channel and collector of the last outbound attempt before them."""
    touches = (
        interactions.filter(pl.col("direction") == "out")
        .select("account_id", "channel", pl.col("user_id").alias("collector_id"),
                pl.col("occurred_at").dt.date().alias("touched_on"))
        .sort("touched_on")
    )  # fmt: skip
    return payments.sort("paid_on").join_asof(
        touches, left_on="paid_on", right_on="touched_on", by="account_id",
        strategy="backward", tolerance=f"{ATTRIBUTION_DAYS}d", check_sortedness=False,
    )  # fmt: skip


def cost_per_collected(
    interactions: pl.DataFrame,
    payments: pl.DataFrame,
    accounts: pl.DataFrame,
    book: CostBook,
    by: str = "channel",
) -> pl.DataFrame:
    """Cost, collected and cost ÷ collected by client, currency and ``by`` (DIMENSIONS)."""
    key = "collector_id" if by == "collector" else by
    info = accounts.select("account_id", "currency", "strategy", "segment")
    work = (
        interactions.filter(pl.col("direction") == "out")
        .drop("segment", "strategy", strict=False)
        .join(info, on="account_id")
        .rename({"user_id": "collector_id"})
        .join(book.frame(), on=["currency", "channel"], how="left")
        .with_columns(
            (pl.col("unit_minor").fill_null(0)
             + pl.when(pl.col("collector_id").is_not_null()).then("collector_minor").otherwise(0)
             .fill_null(0)).alias("cost_minor")
        )
        .group_by("client_id", "currency", key)
        .agg(pl.len().cast(pl.Int64).alias("attempts"), pl.col("cost_minor").sum())
    )  # fmt: skip
    money = (
        attributed(interactions, payments)
        .drop("currency")
        .join(info, on="account_id")
        .group_by("client_id", "currency", key)
        .agg(pl.col("amount_minor").sum().alias("collected_minor"))
    )
    return (
        work.join(money, on=["client_id", "currency", key], how="full", coalesce=True,
                  nulls_equal=True)
        .with_columns(pl.col("attempts", "cost_minor", "collected_minor").fill_null(0))
        .with_columns(share("cost_minor", "collected_minor").alias("cost_per_unit"))
        .sort("client_id", "currency", key, nulls_last=True)
    )  # fmt: skip
