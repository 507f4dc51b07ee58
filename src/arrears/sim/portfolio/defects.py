"""Deliberate flaws, so the demo shows the reject file and conflict flagging.

*Bad rows* (about 0.3 % of each file, at least one): each breaks exactly one
rule the importer enforces on a required or validated field, so the row must be
rejected whatever else it does: an impossible due date (30 February, in the
file's own date style), a phone number missing its last digit, a negative
principal, a missing name, a resident id whose check digit is wrong, a missing
due date (typed Parquet cannot hold an impossible one); in payments files a
negative amount, an impossible payment date or a missing reference. They are
put on accounts that are their debtor's only account and that receive no
payments, so nothing else depends on them.

*Conflicts* (about 0.3 % of accounts, CN and US): the second account of a
debtor with several, re-sourced from ``skip_trace`` with a different birth
date (US only: in China the resident id fixes it, and a mismatch is a reject),
a new address, phone or e-mail, so the same ``debtor_ref`` arrives with
disagreeing personal data from two sources. Birth dates and addresses are the
fields the importer tracks as conflicts; new phones and e-mails are added as
further contact points from the new source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import numpy as np
import numpy.typing as npt

from arrears.sim.portfolio.formats import Cell, DateText, Row, impossible_date
from arrears.sim.portfolio.model import Defect

DEFECT_RATE = 0.003
CONFLICT_RATE = 0.003
_CHECK_CHARS = "0123456789X"

# defect kind -> the canonical field it breaks
FIELDS = {
    "unparseable_date": "due_on",
    "missing_due_date": "due_on",
    "invalid_phone": "phones",
    "negative_principal": "principal",
    "missing_name": "name",
    "bad_national_id": "national_id",
    "negative_amount": "amount",
    "unparseable_paid_on": "paid_on",
    "missing_reference": "reference",
}


def pick_rows(
    rng: np.random.Generator, candidates: npt.NDArray[np.bool_], rate: float = DEFECT_RATE
) -> npt.NDArray[np.int64]:
    """Row indices to spoil: ``rate`` of all rows (at least one), among the candidates."""
    pool = np.flatnonzero(candidates)
    count = min(len(pool), max(1, round(len(candidates) * rate)))
    return np.sort(rng.choice(pool, size=count, replace=False)).astype(np.int64)


def spoil(
    rows: list[Row], indices: npt.NDArray[np.int64], kinds: tuple[str, ...], dates: DateText
) -> list[Defect]:
    """Spoil ``rows[i]`` for each index, cycling through ``kinds``; the defects, by data row."""
    out = []
    for n, i in enumerate(indices):
        kind = kinds[n % len(kinds)]
        _SPOILERS[kind](rows[int(i)], dates)
        out.append(Defect(int(i) + 1, FIELDS[kind], kind))
    return out


def _drop_last_digit(text: str) -> str:
    first = re.split(r"[;|]", text)[0]
    last = max(i for i, ch in enumerate(first) if ch.isdigit())
    return first[:last] + first[last + 1 :]


def _wrong_check(national_id: str) -> str:
    right = _CHECK_CHARS.index(national_id[17].upper())
    return national_id[:17] + _CHECK_CHARS[(right + 1 + right % 3) % 11]


def _negative(value: Cell) -> int:
    return -abs(value) if isinstance(value, int) else -100


def _year(value: object) -> int:
    return value.year if isinstance(value, date) else 2025


_SPOILERS: dict[str, Callable[[Row, DateText], None]] = {
    "unparseable_date": lambda r, t: r.update(due_on=impossible_date(t, _year(r["due_on"]))),
    "missing_due_date": lambda r, _: r.update(due_on=None),
    "invalid_phone": lambda r, _: r.update(phones=_drop_last_digit(str(r["phones"]))),
    "negative_principal": lambda r, _: r.update(principal=_negative(r["principal"])),
    "missing_name": lambda r, _: r.update(name=None),
    "bad_national_id": lambda r, _: r.update(national_id=_wrong_check(str(r["national_id"]))),
    "negative_amount": lambda r, _: r.update(amount=_negative(r["amount"])),
    "unparseable_paid_on": lambda r, t: r.update(paid_on=impossible_date(t, _year(r["paid_on"]))),
    "missing_reference": lambda r, _: r.update(reference=None),
}


def swapped_birth_date(born: date) -> date:
    """A typical data-entry slip: day and month swapped, or else the year off by one."""
    if born.day <= 12 and born.day != born.month:
        return date(born.year, born.day, born.month)
    return date(born.year - 1, born.month, min(born.day, 28))
