"""Payment deadlines that overshadow the US validation period (US-VAL-04).

During the validation period the consumer may dispute the debt or ask for the
original creditor; a demand to pay before the period ends overshadows that
right (FDCPA §809(b); 12 CFR 1006.38(b)). Design choice D from the catalogue:
a template demanding payment by a date before ``validation_end`` is blocked.

Two forms are recognised, in a sentence that talks about paying
(``payment_cue``):

* a date after a cue ("pay by March 1, 2026", "请于2026年3月1日前还款"), blocked
  when it falls before ``validation_end``; a date without a year takes the
  year of ``validation_end``;
* a relative deadline ("within 10 days", "3日内"). The checker does not know
  when the text is sent, so any relative deadline shorter than the 30-day
  minimum of a validation period is treated as ending before it.

Demands for immediate payment ("pay today", "立即还款") are a prohibition group
of ``pressure.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from arrears.compliance.content.lexicon import Lexicon, Patterns
from arrears.compliance.content.model import BLOCK, ContentContext, ContentFinding
from arrears.compliance.content.normalize import Normalized
from arrears.compliance.content.report import finding, quoted_en, quoted_zh

_VALIDATION_DAYS = 30  # 1006.34(b)(5): 30 days after (assumed) receipt
_CUE_REACH = 24  # characters between a cue and the date it governs
_SENTENCE = re.compile(r"[.!?;。]")  # the text is NFKC: full-width ！？； are ASCII
_MONTH_NAMES = (
    "jan january / feb february / mar march / apr april / may / jun june / jul july / "
    "aug august / sep sept september / oct october / nov november / dec december"
)
_MONTHS = {
    name: number
    for number, names in enumerate(_MONTH_NAMES.split(" / "), start=1)
    for name in names.split()
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("ymd", re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]")),
    ("md", re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")),
    ("mdy", re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")),
    ("Mdy", re.compile(rf"\b({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b")),
    ("dMy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})\.?(?:,? (\d{{4}}))?\b")),
)
_WEEKDAY_TAIL = re.compile(
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,? ?$"
    r"|(?:周|星期)[一二三四五六日天] ?$"
)
_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "thirty": 30, "a": 1, "an": 1,
}  # fmt: skip
_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Deadline:
    """A deadline found in the text: where, what it says, and how far it reaches."""

    start: int
    end: int
    on: date | None = None  # an absolute deadline
    days: float | None = None  # a relative deadline


def overshadowing_findings(
    norm: Normalized, context: ContentContext, lexicon: Lexicon
) -> list[ContentFinding]:
    """US-VAL-04 for payment deadlines before the end of the validation period."""
    end = context.validation_end
    if end is None or "US" not in context.countries:
        return []
    early = [
        norm.quote(d.start, d.end)
        for d in deadlines(norm.text, lexicon, end.year)
        if (d.on is not None and d.on < end) or (d.days is not None and d.days < _VALIDATION_DAYS)
    ]
    if not early:
        return []
    said = tuple(dict.fromkeys(early))[:3]
    return [
        finding(
            lexicon,
            "US-VAL-04",
            BLOCK,
            f"The text demands payment before the validation period ends on {end.isoformat()}: "
            f"{quoted_en(said)}.",
            f"文本要求在核实期（至{end.isoformat()}）结束前付款：{quoted_zh(said)}。",
        )
    ]


def deadlines(text: str, lexicon: Lexicon, default_year: int) -> list[Deadline]:
    """Payment deadlines in normalised ``text`` (sentences without a payment cue are skipped)."""
    cue = lexicon.phrases("payment_cue")
    found: list[Deadline] = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        if cue.search(sentence) is None:
            continue
        found += [
            _shift(d, start) for d in _relative(sentence, lexicon.phrases("deadline_relative"))
        ]
        found += [_shift(d, start) for d in _absolute(sentence, lexicon, default_year)]
    return found


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in _SENTENCE.finditer(text):
        # "3.5" and "Mar. 1" are not sentence ends.
        if match.group() == "." and _inside_number_or_abbreviation(text, match.start()):
            continue
        yield start, match.end()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _inside_number_or_abbreviation(text: str, index: int) -> bool:
    before = text[max(0, index - 4) : index]
    after = text[index + 1 : index + 2]
    return (before[-1:].isdigit() and after.isdigit()) or before.split(" ")[-1] in _MONTHS


def _shift(deadline: Deadline, offset: int) -> Deadline:
    return Deadline(deadline.start + offset, deadline.end + offset, deadline.on, deadline.days)


def _relative(sentence: str, patterns: Patterns) -> Iterator[Deadline]:
    for _, match in patterns.finditer(sentence):
        number = _number(match.group("n"))
        scale = _unit_days(match.group("unit"))
        if number is not None and scale is not None:
            yield Deadline(match.start(), match.end(), days=number * scale)


def _absolute(sentence: str, lexicon: Lexicon, default_year: int) -> Iterator[Deadline]:
    before = lexicon.phrases("deadline_cue_before")
    after = lexicon.phrases("deadline_cue_after")
    for form, regex in _DATES:
        for match in regex.finditer(sentence):
            day = _date(form, match.groups(), default_year)
            if day is None:
                continue
            lead = sentence[max(0, match.start() - _CUE_REACH) : match.start()]
            tail = sentence[match.end() : match.end() + 4]
            if _ends_with(before, lead) or _starts_with(after, tail):
                yield Deadline(match.start(), match.end(), on=day)


def _ends_with(patterns: Patterns, text: str) -> bool:
    """A cue ends ``text`` (a weekday between cue and date is allowed: "by Monday, March 2")."""
    trimmed = _WEEKDAY_TAIL.sub("", text).rstrip(" :,")
    return any(m.end() >= len(trimmed) for _, m in patterns.finditer(trimmed))


def _starts_with(patterns: Patterns, text: str) -> bool:
    return any(m.start() <= 1 for _, m in patterns.finditer(text))


def _date(form: str, parts: tuple[str | None, ...], default_year: int) -> date | None:
    try:
        if form == "ymd":
            return date(int(parts[0] or 0), int(parts[1] or 0), int(parts[2] or 0))
        if form == "md":
            return date(default_year, int(parts[0] or 0), int(parts[1] or 0))
        if form == "mdy":
            return date(int(parts[2] or 0), int(parts[0] or 0), int(parts[1] or 0))
        if form == "Mdy":
            year = int(parts[2]) if parts[2] else default_year
            return date(year, _MONTHS[parts[0] or ""], int(parts[1] or 0))
        year = int(parts[2]) if parts[2] else default_year
        return date(year, _MONTHS[parts[1] or ""], int(parts[0] or 0))
    except (ValueError, KeyError):
        return None  # "13/45/2026" is not a date


def _number(word: str) -> float | None:
    word = word.strip().replace(",", "")
    if word.isdigit():
        return float(word)
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    return _zh_number(word)


def _zh_number(word: str) -> float | None:
    """一 .. 九十九 (十, 十五, 二十, 三十 ...)."""
    if not word or any(c not in _ZH_DIGITS and c != "十" for c in word):
        return None
    if "十" not in word:
        return float(_ZH_DIGITS[word]) if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    value = (_ZH_DIGITS.get(tens, 0) if tens else 1) * 10
    return float(value + (_ZH_DIGITS.get(ones, 0) if ones else 0))


def _unit_days(unit: str) -> float | None:
    unit = unit.strip()
    if unit.startswith(("hour", "小时")):
        return 1 / 24
    if unit.startswith(("week", "周", "星期")):
        return 7.0
    if unit.startswith(("business", "working", "工作日")):
        return 7 / 5  # five business days span a week
    if unit.startswith(("day", "calendar", "天", "日")):
        return 1.0
    return None
