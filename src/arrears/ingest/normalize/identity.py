"""Identity: a debtor's name and identifiers, as matched and stored.

Names are kept as written (NFKC, one space between words) and matched on
:func:`name_key`. Identifiers lose their spaces and dashes. National identity
numbers are validated where a rule exists: China's GB 11643-1999 check
character (first-generation 15-digit numbers are upgraded to 18) and the US
SSN ranges the SSA never issues.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from arrears.core.identity import cn_id_check_digit, cn_id_problem
from arrears.ingest.normalize.base import FieldProblem, clean_text, nfkc


def normalize_name(text: str) -> str:
    """A person's or company's name: NFKC, one space between words."""
    name = clean_text(text)
    if name is None:
        raise FieldProblem("empty name")
    return name


def name_key(text: str) -> str:
    """The form names are matched on: case-folded, without any whitespace."""
    return "".join(nfkc(text).casefold().split())


_CN_ID = re.compile(r"^\d{17}[\dX]$")
_SEPARATORS = re.compile(r"[\s\-]")


def clean_identifier(text: str) -> str:
    """An identifier without spaces or dashes, upper-case."""
    cleaned = _SEPARATORS.sub("", nfkc(text)).upper()
    if not cleaned:
        raise FieldProblem("empty identifier")
    return cleaned


def normalize_national_id(text: str, country: str | None) -> str:
    """A national identity number, validated where a rule exists.

    China (or an 18-character value of the Chinese shape when the country is unknown):
    the GB 11643-1999 check character; 15-digit first-generation numbers are upgraded to
    18. United States: a 9-digit SSN whose area is not 000, 666 or 900-999, group not 00
    and serial not 0000 (numbers the SSA never issues). Other countries: kept as written
    without spaces and dashes.
    """
    cleaned = clean_identifier(text)
    if country == "CN" or (country is None and _CN_ID.match(cleaned)):
        return _cn_resident_id(cleaned)
    if country == "US":
        return _us_ssn(cleaned)
    return cleaned


def _cn_resident_id(number: str) -> str:
    if len(number) == 15 and number.isdigit():
        # First-generation ids (before 1999) have a 2-digit year of the 1900s, no check digit.
        body = number[:6] + "19" + number[6:]
        try:
            date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
        except ValueError:
            raise FieldProblem("contains an impossible birth date") from None
        number = body + cn_id_check_digit(body)
    problem = resident_id_problem(number)
    if problem is not None:
        raise FieldProblem(f"not a valid China resident id: {problem}")
    return number


# cn_id_problem, remembered: the row validator asks again for the id it just
# normalised, to read the birth date it encodes.
resident_id_problem = lru_cache(maxsize=1 << 10)(cn_id_problem)


def _us_ssn(number: str) -> str:
    if len(number) != 9 or not number.isdigit():
        raise FieldProblem("a US SSN has 9 digits")
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        raise FieldProblem("not an SSN the SSA issues (area 000/666/9xx, group 00 or serial 0000)")
    return number
