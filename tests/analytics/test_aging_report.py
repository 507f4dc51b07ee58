"""Bucketing balances by days past due, vectorised, agrees with the core."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.analytics.service import bucket_frame
from arrears.core.aging import DPD_SCHEME, M_SCHEME, days_past_due

AS_OF = date(2026, 11, 20)


def frame(due_dates: list[date], currency: str = "CNY") -> pl.DataFrame:
    n = len(due_dates)
    return pl.DataFrame(
        {
            "client": ["c"] * n,
            "currency": [currency] * n,
            "due_on": due_dates,
            "accounts": [1] * n,
            "principal": [100] * n,
            "interest": [10] * n,
            "fees": [1] * n,
            "costs": [0] * n,
        }
    )


class TestBucketFrame:
    def test_every_bucket_is_listed_in_order_even_when_empty(self):
        out = bucket_frame(frame([AS_OF - timedelta(days=45)]), AS_OF, M_SCHEME)
        assert out["bucket"].to_list() == list(M_SCHEME.labels)
        assert out.filter(pl.col("bucket") == "M2")["balance"].to_list() == [111]
        assert out["accounts"].sum() == 1

    def test_currencies_are_never_added_together(self):
        both = pl.concat([frame([AS_OF]), frame([AS_OF], "USD")])
        out = bucket_frame(both, AS_OF, DPD_SCHEME)
        assert set(out["currency"]) == {"CNY", "USD"}
        assert out.filter(pl.col("currency") == "USD")["balance"].sum() == 111

    @given(st.lists(st.integers(min_value=-400, max_value=4000), min_size=1, max_size=40))
    def test_each_account_lands_in_the_bucket_the_core_names(self, offsets: list[int]):
        due = [AS_OF - timedelta(days=d) for d in offsets]
        out = bucket_frame(frame(due), AS_OF, DPD_SCHEME)
        expected: dict[str, int] = {}
        for day in due:
            label = DPD_SCHEME.bucket_for(days_past_due(day, AS_OF))
            expected[label] = expected.get(label, 0) + 1
        got = {r["bucket"]: r["accounts"] for r in out.iter_rows(named=True) if r["accounts"]}
        assert got == expected
