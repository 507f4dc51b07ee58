"""The small regular expressions of phone metadata, as automata over the ten digits.

``phonenumbers`` describes numbering plans with regular expressions built from
digits, classes (``[2-9]``, ``\\d``), groups, alternatives and counted repeats.
:func:`compile_nfa` reads exactly that subset (anything else raises
:class:`Unsupported`, so a caller falls back to asking ``phonenumbers``) into a
nondeterministic automaton, which answers the question the phone blocks need:
given the first digits of a string and how many digits follow, does the pattern
match *every* such string, *none*, or some? :func:`max_width` bounds how far a
pattern used with ``re.match`` can read, and :meth:`Nfa.exhausted` tells when it reads no
further than a given start.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_DIGITS = "0123456789"


class Unsupported(ValueError):
    """A pattern using a construct this reader does not know."""


@dataclass(frozen=True)
class _Set:
    chars: frozenset[str]


@dataclass(frozen=True)
class _Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class _Alt:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class _Rep:
    item: Node
    lo: int
    hi: int | None  # None: unbounded


Node = _Set | _Seq | _Alt | _Rep


class _Reader:
    """Recursive descent over the pattern text."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise Unsupported(self.text)
        self.at += 1
        return char

    def alternatives(self) -> Node:
        items = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            items.append(self.sequence())
        return _Alt(tuple(items)) if len(items) > 1 else items[0]

    def sequence(self) -> Node:
        items: list[Node] = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeated(self.atom()))
        return _Seq(tuple(items))

    def atom(self) -> Node:
        char = self.take()
        if char in _DIGITS:
            return _Set(frozenset(char))
        if char == "\\" and self.take() == "d":
            return _Set(frozenset(_DIGITS))
        if char == "[":
            return _Set(self.digit_class())
        if char == "(":
            if self.peek() == "?":
                self.at += 1
                if self.take() != ":":
                    raise Unsupported(self.text)  # lookarounds, flags, names
            inner = self.alternatives()
            if self.take() != ")":
                raise Unsupported(self.text)
            return inner
        raise Unsupported(self.text)

    def digit_class(self) -> frozenset[str]:
        negate = self.peek() == "^"
        if negate:
            self.at += 1
        found: set[str] = set()
        while (char := self.take()) != "]":
            if char == "\\" and self.take() == "d":
                found |= set(_DIGITS)
            elif char in _DIGITS and self.peek() == "-":
                self.at += 1
                last = self.take()
                if last not in _DIGITS:
                    raise Unsupported(self.text)
                found |= {d for d in _DIGITS if char <= d <= last}
            elif char in _DIGITS:
                found.add(char)
            else:
                raise Unsupported(self.text)
        return frozenset(set(_DIGITS) - found if negate else found)

    def repeated(self, node: Node) -> Node:
        char = self.peek()
        if char not in ("?", "*", "+", "{"):
            return node
        self.at += 1
        if char == "{":
            lo, hi = self.counts()
        else:
            lo, hi = {"?": (0, 1), "*": (0, None), "+": (1, None)}[char]
        if self.peek() in ("?", "+", "*", "{"):
            raise Unsupported(self.text)  # lazy or possessive repeats
        return _Rep(node, lo, hi)

    def counts(self) -> tuple[int, int | None]:
        end = self.text.find("}", self.at)
        if end < 0:
            raise Unsupported(self.text)
        low, comma, high = self.text[self.at : end].partition(",")
        self.at = end + 1
        if not low.isdigit() or (high and not high.isdigit()):
            raise Unsupported(self.text)
        return int(low), (int(high) if high else None) if comma else int(low)


def _parse(pattern: str) -> Node:
    reader = _Reader(pattern)
    node = reader.alternatives()
    if reader.at != len(pattern):
        raise Unsupported(pattern)
    return node


def max_width(pattern: str) -> int | None:
    """The most characters a match of ``pattern`` can span; None when unbounded."""
    return _width(_parse(pattern))


