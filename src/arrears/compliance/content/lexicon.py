"""The lexicons: phrase lists and patterns, kept as data and reviewed like code.

The files live in ``arrears/compliance/lexicon/*.yaml`` (package data, read
with :mod:`importlib.resources`) and are loaded, validated and compiled once.
Each file says what it holds with ``kind``:

``rules``
    The catalogue rules findings name: id -> citation and title.
``prohibitions``
    Groups of patterns for forbidden or doubtful content. A group says what it
    finds (``what`` / ``what_zh``, quoted in messages) and, in ``apply``, the
    rule, verdict and conditions under which it is reported in each rulebook.
    The rulebook is read from the rule id (``US-``, ``CN-``, ``UK-``)::

        - id: arrest
          what: a threat of arrest or imprisonment
          what_zh: 逮捕或坐牢的威胁
          apply:
            - {rule: US-FALSE-02, verdict: BLOCK}
            - {rule: UK-09, verdict: BLOCK, when: [no_judgment]}
          negatable: true        # "you will not be arrested" is not a threat
          en: ['arrest(?:ed)?']  # matched as whole words
          zh: ['坐牢']            # matched anywhere
          except_en: []          # hits inside these matches are dropped
          except_zh: []
``phrases``
    Named sets of patterns the code uses: the disclosures (mini-Miranda,
    opt-out ...), words that mention a debt, deadline grammar.
``fold``
    Traditional -> simplified characters, applied to texts before matching.

Patterns are Python regular expressions over the normalised text
(:mod:`.normalize`): lower case, NFKC, simplified characters, single spaces,
straight quotes. English patterns are wrapped in word boundaries; Chinese ones
are not. Unknown keys, unknown rule ids, patterns that do not compile or match
the empty text, and Chinese patterns written with a character the fold table
rewrites are errors naming the file, because a typo must not silently disable
a check.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from arrears.errors import ConfigError
from arrears.kit.prefilter import compile_superset

Condition = Literal[
    "time_barred",
    "not_time_barred",
    "judgment",
    "no_judgment",
    "validation_period",
    "outside_validation_period",
]
SetName = Literal[
    "mini_miranda",
    "debt_collector_disclosure",
    "opt_out_notice",
    "collector_identity",
    "callback_request",
    "debt_mention",
    "payment_cue",
    "deadline_relative",
    "deadline_cue_before",
    "deadline_cue_after",
]
SET_NAMES: tuple[str, ...] = get_args(SetName)
# Sets whose patterns carry named groups; they are compiled one by one.
_GROUPED_SETS = {"deadline_relative": ("n", "unit")}
# Rules the code (not a lexicon) reports; rules.yaml must cite them.
CODE_RULES = (
    "US-DISC-01", "US-DISC-02", "US-DISC-03", "US-ELEC-01", "US-ID-01", "US-DEF-04",
    "US-VM-01", "US-3P-02", "US-SOC-01", "US-VAL-04", "CN-3P-02", "CN-PROH-01", "UK-07",
)  # fmt: skip
_PREFIX_COUNTRY = {"US": "US", "CN": "CN", "UK": "GB"}
_RULE_ID = r"^(US|CN|UK)(-[A-Z0-9]+)+$"
_EN_BEFORE = r"(?<![a-z0-9])"
_EN_AFTER = r"(?![a-z0-9])"
FOLDER = ("arrears.compliance", "lexicon")


# --------------------------------------------------------------------------- file schemas


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _RuleSpec(_Strict):
    citation: str = Field(min_length=1)
    title: str = Field(min_length=1)


class _RulesFile(_Strict):
    kind: Literal["rules"]
    description: str
    rules: dict[Annotated[str, Field(pattern=_RULE_ID)], _RuleSpec]


class _ApplySpec(_Strict):
    rule: str = Field(pattern=_RULE_ID)
    verdict: Literal["BLOCK", "REVIEW"] = "BLOCK"
    when: tuple[Condition, ...] = ()


class _GroupSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    what: str = Field(min_length=1)
    what_zh: str = Field(min_length=1)
    apply: tuple[_ApplySpec, ...] = Field(min_length=1)
    negatable: bool = True
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()
    except_en: tuple[str, ...] = ()
    except_zh: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _has_patterns(self) -> _GroupSpec:
        if not self.en and not self.zh:
            raise ValueError("a group needs at least one pattern in en or zh")
        return self


class _ProhibitionsFile(_Strict):
    kind: Literal["prohibitions"]
    description: str
    groups: tuple[_GroupSpec, ...] = Field(min_length=1)


class _PatternsSpec(_Strict):
    en: tuple[str, ...] = ()
    zh: tuple[str, ...] = ()


class _PhrasesFile(_Strict):
    kind: Literal["phrases"]
    description: str
    sets: dict[SetName, _PatternsSpec]


class _FoldFile(_Strict):
    kind: Literal["fold"]
    description: str
    chars: dict[
        Annotated[str, Field(min_length=1, max_length=1)],
        Annotated[str, Field(min_length=1, max_length=1)],
    ]


_FILE: TypeAdapter[_RulesFile | _ProhibitionsFile | _PhrasesFile | _FoldFile] = TypeAdapter(
    Annotated[
        _RulesFile | _ProhibitionsFile | _PhrasesFile | _FoldFile,
        Field(discriminator="kind"),
    ]
)


# --------------------------------------------------------------------------- compiled forms


@dataclass(frozen=True, slots=True)
class Patterns:
    """Compiled patterns of one set or group: (language, regex) pairs."""

    regexes: tuple[tuple[str, re.Pattern[str]], ...]

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        for language, regex in self.regexes:
            for match in regex.finditer(text):
                yield language, match

    def search(self, text: str, language: str | None = None) -> re.Match[str] | None:
        """The first match in ``text`` (of one language's patterns if given)."""
        for lang, regex in self.regexes:
            if language in (None, lang) and (match := regex.search(text)):
                return match
        return None


@dataclass(frozen=True, slots=True)
class Apply:
    """When a group is reported: under ``rule`` (of ``country``), with ``verdict``."""

    rule: str
    country: str
    verdict: str
    when: frozenset[str]


@dataclass(frozen=True, slots=True)
class Group:
    """Compiled prohibition group (see the module docstring)."""

    id: str
    source: str
    what: str
    what_zh: str
    apply: tuple[Apply, ...]
    negatable: bool
    patterns: Patterns
    exceptions: Patterns


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the checker matches, loaded and compiled once."""

    groups: tuple[Group, ...]
    sets: Mapping[str, Patterns]
    fold: Mapping[str, str]
    citations: Mapping[str, str]
    # Every group's patterns in one regex per language: a text none of them matches (most
    # texts) needs no look at the groups one by one. Same patterns, so the same answer.
    screen: Patterns = Patterns(())
    # The screen translated for RE2 as a superset (:mod:`arrears.kit.prefilter`): when none
    # of these finds anything, neither would the screen, in microseconds instead of about a
    # millisecond. Empty when a pattern cannot be translated (the screen alone is used).
    prefilter: tuple[Any, ...] = ()

    def surely_clean(self, text: str) -> bool:
        """True when no prohibition group can match ``text`` (the prefilter's quick "no")."""
        return bool(self.prefilter) and not any(q.search(text) for q in self.prefilter)

    def phrases(self, name: str) -> Patterns:
        return self.sets[name]


# --------------------------------------------------------------------------- loading


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicons (compiled on first use, then shared)."""
    return load_lexicon(resources.files(FOLDER[0]).joinpath(FOLDER[1]))


def load_lexicon(folder: Traversable) -> Lexicon:
    """Every ``*.yaml`` file of ``folder``, validated and compiled; ConfigError names the file."""
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    if not files:
        raise ConfigError(f"lexicon folder {folder.name}: no .yaml files")
    parsed = [(f.name, _read(f)) for f in files]
    rules = _collect_rules(parsed)
    fold = _collect_fold(parsed)
    groups = _collect_groups(parsed, rules, fold)
    sets = _collect_sets(parsed, fold)
    missing = [rule for rule in CODE_RULES if rule not in rules]
    if missing:
        raise ConfigError(f"lexicon rules: no citation for {', '.join(missing)}")
    screen = _screen(groups)
    quick = [compile_superset(regex) for _, regex in screen.regexes]
    prefilter = tuple(quick) if all(q is not None for q in quick) else ()
    return Lexicon(groups=groups, sets=sets, fold=fold, citations=rules, screen=screen,
                   prefilter=prefilter)  # fmt: skip


def _read(file: Traversable) -> _RulesFile | _ProhibitionsFile | _PhrasesFile | _FoldFile:
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"lexicon {file.name}: not valid YAML ({exc})") from None
    try:
        return _FILE.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"lexicon {file.name}: {problems}") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (the second would win silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _collect_rules(parsed: Sequence[tuple[str, object]]) -> dict[str, str]:
    citations: dict[str, str] = {}
    for name, spec in parsed:
        if isinstance(spec, _RulesFile):
            for rule, entry in spec.rules.items():
                if rule in citations:
                    raise ConfigError(f"lexicon {name}: rule {rule} is defined twice")
                citations[rule] = entry.citation
    return citations


def _collect_fold(parsed: Sequence[tuple[str, object]]) -> dict[str, str]:
    fold: dict[str, str] = {}
    for name, spec in parsed:
        if isinstance(spec, _FoldFile):
            for source, target in spec.chars.items():
                if source == target or target in spec.chars:
                    raise ConfigError(f"lexicon {name}: chars.{source}: folds to itself or twice")
                fold[source] = target
    return fold


def _collect_groups(
    parsed: Sequence[tuple[str, object]], rules: Mapping[str, str], fold: Mapping[str, str]
) -> tuple[Group, ...]:
    groups: list[Group] = []
    seen: set[str] = set()
    for name, spec in parsed:
        if not isinstance(spec, _ProhibitionsFile):
            continue
        for group in spec.groups:
            where = f"lexicon {name}: group {group.id}"
            if group.id in seen:
                raise ConfigError(f"{where}: the id is used by another group")
            seen.add(group.id)
            groups.append(_compile_group(name, group, rules, fold))
    return tuple(groups)


def _compile_group(
    name: str, group: _GroupSpec, rules: Mapping[str, str], fold: Mapping[str, str]
) -> Group:
    where = f"lexicon {name}: group {group.id}"
    applies = []
    for spec in group.apply:
        if spec.rule not in rules:
            raise ConfigError(f"{where}: unknown rule {spec.rule} (not in rules.yaml)")
        country = _PREFIX_COUNTRY[spec.rule.split("-", 1)[0]]
        applies.append(Apply(spec.rule, country, spec.verdict, frozenset(spec.when)))
    return Group(
        id=group.id,
        source=name,
        what=group.what,
        what_zh=group.what_zh,
        apply=tuple(applies),
        negatable=group.negatable,
        patterns=_compile(where, group.en, group.zh, fold),
        exceptions=_compile(f"{where} (except)", group.except_en, group.except_zh, fold),
    )


def _screen(groups: Sequence[Group]) -> Patterns:
    """The union of every group's patterns, per language (see :attr:`Lexicon.screen`)."""
    regexes = []
    for language in ("en", "zh"):
        bodies = [r.pattern for g in groups for lang, r in g.patterns.regexes if lang == language]
        if bodies:
            union = "|".join(f"(?:{b})" for b in bodies)
            regexes.append((language, re.compile(union, re.IGNORECASE)))
    return Patterns(tuple(regexes))


def _collect_sets(
    parsed: Sequence[tuple[str, object]], fold: Mapping[str, str]
) -> dict[str, Patterns]:
    sets: dict[str, Patterns] = {}
    for name, spec in parsed:
        if not isinstance(spec, _PhrasesFile):
            continue
        for set_name, patterns in spec.sets.items():
            where = f"lexicon {name}: set {set_name}"
            if set_name in sets:
                raise ConfigError(f"{where}: the set is defined in another file too")
            if not patterns.en and not patterns.zh:
                raise ConfigError(f"{where}: the set has no patterns")
            groups = _GROUPED_SETS.get(set_name)
            sets[set_name] = _compile(where, patterns.en, patterns.zh, fold, groups)
    missing = [n for n in SET_NAMES if n not in sets]
    if missing:
        raise ConfigError(f"lexicon: phrase sets missing from every file: {', '.join(missing)}")
    return sets


def _compile(
    where: str,
    english: tuple[str, ...],
    chinese: tuple[str, ...],
    fold: Mapping[str, str],
    named: tuple[str, ...] | None = None,
) -> Patterns:
    """One combined regex per language, or one per pattern when patterns name groups."""
    for pattern in chinese:
        if any(char in fold for char in pattern):
            raise ConfigError(f"{where}: zh pattern {pattern!r} has a traditional character")
    regexes: list[tuple[str, re.Pattern[str]]] = []
    for language, patterns in (("en", english), ("zh", chinese)):
        checked = [_check(where, p, named) for p in patterns]
        if not checked:
            continue
        wrap = (_EN_BEFORE, _EN_AFTER) if language == "en" else ("", "")
        parts = [checked] if named is None else [[p] for p in checked]
        for part in parts:
            body = "|".join(f"(?:{p})" for p in part)
            regexes.append((language, re.compile(f"{wrap[0]}(?:{body}){wrap[1]}", re.IGNORECASE)))
    return Patterns(tuple(regexes))


def _check(where: str, pattern: str, named: tuple[str, ...] | None) -> str:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: pattern {pattern!r} does not compile ({exc})") from None
    if regex.fullmatch(""):
        raise ConfigError(f"{where}: pattern {pattern!r} matches the empty text")
    if unicodedata.normalize("NFKC", pattern) != pattern:
        raise ConfigError(f"{where}: pattern {pattern!r} is not in NFKC form (full-width?)")
    if named is None and regex.groupindex:
        raise ConfigError(f"{where}: pattern {pattern!r} names a group; use (?:...)")
    if named is not None and set(regex.groupindex) != set(named):
        raise ConfigError(f"{where}: pattern {pattern!r} must name the groups {named}")
    return pattern
