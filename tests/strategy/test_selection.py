"""Choosing each account's strategy, and its segment within the strategy."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategy.helpers import make_strategy, segment
from tests.strategy.portfolio import accounts

from arrears.strategy import assign_segments, choose_strategies, strategy_for

ANY = segment("ALL", "true")
LENDER = make_strategy(ANY, id="lender", applies_to={"clients": ["cn-consumer"]})
CHINA = make_strategy(ANY, id="china", applies_to={"jurisdictions": ["CN"]})
US = make_strategy(ANY, id="us", applies_to={"jurisdictions": ["US", "US-*"]})
COMPANIES = make_strategy(ANY, id="companies", applies_to={"when": "debtor_kind = 'company'"})


def chosen(frame: pl.LazyFrame, *strategies: object) -> list[str | None]:
    result = choose_strategies(frame, strategies)  # type: ignore[arg-type]
    return result.collect()["strategy"].to_list()


class TestChooseStrategies:
    def test_a_strategy_naming_the_client_wins_over_one_naming_the_jurisdiction(self) -> None:
        frame = accounts({"client": "cn-consumer", "jurisdiction": "CN"})
        assert chosen(frame, CHINA, LENDER) == ["lender"]

    def test_other_clients_fall_to_the_first_matching_jurisdiction(self) -> None:
        frame = accounts({"client": "other", "jurisdiction": "CN"})
        assert chosen(frame, LENDER, CHINA) == ["china"]

    def test_a_subdivision_pattern_matches_every_state(self) -> None:
        rows = [{"client": "x", "jurisdiction": j} for j in ["US", "US-CA", "USA", "GB"]]
        assert chosen(accounts(*rows), US) == ["us", "us", None, None]

    def test_a_when_condition_selects_accounts_by_their_features(self) -> None:
        rows = [
            {"client": "x", "jurisdiction": "US", "debtor_kind": k} for k in ["company", "person"]
        ]
        assert chosen(accounts(*rows), COMPANIES, US) == ["companies", "us"]

    def test_an_account_no_strategy_matches_gets_none(self) -> None:
        assert chosen(accounts({"client": "x", "jurisdiction": "FR"}), LENDER, US) == [None]

    def test_the_version_and_digest_are_stamped(self) -> None:
        result = choose_strategies(accounts({}), [LENDER]).collect()
        assert result.row(0, named=True)["strategy_version"] == "1"
        assert result.row(0, named=True)["strategy_digest"] == LENDER.digest

    def test_with_no_strategies_every_account_has_none(self) -> None:
        assert chosen(accounts({})) == [None]

    def test_one_account_is_chosen_by_the_same_code(self) -> None:
        assert strategy_for({"client": "x", "jurisdiction": "US-TX"}, [LENDER, US]) is US
        assert strategy_for({"client": "x", "jurisdiction": "FR"}, [LENDER, US]) is None


AGES = make_strategy(
    segment("DISPUTE", "disputed", priority=5),
    segment("BIG", "dpd > 30 and balance >= 5000", priority=90),
    segment("LATE", "dpd > 30", priority=70),
    segment("EARLY", "dpd between 1 and 30", priority=40),
)


def segments_of(*rows: dict[str, object]) -> pl.DataFrame:
    frame = choose_strategies(accounts(*rows), [AGES])
    return assign_segments(frame, [AGES]).collect()


class TestAssignSegments:
    def test_an_account_falls_into_the_first_segment_that_matches(self) -> None:
        result = segments_of({"dpd": 40, "balance": 9000}, {"dpd": 40, "balance": 10}, {"dpd": 3})
        assert result["segment"].to_list() == ["BIG", "LATE", "EARLY"]
        assert result["segment_priority"].to_list() == [90, 70, 40]

    def test_an_earlier_segment_takes_the_account_even_if_a_later_one_matches(self) -> None:
        assert segments_of({"dpd": 40, "disputed": True})["segment"].to_list() == ["DISPUTE"]

    def test_no_matching_segment_gives_null(self) -> None:
        result = segments_of({"dpd": -3})
        assert result["segment"].to_list() == [None]
        assert result["segment_priority"].to_list() == [None]

    def test_an_account_without_a_strategy_has_no_segment(self) -> None:
        assert segments_of({"client": "x", "jurisdiction": "FR", "dpd": 40})["segment"][0] is None


ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "dpd": st.one_of(st.none(), st.integers(-30, 400)),
            "balance": st.integers(0, 20_000),
            "disputed": st.one_of(st.none(), st.booleans()),
        }
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(ROWS)
def test_every_account_gets_at_most_one_segment_the_first_that_matches(
    rows: list[dict[str, object]],
) -> None:
    result = segments_of(*rows)
    assert result.height == len(rows)  # no account duplicated or lost
    assert result["account_id"].to_list() == list(range(1, len(rows) + 1))
    frame = accounts(*rows).collect()
    for index, account in enumerate(result.iter_rows(named=True)):
        matches = [
            s.id
            for s in AGES.segments
            if frame[index].select(pl.sql_expr(s.when).fill_null(False)).item()
        ]
        assert account["segment"] == (matches[0] if matches else None)
