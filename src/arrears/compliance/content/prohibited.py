"""Forbidden and doubtful content: threats, abuse, exposure, false legal claims, pressure.

Every prohibition group of the lexicons is matched against the text; where it
hits, it is reported under each of its ``apply`` entries whose rulebook applies
to the text and whose conditions hold (garnishment language is forbidden only
without a judgment, a lawsuit threat only when the debt is time-barred ...).

A negated hit ("we will not sue you") is not reported. A negated hit tied to a
condition ("we will not sue you if you pay today") is reported for REVIEW: it
disclaims the action only on a condition, which reads as a veiled threat.
"""

from __future__ import annotations

from arrears.compliance.content.lexicon import Apply, Group, Lexicon
from arrears.compliance.content.matching import Hit, find_group
from arrears.compliance.content.model import BLOCK, REVIEW, ContentContext, ContentFinding
from arrears.compliance.content.normalize import Normalized
from arrears.compliance.content.report import finding, quoted_en, quoted_zh, quotes


def prohibited_findings(
    norm: Normalized, context: ContentContext, lexicon: Lexicon
) -> list[ContentFinding]:
    """Findings of every prohibition group that hits and applies to ``context``."""
    if lexicon.surely_clean(norm.text):
        return []  # RE2's quick answer: no group's pattern can occur in the text
    if lexicon.screen.regexes and lexicon.screen.search(norm.text) is None:
        return []  # no group's pattern occurs anywhere in the text
    countries = context.content_countries
    facts = conditions_of(context)
    found: list[ContentFinding] = []
    for group in lexicon.groups:
        applies = [a for a in group.apply if a.country in countries and a.when <= facts]
        if applies:
            found.extend(_group_findings(group, applies, norm, lexicon))
    return found


def conditions_of(context: ContentContext) -> frozenset[str]:
    """The ``when`` conditions of the lexicons that hold for ``context``."""
    return frozenset(
        {
            "time_barred" if context.time_barred else "not_time_barred",
            "judgment" if context.judgment_obtained else "no_judgment",
            "validation_period"
            if context.validation_end is not None
            else "outside_validation_period",
        }
    )


def _group_findings(
    group: Group, applies: list[Apply], norm: Normalized, lexicon: Lexicon
) -> list[ContentFinding]:
    hits = find_group(group, norm)
    plain = [h for h in hits if not h.negated]
    if plain:
        return [_plain(group, a, plain, lexicon) for a in applies]
    veiled = [h for h in hits if h.conditional]
    if veiled:
        return [_veiled(group, a, veiled, lexicon) for a in applies]
    return []


def _plain(group: Group, apply: Apply, hits: list[Hit], lexicon: Lexicon) -> ContentFinding:
    said = quotes(hits)
    if apply.verdict == BLOCK:
        message = f"The text contains {group.what}: {quoted_en(said)}."
        message_zh = f"文本含有{group.what_zh}：{quoted_zh(said)}。"
    else:
        message = f"The text may contain {group.what} and needs review: {quoted_en(said)}."
        message_zh = f"文本可能含有{group.what_zh}，需人工复核：{quoted_zh(said)}。"
    return finding(lexicon, apply.rule, apply.verdict, message, message_zh)


def _veiled(group: Group, apply: Apply, hits: list[Hit], lexicon: Lexicon) -> ContentFinding:
    said = quotes(hits)
    message = (
        f"The text rules out {group.what} only on a condition, which reads as a veiled "
        f"threat and needs review: {quoted_en(said)}."
    )
    message_zh = (
        f"文本仅在附带条件时排除{group.what_zh}，构成变相威胁，需人工复核：{quoted_zh(said)}。"
    )
    return finding(lexicon, apply.rule, REVIEW, message, message_zh)
