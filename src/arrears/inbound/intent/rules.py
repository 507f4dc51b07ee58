"""Rules for the unambiguous: a request to stop always wins, narrower requests go to a person.

An opt-out must be honoured whatever a model thinks of it, so stop requests are
found by phrase rules kept as data (``rules.yaml``), compiled once:

``keywords``
    Words that are a stop request when they are the whole reply ("STOP",
    "unsubscribe", "TD", "退订"), possibly with fillers ("stop please",
    "T 谢谢"). "End" or "T" inside a sentence mean nothing, so they are never
    looked for there.
``sentence_keywords``
    The unmistakable keywords, also a stop request as one sentence or clause
    of a longer reply ("STOP. I already paid.", "Stop, I'll pay Friday"):
    honouring a debatable opt-out costs a text, missing one breaks the law.
``en`` / ``zh``
    Phrases that ask to stop anywhere in a reply ("stop texting me",
    "别再联系我", "请停止催收"). English ones are matched as whole words.
``except_en`` / ``except_zh``
    A stop phrase inside one of these is not a request: "don't stop", "I
    didn't ask you to stop", "calling me non-stop".
``restrictions``
    Narrower requests: not at work, not my family, not at night, not by phone,
    talk to my lawyer. They are not a cease and do not decide the intent ("I
    will pay Friday, stop calling me at work" is a promise), but a person must
    record them, so the reply goes to review with the restriction's reason. A
    stop phrase inside a restriction ("stop calling me" in "stop calling me at
    work") does not count; a stop phrase elsewhere in the same reply still does.

Design choices: a reply that both asks to stop and promises to pay ("别打了，
明天还") is a stop, because contact must end either way; the caller still gets
the amount and date it names. Questions about unsubscribing ("how do I
unsubscribe?") are stops too: the FCC counts any reasonable means of revoking
consent, and a collector loses nothing by honouring them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from arrears.errors import ConfigError
from arrears.inbound.intent.text import fold_table

RULES_FILE = "rules.yaml"
_EN_WORD = "[a-z0-9]"
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*|[\u3400-\u9fff]+")
_CLAUSE = re.compile(r"[.!?;,:。、]+")  # the text is NFKC: ！？；，： are ASCII


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _StopSpec(_Strict):
    keywords: list[str]
    sentence_keywords: list[str] = []
    fillers: list[str] = []
    en: list[str] = []
    zh: list[str] = []
    except_en: list[str] = []
    except_zh: list[str] = []


class _RestrictionSpec(_Strict):
    id: str
    reason: str
    en: list[str] = []
    zh: list[str] = []


class _RulesSpec(_Strict):
    version: int
    stop: _StopSpec
    restrictions: list[_RestrictionSpec] = []


@dataclass(frozen=True, slots=True)
class Restriction:
    """A narrower request found in a reply: which, and the sentence for the reviewer."""

    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """What the rules found: the words that asked to stop, and any restrictions.

    ``remainder`` is the reply without the restrictions' words: what is left
    for the model to read ("I will pay Friday, stop calling me at work" leaves
    "I will pay Friday,"), so that a limited "stop calling" does not make the
    model answer ``stop``.
    """

    stop: str | None
    restrictions: tuple[Restriction, ...]
    remainder: str


@dataclass(frozen=True, slots=True)
class RuleBook:
    """The compiled rules (see the module docstring)."""

    version: int
    keywords: frozenset[str]
    sentence_keywords: frozenset[str]
    fillers: frozenset[str]
    stop: tuple[re.Pattern[str], ...]
    stop_except: tuple[re.Pattern[str], ...]
    restrictions: tuple[tuple[Restriction, tuple[re.Pattern[str], ...]], ...]

    def read(self, text: str) -> RuleVerdict:
        """The verdict on a reply already in matching form (:func:`.text.normalize`)."""
        found: list[Restriction] = []
        restricted: list[tuple[int, int]] = []
        for restriction, patterns in self.restrictions:
            spans = [m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start()]
            if spans:
                found.append(restriction)
                restricted += spans
        remainder = _blank(text, restricted)
        if self.is_keyword_reply(text):
            return RuleVerdict(text.strip(), tuple(found), remainder)
        for clause in _CLAUSE.split(text):
            if _only_keywords(clause, self.sentence_keywords, self.fillers):
                return RuleVerdict(clause.strip(), tuple(found), remainder)
        covering = [m.span() for p in self.stop_except for m in p.finditer(text)] + restricted
        for pattern in self.stop:
            for match in pattern.finditer(text):
                if match.end() > match.start() and not _inside_any(match.span(), covering):
                    return RuleVerdict(match.group(0), tuple(found), remainder)
        return RuleVerdict(None, tuple(found), remainder)

    def is_keyword_reply(self, text: str) -> bool:
        """True when the reply is nothing but stop keywords (and fillers)."""
        return _only_keywords(text, self.keywords, self.fillers)


def _only_keywords(text: str, keywords: frozenset[str], fillers: frozenset[str]) -> bool:
    """``text`` is keywords and fillers only, with at least one keyword."""
    tokens = [t for t in (_strip_fillers(t, fillers) for t in _TOKEN.findall(text)) if t]
    if not tokens:
        return False
    return " ".join(tokens) in keywords or all(t in keywords for t in tokens)


def _strip_fillers(token: str, fillers: frozenset[str]) -> str:
    """The token without fillers; Chinese fillers also come off the ends of a run ("退订谢谢")."""
    if token in fillers:
        return ""
    if not _is_han(token[0]):
        return token
    changed = True
    while changed and token:
        changed = False
        for filler in fillers:
            if _is_han(filler[0]) and token != filler:
                if token.startswith(filler):
                    token, changed = token[len(filler) :], True
                elif token.endswith(filler):
                    token, changed = token[: -len(filler)], True
    return "" if token in fillers else token


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with each span replaced by one space, white space collapsed."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = [" "] * (end - start)
    return " ".join("".join(chars).split())


def _inside_any(span: tuple[int, int], covering: Sequence[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in covering)


# --------------------------------------------------------------------------- loading


@functools.cache
def default_rules() -> RuleBook:
    """The shipped ``rules.yaml``, compiled on first use and shared."""
    text = (
        resources.files("arrears.inbound.intent").joinpath(RULES_FILE).read_text(encoding="utf-8")
    )
    return load_rules(text, source=RULES_FILE)


def load_rules(text: str, *, source: str) -> RuleBook:
    """Validate and compile a rules document; :class:`ConfigError` names ``source``."""
    try:
        spec = _RulesSpec.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{source}: {where}: {first['msg']}") from exc
    fold = fold_table()
    stop = spec.stop
    return RuleBook(
        version=spec.version,
        keywords=frozenset(_keyword(source, k, fold) for k in stop.keywords),
        sentence_keywords=frozenset(_keyword(source, k, fold) for k in stop.sentence_keywords),
        fillers=frozenset(_keyword(source, f, fold) for f in stop.fillers),
        stop=_compile(f"{source} stop", stop.en, stop.zh, fold),
        stop_except=_compile(f"{source} stop except", stop.except_en, stop.except_zh, fold),
        restrictions=tuple(
            (
                Restriction(r.id, r.reason),
                _compile(f"{source} restrictions.{r.id}", r.en, r.zh, fold),
            )
            for r in spec.restrictions
        ),
    )


def _keyword(source: str, word: str, fold: dict[str, str]) -> str:
    _refuse_unmatchable(f"{source} keyword {word!r}", word, fold)
    return word


def _compile(
    where: str, en: Sequence[str], zh: Sequence[str], fold: dict[str, str]
) -> tuple[re.Pattern[str], ...]:
    """English patterns as whole words, Chinese ones anywhere; each must be matchable."""
    wrapped = [f"(?<![a-z0-9'])(?:{p})(?!{_EN_WORD})" for p in en] + list(zh)
    compiled = []
    for raw, pattern in zip([*en, *zh], wrapped, strict=True):
        _refuse_unmatchable(f"{where} pattern {raw!r}", raw, fold)
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where} pattern {raw!r}: {exc}") from exc
        if regex.fullmatch(""):
            raise ConfigError(f"{where} pattern {raw!r}: matches the empty text")
        compiled.append(regex)
    return tuple(compiled)


def _refuse_unmatchable(where: str, pattern: str, fold: dict[str, Any]) -> None:
    """Upper case or traditional characters never occur in normalised text."""
    letters = re.sub(r"\\[A-Za-z]", "", pattern)  # \w, \d, \S ... are not letters
    if any("A" <= c <= "Z" for c in letters):
        raise ConfigError(f"{where}: write it in lower case")
    if any(c in fold for c in pattern):
        raise ConfigError(f"{where}: write it in simplified characters")
