"""Identity numbers: the China resident identity number (居民身份证号码).

An 18-character number: 6 digits of the issuing area, 8 of the birth date
(YYYYMMDD), 3 of sequence (odd for men) and a check character computed with
ISO 7064 MOD 11-2 (GB 11643-1999), where 10 is written ``X``.
"""

from __future__ import annotations

from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def cn_id_check_digit(first17: str) -> str:
    """The check character for the first 17 digits of a resident id."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("the first 17 characters must be digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def cn_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 18-character resident id, or None if it is."""
    if len(number) != 18:
        return "must have 18 characters"
    body, check = number[:17], number[17].upper()
    if not body.isdigit() or not (check.isdigit() or check == "X"):
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return "contains an impossible birth date"
    if cn_id_check_digit(body) != check:
        return "check digit does not match (GB 11643-1999)"
    return None


def cn_id_birth_date(number: str) -> date:
    """Birth date encoded in a valid 18-character resident id."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
