"""Scalars: yes/no values and whole numbers.

Yes/no cells accept the English words and letters, ``1``/``0`` and the Chinese
是/否 and 真/假, in any case.
"""

from __future__ import annotations

from arrears.ingest.normalize.base import FieldProblem, nfkc

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "真"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "假"})


def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0, 是/否."""
    cleaned = nfkc(text).casefold()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise FieldProblem("not a yes/no value")


def parse_int(text: str) -> int:
    """A whole number, optionally signed."""
    try:
        return int(nfkc(text))
    except ValueError:
        raise FieldProblem("not a whole number") from None
