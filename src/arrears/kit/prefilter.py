"""A fast superset prefilter for Python regular expressions, run by RE2.

Python's ``re`` backtracks: a union of a few hundred phrases costs about a
millisecond per kilobyte of text even when nothing matches, which is the usual
answer for a lawful message. RE2 matches in linear time with a DFA, but does
not know every construct Python has (look-behind, back-references, atomic
groups) and its ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII.

:func:`superset` rewrites a Python pattern into an RE2 pattern that matches
*every* text the original matches, and maybe more:

* assertions (look-around, ``\\b``, ``^``, ``$``) are dropped: without a
  condition a pattern can only match more;
* atomic groups and possessive repeats become ordinary ones (they only ever
  prevent matches);
* character classes are widened to their Unicode meaning (``\\w`` becomes
  letters, numbers, marks and ``_``) — and, inside a negated class, narrowed to
  a subset, so the negation stays a superset.

Anything it cannot translate faithfully (back-references, conditionals) gives
``None``, and the caller keeps using Python alone. So the prefilter can say
"certainly no match" (skip the exact work) or "maybe" (do the exact work with
Python's ``re``): the answer of the exact work never changes.
"""

from __future__ import annotations

import re
import re._constants as c  # the parser's opcodes (Python >= 3.11)
import re._parser as parser
from typing import Any

import re2  # google-re2

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 256 << 20  # a union of several hundred phrases needs more than 8 MiB

# Category -> (RE2 class items for a positive class: a superset;
#              RE2 class items for a negated class: a subset of the same category).
_CATEGORIES: dict[Any, tuple[str, str]] = {
    c.CATEGORY_DIGIT: (r"\p{Nd}", r"\p{Nd}"),
    c.CATEGORY_NOT_DIGIT: (r"\P{Nd}", r"\P{Nd}"),
    c.CATEGORY_WORD: (r"\p{L}\p{N}\p{M}_", r"0-9A-Za-z_"),
    c.CATEGORY_NOT_WORD: (r"\W", ""),
    c.CATEGORY_SPACE: (r"\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}", r"\t\n\f\r "),
    c.CATEGORY_NOT_SPACE: (r"\S", ""),
}


class Untranslatable(ValueError):
    """The pattern uses a construct RE2 cannot stand in for."""


def superset(pattern: str, flags: int = 0) -> str | None:
    """An RE2 pattern matching every text ``re.compile(pattern, flags)`` matches, or None."""
    try:
        body = _sequence(parser.parse(pattern, flags))
    except (Untranslatable, re.error):
        return None
    return ("(?i)" if flags & re.IGNORECASE else "") + "(?s)" + body


def compile_superset(pattern: re.Pattern[str]) -> Any | None:
    """The compiled RE2 prefilter of ``pattern``, or None when it cannot be had."""
    translated = superset(pattern.pattern, pattern.flags)
    if translated is None:
        return None
    try:
        return re2.compile(translated, _RE2_OPTIONS)
    except re2.error:
        return None


def _sequence(items: Any) -> str:
    return "".join(_item(op, av) for op, av in items)


def _item(op: Any, av: Any) -> str:
    if op is c.LITERAL:
        return _char(av)
    if op is c.NOT_LITERAL:
        return f"[^{_char(av)}]"
    if op is c.ANY:
        return "."
    if op is c.IN:
        return _class(av)
    if op is c.BRANCH:
        return "(?:" + "|".join(_sequence(branch) for branch in av[1]) + ")"
    if op is c.SUBPATTERN:
        _group, add, remove, items = av
        return "(?" + _flags(add, remove) + ":" + _sequence(items) + ")"
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return _repeat(*av)
    if op is c.ATOMIC_GROUP:
        return "(?:" + _sequence(av) + ")"
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""  # a dropped condition: matches more, never less
    raise Untranslatable(f"no RE2 equivalent for {op}")


def _repeat(low: int, high: int, items: Any) -> str:
    if low > 1000 or (high != c.MAXREPEAT and high > 1000):
        raise Untranslatable("RE2 repeats at most 1000 times")
    upper = "" if high == c.MAXREPEAT else str(high)
    return "(?:" + _sequence(items) + "){" + str(low) + "," + upper + "}"


def _class(items: Any) -> str:
    negated = bool(items) and items[0][0] is c.NEGATE
    parts = []
    for op, av in items[1:] if negated else items:
        if op is c.LITERAL:
            parts.append(_char(av))
        elif op is c.RANGE:
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is c.CATEGORY:
            wide, narrow = _CATEGORIES[av]
            if negated and not narrow:
                raise Untranslatable("a negated class with a negated category")
            parts.append(narrow if negated else wide)
        else:
            raise Untranslatable(f"no RE2 equivalent for {op} in a class")
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


def _flags(add: int, remove: int) -> str:
    known = re.IGNORECASE | re.DOTALL | re.MULTILINE | re.UNICODE | re.VERBOSE
    if (add | remove) & ~known:
        raise Untranslatable("an inline flag RE2 does not have")
    on = "i" if add & re.IGNORECASE else ""
    off = "-i" if remove & re.IGNORECASE else ""
    return on + off


def _char(code: int) -> str:
    return f"\\x{{{code:x}}}"
