"""Findings from hits: the sentences a reviewer reads, in English and Chinese.

A finding quotes what the author wrote (up to a few distinct phrases), so a
reviewer sees at once why a template was stopped. Findings come out strictest
first, then by rule id, each (rule, verdict, message) once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from arrears.compliance.content.lexicon import Lexicon
from arrears.compliance.content.matching import Hit
from arrears.compliance.content.model import BLOCK, ContentFinding

_MAX_QUOTES = 3
_SEVERITY = {BLOCK: 0}


def quotes(hits: Sequence[Hit]) -> tuple[str, ...]:
    """Distinct quoted phrases of ``hits``, in text order, at most a few."""
    seen: list[str] = []
    for hit in hits:
        if hit.quote and hit.quote not in seen:
            seen.append(hit.quote)
    return tuple(seen[:_MAX_QUOTES])


def quoted_en(phrases: Sequence[str]) -> str:
    return ", ".join(f'"{p}"' for p in phrases)


def quoted_zh(phrases: Sequence[str]) -> str:
    return "、".join(f"“{p}”" for p in phrases)


def finding(
    lexicon: Lexicon,
    rule: str,
    verdict: str,
    message: str,
    message_zh: str,
    requires: tuple[str, ...] = (),
) -> ContentFinding:
    """A finding citing ``rule`` as the catalogue does."""
    return ContentFinding(
        rule=rule,
        verdict=verdict,
        citation=lexicon.citations[rule],
        message=message,
        message_zh=message_zh,
        requires=requires,
    )


def ordered(findings: Iterable[ContentFinding]) -> list[ContentFinding]:
    """Each finding once, strictest first, then by rule id (stable otherwise)."""
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (_SEVERITY.get(f.verdict, 1), f.rule))
