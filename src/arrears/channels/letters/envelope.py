"""What shows through the envelope window, and the rule that it must not reveal a debt.

Anyone who handles a letter sees its envelope. The law says what may be on it:

* US: nothing "other than the debt collector's address", except a business
  name "if such name does not indicate that he is in the debt collection
  business" (FDCPA §808(8), 15 U.S.C. 1692f(8)); Reg F 12 CFR 1006.22(f)(2)
  repeats it for "any envelope", and comment 22(f)(2)-1 lists what is harmless
  (the consumer's name and address, postage, a neutral business name).
  Postcards are forbidden altogether (1006.22(f)(1)).
* GB: the firm must take reasonable steps so that third parties do not learn
  of the debt (CONC 7.9.7 R); post marked "private and confidential" and the
  collection firm's name not visible (CONC 7.9.8 G).
* CN: collectors must not spread others' privacy or display collection notices
  or lawyer's letters publicly (CBA 《金融机构个人消费类贷款催收工作指引（试行）》,
  2026); personal information is processed only as far as necessary (PIPL
  Arts. 5, 6, 10).

A window envelope has no printing of its own, so "the envelope" is what the
window shows: the one-line return address and the recipient block
(:func:`window_text`). :func:`check_envelope` refuses any of the words of
``envelope_words.yaml`` in it, any visible amount, and a return name that
reveals debt collection; :func:`~.render.render_letter` raises
:class:`EnvelopeRefused` rather than lay out such a letter.

:func:`visible_text` reads a rendered PDF back and returns the text printed
in the visible zone of page 1 (the window widened by the play of the folded
sheet), so a test, or a person checking a print run, can compare what the
window really shows with :func:`window_text`.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from arrears.channels.letters.layout import PageFormat, Rect, page_format_for
from arrears.channels.letters.model import LetterRequest
from arrears.errors import InvalidInput
from arrears.kit.yamlio import YamlProblem, parse_yaml

WORDS_FILE = Path(__file__).resolve().parent / "envelope_words.yaml"
CITATION = (
    "15 U.S.C. 1692f(8); 12 CFR 1006.22(f)(2); CONC 7.9.7 R, 7.9.8 G; CBA guideline (2026); "
    "PIPL Arts. 5, 6, 10"
)
_MARKING = {"GB": "Private and confidential", "UK": "Private and confidential"}
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class EnvelopeProblem:
    """One thing visible from outside that would reveal the debt."""

    where: str  # "sender_name" | "window"
    found: str  # the word or amount as it appears
    line: str  # the visible line it was found in
    message: str


class EnvelopeRefused(InvalidInput):
    """A letter whose envelope would show that it is about a debt; it is not rendered."""

    code = "envelope_refused"

    def __init__(self, dedup_key: str, problems: Sequence[EnvelopeProblem]) -> None:
        listed = "; ".join(p.message for p in problems)
        super().__init__(
            f"letter {dedup_key} not rendered: its envelope would reveal a debt ({listed}). "
            f"[{CITATION}]"
        )
        self.dedup_key = dedup_key
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class WindowBlock:
    """The lines behind the window, top to bottom."""

    return_line: str  # the return name and address, small, on one line
    marking: str  # "Private and confidential" (GB) or ""
    recipient: tuple[str, ...]

    def lines(self) -> tuple[str, ...]:
        return (self.return_line, *((self.marking,) if self.marking else ()), *self.recipient)


def _is_chinese_address(letter: LetterRequest) -> bool:
    country = letter.recipient.address.country
    return country == "CN" or (not country and letter.language == "zh")


def window_block(letter: LetterRequest) -> WindowBlock:
    """The return line, the marking and the recipient block of ``letter``.

    Chinese addresses run from the province down to the street, then the name,
    followed by 亲启 ("to be opened by the addressee"); others start with the
    name. InvalidInput when the block has more lines than the window holds.
    """
    sender, recipient = letter.sender, letter.recipient
    return_line = ", ".join((sender.return_name.strip(), *sender.address.lines))
    if _is_chinese_address(letter):
        lines: tuple[str, ...] = (*recipient.address.lines, f"{recipient.name.strip()} 亲启")
    else:
        lines = (recipient.name.strip(), *recipient.address.lines)
    country = letter.jurisdiction.strip().upper().split("-", 1)[0]
    block = WindowBlock(return_line, _MARKING.get(country, ""), lines)
    limit = page_format_for(letter.jurisdiction, letter.locale, letter.paper).max_window_lines
    if len(block.lines()) - 1 > limit:
        raise InvalidInput(
            f"letter {letter.dedup_key}: the address block has {len(block.lines()) - 1} lines "
            f"and the envelope window holds {limit}"
        )
    return block


def window_text(letter: LetterRequest) -> str:
    """Exactly what is visible from outside the envelope, one line per printed line."""
    return "\n".join(window_block(letter).lines())


@dataclass(frozen=True)
class _Words:
    window: re.Pattern[str]
    sender_name: re.Pattern[str]
    amounts: re.Pattern[str]


def _group(spec: object, section: str) -> list[str]:
    if not isinstance(spec, dict):
        raise InvalidInput(f"{WORDS_FILE.name}: '{section}' must have 'en' and 'zh' lists")
    en = [f"(?<![a-z])(?:{p})(?![a-z])" for p in spec.get("en", [])]
    return en + [f"(?:{p})" for p in spec.get("zh", [])]


@functools.cache
def _words() -> _Words:
    try:
        data = parse_yaml(WORDS_FILE.read_text(encoding="utf-8"), WORDS_FILE.name).data
    except YamlProblem as exc:
        raise InvalidInput(exc.message) from None
    window = _group(data.get("window"), "window")
    sender = window + _group(data.get("sender_name"), "sender_name")
    flags = re.IGNORECASE
    return _Words(
        window=re.compile("|".join(window), flags),
        sender_name=re.compile("|".join(sender), flags),
        amounts=re.compile("|".join(f"(?:{p})" for p in data.get("amount_patterns", [])), flags),
    )


def check_envelope(window_text: str, sender_name: str) -> list[EnvelopeProblem]:
    """What in ``window_text`` or the return name ``sender_name`` would reveal a debt.

    Empty when the envelope may go out. ``sender_name`` is checked against a
    longer list (names like "... Recoveries" or "... 资产管理" are refused) and
    should also appear in ``window_text``, where it is checked again.
    """
    words = _words()
    problems = [
        EnvelopeProblem(
            "sender_name",
            match.group(0),
            sender_name,
            f"the return name '{sender_name}' indicates debt collection ('{match.group(0)}'): "
            "use a neutral business name",
        )
        for match in words.sender_name.finditer(sender_name)
    ]
    for line in window_text.splitlines():
        for match in words.window.finditer(line):
            problems.append(
                EnvelopeProblem(
                    "window", match.group(0), line, f"'{match.group(0)}' is visible in '{line}'"
                )
            )
        for match in words.amounts.finditer(line):
            problems.append(
                EnvelopeProblem("window", match.group(0), line, f"an amount is visible in '{line}'")
            )
    return problems


def text_in_rect(pdf: bytes, rect: Rect, page: int = 0) -> str:
    """The text whose baseline starts inside ``rect`` (mm) on ``page``, line by line."""
    reader = PdfReader(io.BytesIO(pdf))
    target = reader.pages[page]
    height = float(target.mediabox.height)
    pieces: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if not text.strip():
            return
        # The text origin in user space is the text matrix's translation
        # mapped through the current transformation matrix.
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        x_mm, y_mm = x / _PT_PER_MM, (height - y) / _PT_PER_MM
        if rect.contains(x_mm, y_mm):
            pieces.append((round(y_mm, 1), x_mm, text.strip("\n")))

    target.extract_text(visitor_text=visit)
    # Pieces of one line share a baseline; within a line they keep the order
    # of the content stream (the origin of a piece is not always its own x:
    # a font change inside a text object moves on without a new matrix).
    lines: dict[float, list[str]] = {}
    for y, _, text in pieces:
        row = next((key for key in lines if abs(key - y) < 1.0), y)
        lines.setdefault(row, []).append(text)
    return "\n".join("".join(row).strip() for _, row in sorted(lines.items()))


def visible_text(pdf: bytes, fmt: PageFormat) -> str:
    """The text a rendered letter shows through (and around) the window of its envelope."""
    return text_in_rect(pdf, fmt.visible, 0)
