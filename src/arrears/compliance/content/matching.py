"""Finding a group's phrases in a text, and telling a threat from its denial.

"We will not take legal action", "you will never be arrested" and
"我们不会联系您的家人" name the very things the lexicons look for, and saying
them is how a careful collector reassures a consumer. A hit is *negated* when a
negation sits right before it in the same clause, with nothing between them but
auxiliary words ("not going to", "不会被"). The check is deliberately narrow:
"if you do not pay we will sue" is not negated, because "pay" separates "not"
from "sue"; "we will not hesitate to sue" is not negated either.

A negated hit in a sentence that also sets a condition ("we will not sue you
*if* you pay today", "只要您今天还款，我们就不会起诉") still reads as a threat
tied to payment; it is reported for review instead of being dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arrears.compliance.content.lexicon import Group, Patterns
from arrears.compliance.content.normalize import Normalized

_WINDOW = 80  # characters of a clause looked at before a hit

_EN_AUX = (
    "be|been|being|ever|going|gonna|to|try|trying|attempt|attempting|want|wish|intend|plan|"
    "planning|need|have|has|had|will|would|shall|should|can|could|may|might|must|do|does|did|"
    "a|an|the|any|anyone|anybody|you|your|we|us|they|take|taking|make|get|threaten|threatening|"
    "seek|seeking|and|or|also|currently|actually|legally|allowed|permitted|able|authori[sz]ed|"
    "in|way|such|with"
)
_EN_NEGATIONS = "not|never|no|no longer|no one|nobody|cannot|without|neither|nor"
# "why not take out a loan?" is a suggestion, not a denial.
_EN_NEGATION = re.compile(rf"(?:(?<![a-z])(?<!why )(?:{_EN_NEGATIONS})|n't) (?:(?:{_EN_AUX}) )*$")
_EN_CLAUSE = re.compile(r"[.;:!?,()\"]| but | however | unless | if ")
_ZH_AUX = (
    "会|要|去|再|能|可能|得|用|曾|将|可以|可|对|向|给|被|予|于|随意|轻易|主动|进行|采取|擅自|"
    "任何|以|通过|使用|采用|敢|想|打算|也|都|就|而|因此|为此|的|您|你|们|我们"
)
_ZH_NEGATION = re.compile(
    r"(?:不|没有?|未|勿|切勿|绝不|决不|从不|并不|从未|不得|禁止|严禁|杜绝|无需|无须|不必|不用|"
    rf"拒绝|谨防|冒充|假冒)(?:{_ZH_AUX})*$"
)
_ZH_CLAUSE = re.compile(r"[。,;!?:()\"]")  # the text is NFKC: full-width ，；！ are ASCII
_SENTENCE = re.compile(r"[.!?。]")
_EN_CONDITION = re.compile(
    r"(?<![a-z])(?:if|unless|as long as|so long as|provided|otherwise|or else|until)(?![a-z])"
)
_ZH_CONDITION = re.compile(r"只要|如果|若|假如|倘若|否则|不然|前提|除非|要是")


@dataclass(frozen=True, slots=True)
class Hit:
    """One match in the normalised text, with the original words it came from."""

    start: int
    end: int
    language: str
    quote: str
    negated: bool = False
    conditional: bool = False


def find(patterns: Patterns, norm: Normalized) -> list[Hit]:
    """Every non-empty match of ``patterns``, in text order."""
    hits = [
        Hit(m.start(), m.end(), language, norm.quote(m.start(), m.end()))
        for language, m in patterns.finditer(norm.text)
        if m.end() > m.start()
    ]
    return sorted(hits, key=lambda h: (h.start, -h.end))


def find_group(group: Group, norm: Normalized) -> list[Hit]:
    """The group's hits outside its exceptions, each marked negated / conditional."""
    excepted = find(group.exceptions, norm)
    hits = [h for h in find(group.patterns, norm) if not _inside_any(h, excepted)]
    if not group.negatable:
        return hits
    return [_classify(hit, norm.text) for hit in hits]


def _inside_any(hit: Hit, spans: list[Hit]) -> bool:
    return any(span.start < hit.end and hit.start < span.end for span in spans)


def _classify(hit: Hit, text: str) -> Hit:
    if not _negated(text, hit.start, hit.language):
        return hit
    return Hit(hit.start, hit.end, hit.language, hit.quote, True, _conditional(text, hit))


def _negated(text: str, start: int, language: str) -> bool:
    window = text[max(0, start - _WINDOW) : start]
    clause_break = _EN_CLAUSE if language == "en" else _ZH_CLAUSE
    breaks = list(clause_break.finditer(window))
    clause = window[breaks[-1].end() :] if breaks else window
    if language == "en":
        return bool(_EN_NEGATION.search(clause))
    return bool(_ZH_NEGATION.search(clause.replace(" ", "")))


def _conditional(text: str, hit: Hit) -> bool:
    before = [m.end() for m in _SENTENCE.finditer(text, 0, hit.start)]
    after = _SENTENCE.search(text, hit.end)
    sentence = text[before[-1] if before else 0 : after.start() if after else len(text)]
    return bool(_EN_CONDITION.search(sentence) or _ZH_CONDITION.search(sentence))
