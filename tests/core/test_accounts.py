"""Scenarios for the account lifecycle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrears.core.accounts import (
    OPEN_STATUSES,
    TERMINAL,
    TRANSITIONS,
    AccountStatus,
    can_transition,
    parse_status,
    transition,
)
from arrears.errors import IllegalTransition, InvalidInput

S = AccountStatus
STATUSES = st.sampled_from(list(AccountStatus))


def reachable_from(start: AccountStatus) -> set[AccountStatus]:
    seen, frontier = {start}, [start]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


class TestTransitionTable:
    def test_every_status_has_a_row(self) -> None:
        assert set(TRANSITIONS) == set(AccountStatus)

    def test_the_table_cannot_be_changed_at_runtime(self) -> None:
        with pytest.raises(TypeError):
            TRANSITIONS[S.CLOSED] = frozenset({S.ACTIVE})  # type: ignore[index]

    def test_no_status_lists_itself(self) -> None:
        assert all(status not in exits for status, exits in TRANSITIONS.items())

    def test_every_status_is_reachable_from_active(self) -> None:
        assert reachable_from(S.ACTIVE) == set(AccountStatus)

    def test_every_status_can_eventually_close(self) -> None:
        assert all(S.CLOSED in reachable_from(status) for status in AccountStatus)

    def test_only_resolved_states_lead_to_closed(self) -> None:
        into_closed = {s for s, exits in TRANSITIONS.items() if S.CLOSED in exits}
        assert into_closed == {S.PAID, S.SETTLED, S.WRITTEN_OFF, S.RECALLED}


class TestStatusSets:
    def test_closed_is_the_only_terminal_status(self) -> None:
        assert {S.CLOSED} == TERMINAL

    def test_open_statuses_are_those_still_being_collected(self) -> None:
        expected = {S.ACTIVE, S.PROMISED, S.IN_PLAN, S.DISPUTED, S.ON_HOLD, S.LEGAL, S.PLACED}
        assert expected == OPEN_STATUSES

    def test_resolved_statuses_are_not_open(self) -> None:
        resolved = {S.PAID, S.SETTLED, S.WRITTEN_OFF, S.RECALLED, S.CLOSED}
        assert not resolved & OPEN_STATUSES


class TestParseStatus:
    def test_reads_a_name_ignoring_case_and_spaces(self) -> None:
        assert parse_status(" In_Plan ") is S.IN_PLAN

    def test_passes_a_status_through(self) -> None:
        assert parse_status(S.LEGAL) is S.LEGAL

    def test_an_unknown_name_lists_the_known_ones(self) -> None:
        with pytest.raises(InvalidInput, match="'bankrupt' is not an account status"):
            parse_status("bankrupt")


class TestCanTransition:
    @pytest.mark.parametrize(
        ("source", "target"),
        [
            (S.ACTIVE, S.PROMISED),
            (S.PROMISED, S.ACTIVE),
            (S.IN_PLAN, S.PAID),
            (S.PAID, S.ACTIVE),
            (S.PLACED, S.RECALLED),
            (S.RECALLED, S.PLACED),
            (S.WRITTEN_OFF, S.ACTIVE),
            (S.WRITTEN_OFF, S.PLACED),
            (S.SETTLED, S.CLOSED),
        ],
    )
    def test_realistic_moves_are_allowed(self, source: S, target: S) -> None:
        assert can_transition(source, target)

    @pytest.mark.parametrize(
        ("source", "target"),
        [
            (S.CLOSED, S.ACTIVE),
            (S.ACTIVE, S.CLOSED),
            (S.ACTIVE, S.RECALLED),
            (S.DISPUTED, S.PLACED),
            (S.PLACED, S.ACTIVE),
            (S.PAID, S.WRITTEN_OFF),
        ],
    )
    def test_impossible_moves_are_not(self, source: S, target: S) -> None:
        assert not can_transition(source, target)

    def test_accepts_names(self) -> None:
        assert can_transition("promised", "paid")

    def test_an_unknown_name_is_invalid_input(self) -> None:
        with pytest.raises(InvalidInput):
            can_transition("active", "vanished")


class TestTransition:
    def test_an_allowed_move_returns_the_new_status(self) -> None:
        assert transition(S.ACTIVE, S.PROMISED) is S.PROMISED

    def test_names_are_accepted(self) -> None:
        assert transition("promised", "active") is S.ACTIVE

    def test_a_refused_move_names_both_states(self) -> None:
        with pytest.raises(IllegalTransition, match="from 'closed' to 'active'") as caught:
            transition(S.CLOSED, "active")
        assert (caught.value.source, caught.value.target) == ("closed", "active")

    def test_staying_in_the_same_state_is_refused(self) -> None:
        with pytest.raises(IllegalTransition):
            transition(S.ACTIVE, S.ACTIVE)

    def test_an_unknown_state_is_invalid_input_not_illegal(self) -> None:
        with pytest.raises(InvalidInput, match="'gone'"):
            transition("gone", "active")

    def test_nothing_leaves_a_terminal_status(self) -> None:
        for status in TERMINAL:
            for target in AccountStatus:
                assert not can_transition(status, target)

    @given(STATUSES, STATUSES)
    def test_transition_agrees_with_can_transition(self, source: S, target: S) -> None:
        if can_transition(source, target):
            assert transition(source, target) is target
        else:
            with pytest.raises(IllegalTransition):
                transition(source, target)
