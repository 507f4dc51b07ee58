"""The small regular expressions of phone metadata, as automata over the ten digits.

``phonenumbers`` describes numbering plans with regular expressions built from
digits, classes (``[2-9]``, ``\\d``), groups, alternatives and counted repeats.
:func:`compile_nfa` accepts exactly that subset (anything else raises
:class:`Unsupported`, so a caller falls back to asking ``phonenumbers``) and lets
``interegular`` turn it into a deterministic automaton, which answers the question
the phone blocks need: given the first digits of a string and how many digits
follow, does the pattern match *every* such string, *none*, or some?
:func:`max_width` bounds how far a pattern used with ``re.match`` can read, and
:meth:`Automaton.exhausted` tells when it reads no further than a given start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import interegular

_DIGITS = "0123456789"

# The syntax vouched for: digits, |, groups (plain or (?:), \d, classes of digits and
# ranges, greedy repeats. interegular reads more (letters, lookaheads, lazy repeats), but
# not all of it the way ``re`` does (possessive repeats), and nothing else is needed.
_QUANTIFIER = r"(?:[?*+]|\{\d+(?:,\d*)?\})(?![?*+{])"
_CLASS = r"\[\^?(?:[0-9](?:-[0-9])?|\\d)+\]"
_SUBSET = re.compile(rf"(?:[0-9|()]|\(\?:|\\d|{_CLASS}|{_QUANTIFIER})*")


class Unsupported(ValueError):
    """A pattern using a construct this reader does not vouch for."""


def _parsed(pattern: str) -> interegular.Pattern:
    if not _SUBSET.fullmatch(pattern):
        raise Unsupported(pattern)
    try:
        re.compile(pattern)  # what ``re`` refuses has no meaning to prove anything about
        return interegular.parse_pattern(pattern)
    except (re.error, interegular.Unsupported, interegular.InvalidSyntax) as exc:
        raise Unsupported(pattern) from exc


def max_width(pattern: str) -> int | None:
    """The most characters a match of ``pattern`` can span; None when unbounded."""
    _, most = _parsed(pattern).lengths
    return most


@dataclass
class Automaton:
    """A deterministic automaton over the digits, reduced to the states from which it can
    still accept: ``moves[s][d]`` is where digit ``d`` leads, -1 when nowhere."""

    moves: dict[int, tuple[int, ...]]
    start: int  # -1: the pattern matches nothing
    finals: frozenset[int]
    _decided: dict[tuple[int, int], bool | None] = field(default_factory=dict)

    def decided(self, known: str, rest: int) -> bool | None:
        """True when the pattern matches ``known`` followed by any ``rest`` digits, False
        when it matches none of them, None when it matches some."""
        return self._decide(self._read(known), rest)

    def exhausted(self, known: str) -> bool:
        """Whether no way through the pattern reads past ``known``: then ``re.match`` of
        the pattern on ``known`` followed by anything is decided by ``known`` alone."""
        state = self._read(known)
        return state < 0 or all(nxt < 0 for nxt in self.moves[state])

    def _read(self, known: str) -> int:
        state = self.start
        for char in known:
            if state < 0:
                break
            state = self.moves[state][_DIGITS.index(char)]
        return state

    def _decide(self, state: int, rest: int) -> bool | None:
        if state < 0:
            return False
        if rest == 0:
            return state in self.finals
        key = (state, rest)
        if key not in self._decided:
            found = {self._decide(nxt, rest - 1) for nxt in self.moves[state]}
            self._decided[key] = found.pop() if len(found) == 1 else None
        return self._decided[key]


def compile_nfa(pattern: str) -> Automaton:
    """The automaton of ``pattern`` matched whole (``re.fullmatch``)."""
    fsm = _parsed(pattern).to_fsm()
    keys = [fsm.alphabet[d] for d in _DIGITS]
    steps: dict[int, list[int | None]] = {
        s: [fsm.map.get(s, {}).get(k) for k in keys] for s in fsm.states
    }
    live = _live(steps, set(fsm.finals))
    moves: dict[int, tuple[int, ...]] = {
        s: tuple(t if t in live else -1 for t in nexts) for s, nexts in steps.items() if s in live
    }
    start = fsm.initial if fsm.initial in live else -1
    return Automaton(moves, start, frozenset(fsm.finals) & live)


def _live(steps: dict[int, list[int | None]], finals: set[int]) -> set[int]:
    """The states from which a final state can be reached on digits."""
    back: dict[int, set[int]] = {}
    for state, nexts in steps.items():
        for nxt in nexts:
            if nxt is not None:
                back.setdefault(nxt, set()).add(state)
    live, todo = set(finals), list(finals)
    while todo:
        for before in back.get(todo.pop(), ()):
            if before not in live:
                live.add(before)
                todo.append(before)
    return live
