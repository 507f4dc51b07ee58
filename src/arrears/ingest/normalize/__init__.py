"""Field parsers: one cell of a portfolio file to one clean value.

Each parser takes the text of one cell and returns the normalised value, or
raises :class:`FieldProblem` with a reason a person understands ("3 decimal
places; CNY has 2"). The row validator (``rows``) turns problems into
rejections; these functions know nothing about rows, files or databases.

Every parser first applies Unicode NFKC, so full-width digits and punctuation
typed with a Chinese input method (``１２３４．５６``, ``＋８６``, ``２０２６／３／５``) read
the same as their ASCII forms.

The package, one kind of value a module (each explains the decisions worth
knowing about its values):

* ``base`` — :class:`FieldProblem` and NFKC text, which every parser uses;
* ``amounts`` — amounts in exact minor units, and currencies;
* ``dates`` — dates in every common notation, Excel serials included;
* ``contacts`` — phone numbers, e-mail addresses and cells holding several of them;
* ``phone_blocks`` — phone numbers read once per number block (proven by ``regex_nfa``);
* ``identity`` — names and identifiers (national ids);
* ``scalars`` — yes/no values and whole numbers.
"""

from __future__ import annotations

from arrears.ingest.normalize.amounts import normalize_currency, parse_amount
from arrears.ingest.normalize.base import FieldProblem, clean_text, nfkc
from arrears.ingest.normalize.contacts import (
    PhoneInfo,
    normalize_email,
    normalize_phone,
    split_multi,
)
from arrears.ingest.normalize.dates import parse_date
from arrears.ingest.normalize.identity import (
    clean_identifier,
    name_key,
    normalize_name,
    normalize_national_id,
)
from arrears.ingest.normalize.phone_blocks import normalize_phone_by_block
from arrears.ingest.normalize.scalars import parse_bool, parse_int

__all__ = [
    "FieldProblem",
    "PhoneInfo",
    "clean_identifier",
    "clean_text",
    "name_key",
    "nfkc",
    "normalize_currency",
    "normalize_email",
    "normalize_name",
    "normalize_national_id",
    "normalize_phone",
    "normalize_phone_by_block",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_int",
    "split_multi",
]
