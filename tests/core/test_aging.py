"""Scenarios for days past due and bucket schemes."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.aging import (
    DPD_SCHEME,
    FAR_PAST,
    M_SCHEME,
    SCHEMES,
    Bucket,
    BucketScheme,
    days_past_due,
    get_scheme,
    scheme_from_edges,
)
from arrears.errors import InvalidInput

DPD = st.integers(min_value=FAR_PAST, max_value=10**6)
SHIPPED = st.sampled_from([DPD_SCHEME, M_SCHEME])
EDGES = st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=10, unique=True)


class TestDaysPastDue:
    def test_the_due_date_itself_is_zero(self) -> None:
        assert days_past_due(date(2024, 3, 1), date(2024, 3, 1)) == 0

    def test_the_day_after_is_one(self) -> None:
        assert days_past_due(date(2024, 3, 1), date(2024, 3, 2)) == 1

    def test_before_the_due_date_it_is_negative(self) -> None:
        assert days_past_due(date(2024, 3, 1), date(2024, 2, 26)) == -4

    def test_a_leap_day_counts(self) -> None:
        assert days_past_due(date(2024, 2, 28), date(2024, 3, 1)) == 2

    def test_datetimes_are_refused(self) -> None:
        with pytest.raises(TypeError, match="local date"):
            days_past_due(date(2024, 3, 1), datetime(2024, 3, 2, 23, 0))

    @given(st.dates(), st.dates())
    def test_it_is_antisymmetric(self, a: date, b: date) -> None:
        assert days_past_due(a, b) == -days_past_due(b, a)


class TestBucket:
    def test_bounds_are_inclusive(self) -> None:
        bucket = Bucket("1-30", 1, 30)
        assert bucket.contains(1)
        assert bucket.contains(30)
        assert not bucket.contains(0)
        assert not bucket.contains(31)

    def test_an_open_ended_bucket_has_no_upper_limit(self) -> None:
        assert Bucket("181+", 181, None).contains(10**9)

    def test_a_bucket_cannot_end_before_it_starts(self) -> None:
        with pytest.raises(InvalidInput, match="before it starts"):
            Bucket("bad", 10, 5)

    def test_a_bucket_needs_a_label(self) -> None:
        with pytest.raises(InvalidInput):
            Bucket(" ", 0, 5)


class TestBucketScheme:
    def test_buckets_must_be_contiguous(self) -> None:
        with pytest.raises(InvalidInput, match="'31-60' must start the day after '1-30'"):
            BucketScheme("gap", (Bucket("1-30", 1, 30), Bucket("31-60", 32, None)))

    def test_buckets_must_not_overlap(self) -> None:
        with pytest.raises(InvalidInput):
            BucketScheme("overlap", (Bucket("a", 1, 30), Bucket("b", 30, None)))

    def test_only_the_last_bucket_is_open_ended(self) -> None:
        with pytest.raises(InvalidInput):
            BucketScheme("open", (Bucket("a", 1, None), Bucket("b", 2, None)))

    def test_the_last_bucket_must_be_open_ended(self) -> None:
        with pytest.raises(InvalidInput, match="open-ended"):
            BucketScheme("closed", (Bucket("a", 1, 30),))

    def test_a_scheme_needs_buckets(self) -> None:
        with pytest.raises(InvalidInput):
            BucketScheme("empty", ())

    def test_labels_must_be_unique(self) -> None:
        with pytest.raises(InvalidInput, match="repeats"):
            BucketScheme("dup", (Bucket("a", 0, 1), Bucket("a", 2, None)))

    def test_a_dpd_below_the_first_bucket_is_refused(self) -> None:
        scheme = BucketScheme("late only", (Bucket("1-30", 1, 30), Bucket("31+", 31, None)))
        with pytest.raises(InvalidInput, match="below the first bucket"):
            scheme.bucket_for(0)

    def test_upper_edges_are_the_highs_of_all_but_the_last_bucket(self) -> None:
        assert DPD_SCHEME.upper_edges == (0, 30, 60, 90, 120, 180)

    @given(SHIPPED, DPD)
    def test_bucket_i_holds_dpd_up_to_upper_edge_i(self, scheme: BucketScheme, dpd: int) -> None:
        index = scheme.labels.index(scheme.bucket_for(dpd))
        edges = scheme.upper_edges
        if index < len(edges):
            assert dpd <= edges[index]
        if index > 0:
            assert dpd > edges[index - 1]


class TestBucketFor:
    @pytest.mark.parametrize(
        ("dpd", "label"),
        [
            (-30, "current"),
            (0, "current"),
            (1, "1-30"),
            (30, "1-30"),
            (31, "31-60"),
            (90, "61-90"),
            (91, "91-120"),
            (121, "121-180"),
            (180, "121-180"),
            (181, "181+"),
            (5000, "181+"),
        ],
    )
    def test_the_dpd_scheme(self, dpd: int, label: str) -> None:
        assert DPD_SCHEME.bucket_for(dpd) == label

    @pytest.mark.parametrize(
        ("dpd", "label"),
        [(0, "M0"), (1, "M1"), (30, "M1"), (31, "M2"), (150, "M5"), (151, "M6"), (181, "M7+")],
    )
    def test_the_m_scheme(self, dpd: int, label: str) -> None:
        assert M_SCHEME.bucket_for(dpd) == label

    @given(SHIPPED, DPD)
    def test_every_dpd_falls_in_exactly_one_bucket(self, scheme: BucketScheme, dpd: int) -> None:
        holders = [b.label for b in scheme.buckets if b.contains(dpd)]
        assert holders == [scheme.bucket_for(dpd)]

    @given(SHIPPED, DPD, DPD)
    def test_an_older_debt_is_never_in_a_younger_bucket(
        self, scheme: BucketScheme, a: int, b: int
    ) -> None:
        low, high = sorted((a, b))
        position = scheme.labels.index
        assert position(scheme.bucket_for(low)) <= position(scheme.bucket_for(high))


class TestSchemeFromEdges:
    def test_labels_are_generated_from_the_edges(self) -> None:
        scheme = scheme_from_edges("x", [0, 30, 60, 90])
        assert scheme.labels == ("current", "1-30", "31-60", "61-90", "91+")

    def test_the_first_bucket_starts_far_in_the_past(self) -> None:
        assert scheme_from_edges("x", [0]).buckets[0].low == FAR_PAST

    def test_pre_due_edges_get_readable_labels(self) -> None:
        scheme = scheme_from_edges("pre", [-7, 0, 1, 30])
        assert scheme.labels == ("<=-7", "-6..0", "1", "2-30", "31+")

    def test_given_labels_are_used(self) -> None:
        scheme = scheme_from_edges("x", [0, 30], ["ok", "late", "very late"])
        assert scheme.bucket_for(45) == "very late"

    def test_the_number_of_labels_must_be_one_more_than_the_edges(self) -> None:
        with pytest.raises(InvalidInput, match="2 edges need 3 labels, got 2"):
            scheme_from_edges("x", [0, 30], ["a", "b"])

    def test_edges_must_ascend(self) -> None:
        with pytest.raises(InvalidInput, match=r"edge 2 \(30\) must be above edge 1 \(60\)"):
            scheme_from_edges("x", [0, 60, 30])

    def test_repeated_edges_are_refused(self) -> None:
        with pytest.raises(InvalidInput):
            scheme_from_edges("x", [0, 30, 30])

    def test_at_least_one_edge_is_needed(self) -> None:
        with pytest.raises(InvalidInput, match="at least one edge"):
            scheme_from_edges("x", [])

    def test_edges_must_be_whole_days(self) -> None:
        with pytest.raises(InvalidInput, match="whole days"):
            scheme_from_edges("x", [0, 30.5])  # type: ignore[list-item]

    @given(EDGES.map(sorted), DPD)
    def test_any_ascending_edges_make_a_scheme_that_covers_every_dpd(
        self, edges: list[int], dpd: int
    ) -> None:
        scheme = scheme_from_edges("gen", edges)
        assert scheme.upper_edges == tuple(edges)
        assert len(set(scheme.labels)) == len(edges) + 1
        assert sum(b.contains(dpd) for b in scheme.buckets) == 1


class TestShippedSchemes:
    def test_the_dpd_scheme(self) -> None:
        assert DPD_SCHEME.name == "dpd"
        assert DPD_SCHEME.labels == (
            "current",
            "1-30",
            "31-60",
            "61-90",
            "91-120",
            "121-180",
            "181+",
        )

    def test_the_m_scheme(self) -> None:
        assert M_SCHEME.name == "m"
        assert M_SCHEME.labels == ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")
        assert M_SCHEME.upper_edges == (0, 30, 60, 90, 120, 150, 180)

    def test_schemes_are_registered_by_name(self) -> None:
        assert SCHEMES == {"dpd": DPD_SCHEME, "m": M_SCHEME}


class TestGetScheme:
    def test_finds_a_scheme_by_name_ignoring_case(self) -> None:
        assert get_scheme("M") is M_SCHEME
        assert get_scheme("dpd") is DPD_SCHEME

    def test_an_unknown_name_lists_the_known_ones(self) -> None:
        with pytest.raises(InvalidInput, match=r"'weekly' \(known: dpd, m\)"):
            get_scheme("weekly")
