"""Numbers written in words: Chinese numerals and small English number words.

Debtors write "五百块", "两千", "一万二" (12,000, not 10,002), "三千五"
(3,500), "十五号", "壹仟贰佰" (the financial forms), and in English "fifty
bucks", "two hundred dollars", "a hundred quid". These functions turn such
words into integers; finding them in a reply is the extractors' job.
"""

from __future__ import annotations

import re

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
# 亿 is left out: no debt reply needs it, and mixing 亿 and 万 needs a second level.
_CN_WAN = {"万": 10_000}
CN_NUMERAL_CHARS = "".join([*_CN_DIGITS, *_CN_UNITS, *_CN_WAN])
# A numeral starts with a digit or 十 ("十五"): "千万别打了" (by all means) is not 10 million.
CN_NUMERAL = f"(?:[{''.join(_CN_DIGITS)}]|[十拾])[{CN_NUMERAL_CHARS}]*"


def parse_chinese(text: str) -> int | None:
    """The value of a Chinese numeral, or None if ``text`` is not one.

    Colloquial shortening is understood: a digit after the last unit counts in
    the next lower unit ("三千五" 3,500, "一万二" 12,000, "两百五" 250), unless
    a 零 came before it ("一千零五" 1,005).
    """
    if not text or any(c not in CN_NUMERAL_CHARS for c in text):
        return None
    total, section, digit = 0, 0, None
    last_unit, zero_seen = 1, False
    for char in text:
        if char in _CN_DIGITS:
            if digit is not None and not zero_seen:
                return None  # "五五" is not a numeral (a run of digits is written 55)
            digit = _CN_DIGITS[char]
            zero_seen = zero_seen or digit == 0
        elif char in _CN_UNITS:
            unit = _CN_UNITS[char]
            section += (1 if digit is None and unit == 10 else digit or 0) * unit
            digit, last_unit, zero_seen = None, unit, False
        else:
            big = _CN_WAN[char]
            total = (total + section + (digit or 0)) * big
            section, digit, last_unit, zero_seen = 0, None, big, False
    if digit:
        # Colloquial shortening: the dangling digit takes the next lower unit.
        section += digit if zero_seen else digit * max(last_unit // 10, 1)
    return total + section


_EN_ONES = {
    "zero": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000}
_EN_FIRST = "|".join(sorted([*_EN_ONES, *_EN_TENS], key=len, reverse=True))
_EN_NEXT = "|".join(sorted([*_EN_ONES, *_EN_TENS, *_EN_SCALES, "and"], key=len, reverse=True))
# A run of number words ("two hundred and fifty", "fifty-five"), starting with a number.
EN_NUMBER_WORDS = rf"(?:{_EN_FIRST})(?:[ -](?:{_EN_NEXT}))*"


def parse_english(text: str) -> int | None:
    """The value of English number words ("two hundred and fifty" 250), or None."""
    words = [w for w in re.split(r"[ -]+", text.strip().lower()) if w and w != "and"]
    if not words or words[0] in _EN_SCALES:
        return None
    total, current = 0, 0
    for word in words:
        if word in _EN_ONES:
            current += _EN_ONES[word]
        elif word in _EN_TENS:
            current += _EN_TENS[word]
        elif word in _EN_SCALES:
            scale = _EN_SCALES[word]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total, current = (total + max(current, 1)) * scale, 0
        else:
            return None
    value = total + current
    return value if value > 0 else None


def parse_day_number(text: str) -> int | None:
    """A day or month number written in digits or Chinese ("15", "十五"), or None."""
    if text.isdigit():
        return int(text)
    return parse_chinese(text)
