"""Scenarios for China resident identity numbers (GB 11643-1999)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.identity import cn_id_birth_date, cn_id_check_digit, cn_id_problem

# The example from GB 11643-1999 itself: Beijing Chaoyang, born 1949-12-31.
STANDARD_EXAMPLE = "11010519491231002X"

AREAS = st.from_regex(r"[1-9][0-9]{5}", fullmatch=True)
SEQUENCES = st.from_regex(r"[0-9]{3}", fullmatch=True)
BIRTHS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


def valid_id(area: str, born: date, sequence: str) -> str:
    body = f"{area}{born:%Y%m%d}{sequence}"
    return body + cn_id_check_digit(body)


class TestCheckDigit:
    def test_the_standard_example_checks_to_x(self) -> None:
        assert cn_id_check_digit("11010519491231002") == "X"

    def test_a_numeric_check_digit(self) -> None:
        assert cn_id_check_digit("44052418800101001") == "4"

    @pytest.mark.parametrize("first17", ["1101051949123100", "1101051949123100A", ""])
    def test_refuses_anything_but_17_digits(self, first17: str) -> None:
        with pytest.raises(ValueError, match="17"):
            cn_id_check_digit(first17)


class TestProblem:
    def test_a_valid_number_has_no_problem(self) -> None:
        assert cn_id_problem(STANDARD_EXAMPLE) is None

    def test_a_lower_case_x_is_accepted(self) -> None:
        assert cn_id_problem(STANDARD_EXAMPLE.lower()) is None

    @pytest.mark.parametrize("number", ["", "11010519491231002", "11010519491231002X1"])
    def test_the_wrong_length_is_reported(self, number: str) -> None:
        assert cn_id_problem(number) == "must have 18 characters"

    def test_letters_in_the_body_are_reported(self) -> None:
        assert cn_id_problem("1101051949123100AX") == "must be 17 digits followed by a digit or X"

    def test_an_impossible_birth_date_is_reported(self) -> None:
        body = "11010519490230002"  # 30 February
        assert cn_id_problem(body + cn_id_check_digit(body)) == "contains an impossible birth date"

    def test_a_wrong_check_digit_is_reported(self) -> None:
        assert cn_id_problem("110105194912310021") == "check digit does not match (GB 11643-1999)"

    @given(AREAS, BIRTHS, SEQUENCES)
    def test_any_well_formed_number_is_valid(self, area: str, born: date, seq: str) -> None:
        assert cn_id_problem(valid_id(area, born, seq)) is None

    @given(AREAS, BIRTHS, SEQUENCES, st.sampled_from("0123456789X"))
    def test_any_other_check_character_is_caught(
        self, area: str, born: date, seq: str, wrong: str
    ) -> None:
        number = valid_id(area, born, seq)
        if wrong != number[-1]:
            assert cn_id_problem(number[:-1] + wrong) is not None

    @given(AREAS, BIRTHS, SEQUENCES, st.integers(min_value=0, max_value=16), st.integers(1, 9))
    def test_a_single_mistyped_digit_is_caught(
        self, area: str, born: date, seq: str, position: int, shift: int
    ) -> None:
        number = valid_id(area, born, seq)
        mistyped = str((int(number[position]) + shift) % 10)
        assert cn_id_problem(number[:position] + mistyped + number[position + 1 :]) is not None


class TestBirthDate:
    def test_reads_the_birth_date(self) -> None:
        assert cn_id_birth_date(STANDARD_EXAMPLE) == date(1949, 12, 31)

    @given(AREAS, BIRTHS, SEQUENCES)
    def test_returns_the_date_that_was_encoded(self, area: str, born: date, seq: str) -> None:
        assert cn_id_birth_date(valid_id(area, born, seq)) == born
