"""Unit costs from config/costs.yaml and cost per unit collected, by channel and collector."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from arrears.analytics.measures.costs import CostBook, cost_per_collected, load_costs
from arrears.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BOOK = CostBook.model_validate(
    {
        "version": "t",
        "currencies": {
            "CNY": {"channels": {"call": 50, "sms": 5}, "collector_hour": 6000, "call_minutes": 4}
        },
    }
)


def test_the_shipped_cost_file_is_valid():
    assert "CNY" in load_costs(ROOT / "config" / "costs.yaml").currencies


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: x\ncurrencies:\n  CNY:\n    channels: {}\n    collector_hour: -1\n"
         "    call_minutes: 4\n", "line 5: currencies.CNY.collector_hour"),
        ("version: x\ncurrencies:\n  XXX:\n    collector_hour: 1\n    call_minutes: 4\n",
         "line 3: currencies.XXX: unknown currency"),
        ("version: x\ncurrencies:\n  CNY:\n    collector_hour: 1\n    call_minutes: 4\n"
         "    colour: red\n", "unknown key"),
    ],
)  # fmt: skip
def test_a_bad_cost_file_is_answered_with_its_line_and_field(
    tmp_path: Path, text: str, message: str
):
    path = tmp_path / "costs.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_costs(path)


def test_cost_per_collected_by_channel_and_collector():
    def touch(account: int, channel: str, day: int, user: int | None) -> tuple[object, ...]:
        return (account, 1, channel, "out", datetime(2026, 11, day, 9, tzinfo=UTC), user)

    interactions = pl.DataFrame(
        [touch(1, "call", 2, 7), touch(1, "sms", 5, None), touch(2, "call", 3, 8),
         touch(2, "call", 4, None)],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "channel": pl.String,
                "direction": pl.String, "occurred_at": pl.Datetime("us", "UTC"),
                "user_id": pl.Int64},
        orient="row",
    )  # fmt: skip
    payments = pl.DataFrame(
        [(1, 1, "CNY", date(2026, 11, 6), 10_000), (2, 1, "CNY", date(2026, 11, 3), 4_000)],
        schema={"account_id": pl.Int64, "client_id": pl.Int64, "currency": pl.String,
                "paid_on": pl.Date, "amount_minor": pl.Int64},
        orient="row",
    )  # fmt: skip
    accounts = pl.DataFrame(
        {"account_id": [1, 2], "currency": ["CNY", "CNY"], "strategy": ["s", "s"],
         "segment": ["M1", "M2"]}
    )  # fmt: skip
    by_channel = {r["channel"]: r for r in cost_per_collected(
        interactions, payments, accounts, BOOK, "channel").iter_rows(named=True)}  # fmt: skip
    # A collector's call: 50 + 6000 × 4 / 60 = 450; a dialler call 50; an SMS 5.
    assert by_channel["call"]["cost_minor"] == 450 + 450 + 50
    assert by_channel["sms"]["cost_minor"] == 5
    # Payment 1 (6 Nov) follows the SMS of 5 Nov; payment 2 (3 Nov) the call of 3 Nov.
    assert (by_channel["sms"]["collected_minor"], by_channel["call"]["collected_minor"]) == (
        10_000, 4_000)  # fmt: skip
    assert by_channel["sms"]["cost_per_unit"] == pytest.approx(5 / 10_000)
    people = {r["collector_id"]: r for r in cost_per_collected(
        interactions, payments, accounts, BOOK, "collector").iter_rows(named=True)}  # fmt: skip
    assert (people[8]["cost_minor"], people[8]["collected_minor"]) == (450, 4_000)
    assert people[7]["collected_minor"] == 0
    by_segment = {r["segment"]: r for r in cost_per_collected(
        interactions, payments, accounts, BOOK, "segment").iter_rows(named=True)}  # fmt: skip
    assert by_segment["M2"]["cost_minor"] == 500 and by_segment["M2"]["collected_minor"] == 4_000
