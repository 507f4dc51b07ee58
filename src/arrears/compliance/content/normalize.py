"""The form of a text the lexicons are matched against, and the way back to the original.

Collectors' texts arrive typed with Chinese input methods (full-width letters
and digits, ideographic spaces), in traditional or simplified characters, with
curly quotes, line breaks in the middle of phrases and, now and then, spaces or
zero-width characters inserted to slip past a filter. Every pattern is written
once, against one form:

* NFKC (full-width ``ＡＲＲＥＳＴ`` becomes ``ARREST``) and case folding;
* traditional characters folded to simplified ones (``fold.yaml``);
* curly quotes become straight ones; zero-width characters and soft hyphens go;
* every run of white space becomes one space, and a space between two Chinese
  characters goes (``坐 牢`` is ``坐牢``).

Each character of the normalised text remembers the span of the original it
came from, so a finding quotes what the author wrote, not the normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

RECENT = 64  # normalised texts kept for the next check of the same message
_WORD = re.compile(r"[^\s]+")
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'"}


def is_han(char: str) -> bool:
    """A Chinese character (CJK unified ideographs and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")  # what is_han accepts


def han_count(text: str) -> int:
    """How many Chinese characters ``text`` has (a regex: texts run to kilobytes)."""
    return 0 if text.isascii() else len(_HAN.findall(text))


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text; ``starts[i]:ends[i]`` is the original span of ``text[i]``."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def quote(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``, white space collapsed."""
        if start >= end:
            return ""
        return " ".join(self.original[self.starts[start] : self.ends[end - 1]].split())


class Normalizer:
    """Normalises texts with one fold table; single characters are cached (texts repeat them)."""

    def __init__(self, fold: Mapping[str, str]) -> None:
        self._fold = dict(fold)
        self._cache: dict[str, str] = {}
        # A message is checked by several rule families in a row: keep the last texts.
        self._recent: OrderedDict[str, Normalized] = OrderedDict()

    def __call__(self, text: str) -> Normalized:
        """``text`` in matching form (see the module docstring)."""
        found = self._recent.get(text)
        if found is None:
            found = _ascii(text) if text.isascii() else self._general(text)
            self._recent[text] = found
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return found

    def _general(self, text: str) -> Normalized:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        index = 0
        while index < len(text):
            end = index + 1
            # A base character and its combining marks are normalised together.
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1
            for char in self._piece(text[index:end]):
                chars.append(char)
                starts.append(index)
                ends.append(end)
            index = end
        keep = _spaces_to_keep(chars)
        return Normalized(
            original=text,
            text="".join(c for c, k in zip(chars, keep, strict=True) if k),
            starts=tuple(s for s, k in zip(starts, keep, strict=True) if k),
            ends=tuple(e for e, k in zip(ends, keep, strict=True) if k),
        )

    def _piece(self, cluster: str) -> str:
        if len(cluster) > 1:  # rare, and unbounded in variety: not cached
            return self._normalize_cluster(cluster)
        cached = self._cache.get(cluster)
        if cached is None:
            cached = self._cache[cluster] = self._normalize_cluster(cluster)
        return cached

    def _normalize_cluster(self, cluster: str) -> str:
        out = []
        for char in unicodedata.normalize("NFKC", cluster).casefold():
            if char in _DROP:
                continue
            if char.isspace():
                out.append(" ")
            else:
                out.append(self._fold.get(char, _QUOTES.get(char, char)))
        return "".join(out)


def _ascii(text: str) -> Normalized:
    """The same result for plain ASCII, without the per-character work.

    ASCII is its own NFKC form, folds only by case, has no Han, no zero-width
    characters and no curly quotes: only case and white space change. Words
    keep their positions; one space stands for each run of white space between
    two words and points at the run's first character.
    """
    lowered = text.lower()
    words = [(m.start(), m.end()) for m in _WORD.finditer(lowered)]
    starts: list[int] = []
    for number, (start, end) in enumerate(words):
        if number:
            starts.append(words[number - 1][1])  # the space: the run's first character
        starts.extend(range(start, end))
    return Normalized(
        original=text,
        text=" ".join(lowered[start:end] for start, end in words),
        starts=tuple(starts),
        ends=tuple(map((1).__add__, starts)),  # C-level loop: texts run to kilobytes
    )


def normalize(text: str, fold: Mapping[str, str]) -> Normalized:
    """``text`` in matching form with ``fold`` (a one-off :class:`Normalizer`)."""
    return Normalizer(fold)(text)


def _spaces_to_keep(chars: list[str]) -> list[bool]:
    """False for a space that repeats a space, starts or ends the text, or sits between Han."""
    following = [""] * len(chars)  # the next character that is not a space
    upcoming = ""
    for index in range(len(chars) - 1, -1, -1):
        following[index] = upcoming
        if chars[index] != " ":
            upcoming = chars[index]
    keep = [True] * len(chars)
    previous = ""  # the last character kept
    for index, char in enumerate(chars):
        if char != " ":
            previous = char
            continue
        after = following[index]
        if previous in ("", " ") or not after or (is_han(previous) and is_han(after)):
            keep[index] = False
        else:
            previous = " "
    return keep