def _width(node: Node) -> int | None:
    if isinstance(node, _Set):
        return 1
    if isinstance(node, _Seq | _Alt):
        widths = [_width(n) for n in node.items]
        known = [w for w in widths if w is not None]
        if len(known) < len(widths):
            return None
        return sum(known) if isinstance(node, _Seq) else max(known, default=0)
    inner = _width(node.item)
    if inner == 0:
        return 0
    if inner is None or node.hi is None:
        return None
    return inner * node.hi


@dataclass
class Nfa:
    """A Thompson automaton over the digits; state 0 starts, ``accept`` ends."""

    edges: list[list[tuple[frozenset[str], int]]] = field(default_factory=lambda: [[]])
    empty: list[list[int]] = field(default_factory=lambda: [[]])
    accept: int = 0
    _closures: dict[int, frozenset[int]] = field(default_factory=dict)
    _steps: dict[tuple[frozenset[int], str], frozenset[int]] = field(default_factory=dict)
    _decided: dict[tuple[frozenset[int], int], bool | None] = field(default_factory=dict)

    def new(self) -> int:
        self.edges.append([])
        self.empty.append([])
        return len(self.edges) - 1

    def decided(self, known: str, rest: int) -> bool | None:
        """True when the pattern matches ``known`` followed by any ``rest`` digits, False
        when it matches none of them, None when it matches some."""
        states = self._closure({0})
        for char in known:
            states = self._step(states, char)
            if not states:
                return False
        return self._decide(states, rest)

    def exhausted(self, known: str) -> bool:
        """Whether no way through the pattern reads past ``known``: then ``re.match`` of
        the pattern on ``known`` followed by anything is decided by ``known`` alone."""
        states = self._closure({0})
        for char in known:
            states = self._step(states, char)
            if not states:
                return True
        return not any(self.edges[s] for s in states)

    def _decide(self, states: frozenset[int], rest: int) -> bool | None:
        if not states:
            return False
        if rest == 0:
            return self.accept in states
        key = (states, rest)
        if key not in self._decided:
            found = {self._decide(self._step(states, d), rest - 1) for d in _DIGITS}
            self._decided[key] = found.pop() if len(found) == 1 else None
        return self._decided[key]

    def _step(self, states: frozenset[int], char: str) -> frozenset[int]:
        key = (states, char)
        found = self._steps.get(key)
        if found is None:
            reached = {t for s in states for chars, t in self.edges[s] if char in chars}
            found = self._steps[key] = self._closure(reached)
        return found

    def _closure(self, states: set[int]) -> frozenset[int]:
        found: set[int] = set()
        for state in states:
            closed = self._closures.get(state)
            if closed is None:
                closed = self._closures[state] = self._close(state)
            found |= closed
        return frozenset(found)

    def _close(self, state: int) -> frozenset[int]:
        seen, todo = {state}, [state]
        while todo:
            for nxt in self.empty[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)


def compile_nfa(pattern: str) -> Nfa:
    """The automaton of ``pattern`` matched whole (``re.fullmatch``)."""
    nfa = Nfa()
    nfa.accept = _build(nfa, _parse(pattern), 0)
    return nfa


def _build(nfa: Nfa, node: Node, start: int) -> int:
    """Adds ``node`` from ``start``; returns the state where it ends. Every part gets
    states of its own, so loops never reach into a neighbour."""
    if isinstance(node, _Set):
        end = nfa.new()
        nfa.edges[start].append((node.chars, end))
        return end
    if isinstance(node, _Seq):
        for item in node.items:
            start = _build(nfa, item, start)
        return start
    if isinstance(node, _Alt):
        end = nfa.new()
        for item in node.items:
            nfa.empty[_build(nfa, item, _fresh(nfa, start))].append(end)
        return end
    for _ in range(node.lo):
        start = _build(nfa, node.item, _fresh(nfa, start))
    end = nfa.new()
    nfa.empty[start].append(end)
    if node.hi is None:
        loop = _fresh(nfa, start)
        nfa.empty[_build(nfa, node.item, loop)].extend((loop, end))
        return end
    for _ in range(node.hi - node.lo):
        start = _build(nfa, node.item, _fresh(nfa, start))
        nfa.empty[start].append(end)
    return end


def _fresh(nfa: Nfa, after: int) -> int:
    """A new state reached from ``after`` without reading."""
    state = nfa.new()
    nfa.empty[after].append(state)
    return state
