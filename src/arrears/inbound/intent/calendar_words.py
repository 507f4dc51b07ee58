"""The words replies name days with, in Chinese and English (texting spellings included).

Tables only; :mod:`.dates` turns them into patterns and resolves them.
"""

from __future__ import annotations


def _each(spellings: dict[str, int]) -> dict[str, int]:
    """``{"monday|mon": 0}`` -> ``{"monday": 0, "mon": 0}``."""
    return {word: value for words, value in spellings.items() for word in words.split("|")}


# Monday is 0, as in datetime. 周日 and 周天 are both Sunday; 周5 is texting for 周五.
ZH_WEEKDAYS = _each(
    {"一|1": 0, "二|2": 1, "三|3": 2, "四|4": 3, "五|5": 4, "六|6": 5, "日|天|7": 6}
)
EN_WEEKDAYS = _each(
    {
        "monday|mon": 0,
        "tuesday|tues|tue": 1,
        "wednesday|weds|wed": 2,
        "thursday|thurs|thur|thu": 3,
        "friday|fri": 4,
        "saturday|sat": 5,
        "sunday|sun": 6,
    }
)
EN_MONTHS = _each(
    {
        "jan|january": 1,
        "feb|february": 2,
        "mar|march": 3,
        "apr|april": 4,
        "may": 5,
        "jun|june": 6,
        "jul|july": 7,
        "aug|august": 8,
        "sep|sept|september": 9,
        "oct|october": 10,
        "nov|november": 11,
        "dec|december": 12,
    }
)
_FIRSTS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth"]
_TEENS += ["sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
# "on the first", "the fifteenth of next month", "twenty-first"
ORDINAL_WORDS = {word: n for n, word in enumerate(_FIRSTS, start=1)}
ORDINAL_WORDS |= {word: n for n, word in enumerate(_TEENS, start=10)}
ORDINAL_WORDS |= {f"twenty-{word}": 20 + n for n, word in enumerate(_FIRSTS, start=1)}
ORDINAL_WORDS |= {"thirtieth": 30, "thirty-first": 31}
# Days from as_of.
RELATIVE_DAYS = _each(
    {
        "今天|今日|今晚|今儿|today|2day|tonight|tonite": 0,
        "明天|明日|明儿|明早|明晚|tomorrow|tmrw|tmr|tmw|tomoz|2moro|2morrow|2mrw|2mro": 1,
        "后天|day after tomorrow|the day after tomorrow": 2,
        "大后天": 3,
        "昨天|昨日|昨晚|yesterday|yday": -1,
        "前天|day before yesterday|the day before yesterday": -2,
        "大前天": -3,
    }
)
# "in a couple of days", "in two weeks"
WORD_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a couple of": 2}
