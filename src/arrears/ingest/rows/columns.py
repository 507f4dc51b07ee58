"""Columnar screening: a batch of account rows read column by column with Polars.

:func:`screen_accounts` gives exactly what :func:`.batch.screen_batch` gives for an
accounts batch — the number of unchanged rows and, in row order, an
:class:`.model.AccountRow` or the rejections of every other row — but decides
most rows with whole-column expressions instead of one Python call per field:

* every cell must be *plain*: NFKC-stable (``str.normalize``), no control
  characters, no whitespace but single inner spaces — then cleaning it is the
  identity, and the texts (refs, name, city, address, product, source) are
  taken as they are;
* amounts must be plain digits with at most the currency's decimals (the notation
  checks of ``parse_amount`` are never needed for them); China resident ids must
  have their check digit and a real birth date, US SSNs an issued range;
* values with few distinct forms per batch — currency, debtor kind, the place
  (country, region, jurisdiction, language, time zones), postal codes, dates —
  are read by the row validator's own functions once per distinct value and
  joined back;
* contact cells go through :func:`.accounts.contact_values` (the validator's code),
  phones read by number block (:mod:`..normalize.phone_blocks`: one phonenumbers
  parse per block of numbers proven to read alike, the same results).

A row any of these checks cannot accept — a bad value, an unusual notation, a
quote in a cell — goes to :func:`.accounts.validate_account`, whole. Rejections
therefore always come from the row validator, with its fields, values and
reasons, and an accepted row carries the values the validator would have given
it (``tests/ingest/test_columns.py`` compares the two paths on every import
fixture).

Row hashes are :func:`.model.raw_row_hash`'s: the JSON payload is built as one
string column (rows holding characters JSON escapes are hashed by that function)
and digested in one pass.

The machinery — :func:`screen` with a :class:`Kind`, and the plain-cell,
per-value, date and amount checks — serves payments too
(``rows.payment_columns``); national ids are checked in ``rows.column_identity``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from arrears.core import currency as currencies
from arrears.ingest.mapping import ACCOUNT_COLUMNS, Formats, HeaderPlan, project
from arrears.ingest.normalize import (
    FieldProblem,
    name_key,
    normalize_currency,
    normalize_phone_by_block,
)
from arrears.ingest.readers import RawRow
from arrears.ingest.rows.accounts import (
    _debtor_kind,
    _place,
    _postal_code,
    contact_values,
    validate_account,
)
from arrears.ingest.rows.column_identity import with_identity
from arrears.ingest.rows.fields import _Fields, _read_date
from arrears.ingest.rows.model import AccountRow, Rejection, _reading, raw_row_hash

Result = AccountRow | list[Rejection]

_DATES = ("birth_date", "opened_on", "due_on", "charged_off_on", "last_payment_on",
          "invoice_date")  # fmt: skip
_AMOUNTS = ("principal", "interest", "fees", "costs", "original_amount", "last_payment_amount")
_REQUIRED = ("account_ref", "name", "currency", "principal", "due_on")
# A cell that cleaning would change: control characters, whitespace other than single
# inner spaces (Python's str.split() splits on all of these), or a JSON escape.
_UNCLEAN = r"[\x00-\x1f\x7f-\x9f]|[^\S ]|^ | $|  "
_JSON_ESCAPED = r'[\x00-\x1f"\\]'
_FAIL = object()  # a per-value reading that found a problem: the row goes the slow way


@dataclass(frozen=True)
class Kind:
    """What the columnar screening needs of one import kind."""

    columns: tuple[str, ...]  # every canonical column
    key: str  # the column naming the stored row
    invoices: bool  # whether an invoice row is never unchanged (accounts)
    fast: Callable[[pl.DataFrame, list[str], Formats], dict[int, Any]]  # rows the columns accept
    validate: Callable[..., Any]  # the row validator, for every other row


@dataclass(frozen=True)
class Cells:
    """A batch's raw cells as a frame: ``_row`` (the row number) and ``c0``, ``c1``…
    (the reader's cells, stripped, an empty one null), with each row's cells as a
    list on demand (only rows the column checks cannot decide are read so)."""

    frame: pl.DataFrame
    row: Callable[[int], list[str | None]]

    @classmethod
    def of_rows(cls, rows: Sequence[RawRow]) -> Cells:
        """The cells of rows a reader gave as lists."""
        values = [cells for _, cells in rows]
        width = len(values[0])
        if any(len(cells) != width for cells in values):
            raise ValueError("the rows of a batch have different numbers of cells")
        # Polars reads the rows into columns itself (half the CPU of transposing in Python).
        schema = [(f"c{i}", pl.String) for i in range(width)]
        frame = pl.DataFrame(values, schema=schema, orient="row").with_columns(
            pl.Series("_row", [number for number, _ in rows], dtype=pl.Int64)
        )
        return cls(frame, dict(rows).__getitem__)


def screen_accounts(
    plan: HeaderPlan,
    rows: Sequence[RawRow] | Cells,
    row_problems: dict[int, str],
    stored: dict[str, str | None],
) -> tuple[int, list[Result]]:
    """(how many rows are unchanged, the results of the others in order): see the
    module docstring and :func:`.batch.screen_batch`."""
    return screen(ACCOUNTS, plan, rows, row_problems, stored)


def screen(
    kind: Kind,
    plan: HeaderPlan,
    rows: Sequence[RawRow] | Cells,
    row_problems: dict[int, str],
    stored: dict[str, str | None],
) -> tuple[int, list[Any]]:
    """The rows of one import kind screened column by column (see the module docstring);
    the rows as the reader gave them, or already as :class:`Cells`."""
    cells = rows if isinstance(rows, Cells) else Cells.of_rows(rows) if rows else None
    if cells is None or not cells.frame.height:
        return 0, []
    formats = plan.formats
    frame, present = _canonical_frame(plan, cells.frame, kind.columns)
    hashes = _hashes(frame, present, formats, plan, cells.row)
    frame = frame.with_columns(pl.Series("_hash", hashes, dtype=pl.String))
    key = pl.col(kind.key)
    same = pl.col("_hash") == key.replace_strict(
        list(stored), [v for v in stored.values()], default=None, return_dtype=pl.String
    )
    # As screen_batch tests them: a non-empty key, no (or an empty) invoice number.
    no_invoice = (
        (pl.col("invoice_no").is_null() | (pl.col("invoice_no") == ""))
        if kind.invoices
        else pl.lit(True)
    )
    frame = frame.with_columns(
        _unchanged=((key.str.len_bytes() > 0) & no_invoice & same).fill_null(False)
    )
    unchanged = int(frame["_unchanged"].sum())
    todo = frame.filter(~pl.col("_unchanged"))
    fast = kind.fast(todo, present, formats) if todo.height else {}
    results: list[Any] = []
    for number, digest in zip(todo["_row"].to_list(), todo["_hash"].to_list(), strict=True):
        found = fast.get(number)
        if found is not None and number not in row_problems:
            results.append(found)
            continue
        problem = row_problems.get(number)
        if problem is not None:
            results.append([Rejection(number, "(row)", None, problem)])
        else:
            canonical = project(plan, cells.row(number))
            results.append(kind.validate(number, canonical, formats, digest))
    return unchanged, results


def _canonical_frame(
    plan: HeaderPlan, raw: pl.DataFrame, every: tuple[str, ...]
) -> tuple[pl.DataFrame, list[str]]:
    """Every canonical column (null when the file has none) and the names the file
    gives (by a header or a constant), as :func:`.mapping.project` reads them."""
    present = [*plan.columns, *(c for c in plan.constants if c not in plan.columns)]
    frame = raw.select(
        pl.col("_row"),
        *(pl.col(f"c{index}").alias(name) for name, index in plan.columns.items()),
    )
    filled = [
        (pl.col(n).fill_null(v) if n in plan.columns else pl.lit(v, pl.String)).alias(n)
        for n, v in plan.constants.items()
    ]
    missing = [pl.lit(None, pl.String).alias(n) for n in every if n not in present]
    return frame.with_columns(*filled, *missing), present


def _hashes(
    frame: pl.DataFrame,
    present: list[str],
    formats: Formats,
    plan: HeaderPlan,
    row: Callable[[int], list[str | None]],
) -> list[str]:
    """:func:`.model.raw_row_hash` of every row."""
    names = sorted(present)
    pieces: list[pl.Expr] = [pl.lit("[[")]
    for i, name in enumerate(names):
        value = pl.col(name)
        quoted = pl.concat_str(pl.lit('"'), value, pl.lit('"'))
        pieces += [
            pl.lit(f'{"," if i else ""}["{name}",'),
            pl.when(value.is_null()).then(pl.lit("null")).otherwise(quoted),
            pl.lit("]"),
        ]
    pieces.append(pl.lit(f"],{_reading(formats)}]"))
    escaped = pl.any_horizontal(
        [pl.col(n).str.contains(_JSON_ESCAPED).fill_null(False) for n in names] or [pl.lit(False)]
    )
    payloads = frame.select(
        pl.when(escaped).then(pl.lit(None)).otherwise(pl.concat_str(pieces)).alias("p")
    )["p"].to_list()
    blake2b = hashlib.blake2b
    out = []
    for number, payload in zip(frame["_row"].to_list(), payloads, strict=True):
        if payload is None:
            out.append(raw_row_hash(project(plan, row(number)), formats))
        else:
            out.append(blake2b(payload.encode("utf-8"), digest_size=16).hexdigest())
    return out


def _fast_rows(frame: pl.DataFrame, present: list[str], formats: Formats) -> dict[int, AccountRow]:
    """The rows the column checks accept, as AccountRows by row number."""
    frame = frame.with_columns(_ok=plain(present) & _required(_REQUIRED))
    frame, places = _with_lookups(frame, formats)
    frame = with_amounts(frame, formats, _AMOUNTS)
    frame = with_identity(frame)
    frame = frame.filter(pl.col("_ok"))
    return _assemble(frame, places, formats)


def plain(present: list[str]) -> pl.Expr:
    """Every cell of the row plain (see the module docstring): cleaning it is the identity."""
    checks = [
        (
            pl.col(n).is_null()
            | (~pl.col(n).str.contains(_UNCLEAN) & (pl.col(n) == pl.col(n).str.normalize("NFKC")))
        )
        for n in present
    ]
    return pl.all_horizontal(checks) if checks else pl.lit(True)


def _required(names: tuple[str, ...]) -> pl.Expr:
    return pl.all_horizontal([pl.col(n).is_not_null() for n in names])


def per_value(
    frame: pl.DataFrame, columns: list[str], read: Callable[..., Any], name: str
) -> tuple[pl.DataFrame, list[Any]]:
    """``read`` once per distinct combination of ``columns``: the frame with an index
    column ``name`` into the returned readings, and the readings (``_FAIL`` on a
    problem)."""
    keys = frame.select(columns).unique().with_row_index(name)
    readings = [read(*values) for values in keys.drop(name).iter_rows()]
    joined = frame.join(keys, on=columns, how="left", nulls_equal=True, maintain_order="left")
    failed = pl.Series([r is _FAIL for r in readings], dtype=pl.Boolean).gather(joined[name])
    return joined.with_columns(_ok=pl.col("_ok") & ~failed), readings


def reading_of(read: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*values: Any) -> Any:
        try:
            return read(*values)
        except FieldProblem:
            return _FAIL

    return guarded


def _place_of(
    country: str | None, region: str | None, jurisdiction: str | None, language: str | None
) -> Any:
    fields = _Fields(
        0,
        {"country": country, "region": region, "jurisdiction": jurisdiction, "language": language},
    )
    place = _place(fields)
    return _FAIL if fields.problems else place


def _with_lookups(frame: pl.DataFrame, formats: Formats) -> tuple[pl.DataFrame, list[Any]]:
    """Currency, debtor kind, place, postal code and dates, read once per distinct value."""
    frame, currencies_ = per_value(
        frame, ["currency"], reading_of(lambda c: None if c is None else normalize_currency(c)),
        "_currency",
    )  # fmt: skip
    frame, kinds = per_value(
        frame, ["debtor_kind"], reading_of(lambda k: "person" if k is None else _debtor_kind(k)),
        "_kind",
    )  # fmt: skip
    frame, places = per_value(
        frame, ["country", "region", "jurisdiction", "language"], _place_of, "_place"
    )
    frame = frame.with_columns(
        _currency_code=gather(frame, currencies_, "_currency"),
        _debtor_kind=gather(frame, kinds, "_kind"),
        _country=gather(frame, [None if p is _FAIL else p.country for p in places], "_place"),
    )
    frame, codes = per_value(
        frame,
        ["postal_code", "_country"],
        reading_of(lambda t, c: None if t is None else _postal_code(t, c)),
        "_postal",
    )
    frame = frame.with_columns(_postal_code=gather(frame, codes, "_postal"))
    return with_dates(frame, formats, _DATES), places


def with_dates(frame: pl.DataFrame, formats: Formats, names: tuple[str, ...]) -> pl.DataFrame:
    """Date columns ``_<name>``, read once per distinct text of the batch (one dictionary
    for every date column); a text that is not a date in range clears ``_ok``."""
    texts = pl.concat([frame[c].drop_nulls() for c in names]).unique().to_list()
    found = {t: _read_date(t, formats.day_first, formats.date_format) for t in texts}
    good = {t: d for t, d in found.items() if isinstance(d, date)}
    parsed = [
        pl.col(c)
        .replace_strict(list(good), list(good.values()), default=None, return_dtype=pl.Date)
        .alias(f"_{c}")
        for c in names
    ]
    frame = frame.with_columns(parsed)
    dates_ok = pl.all_horizontal([pl.col(c).is_null() | pl.col(f"_{c}").is_not_null()
                                  for c in names])  # fmt: skip
    return frame.with_columns(_ok=pl.col("_ok") & dates_ok)


def gather(frame: pl.DataFrame, readings: list[Any], index: str) -> pl.Series:
    """The readings (strings) of each row, by the index column ``per_value`` added."""
    values = pl.Series([None if r is _FAIL else r for r in readings], dtype=pl.String)
    return values.gather(frame[index])


def with_amounts(frame: pl.DataFrame, formats: Formats, names: tuple[str, ...]) -> pl.DataFrame:
    """Amounts in minor units where they are digits, optionally grouped in threes by the
    separator that is not the decimal one, with at most the currency's decimals: what
    ``fields._amounts`` and ``parse_amount`` read them as, without their notation checks."""
    places = {code: currencies.exponent(code) for code in currencies.CURRENCIES}
    exponent = pl.col("_currency_code").replace_strict(
        list(places), list(places.values()), default=None, return_dtype=pl.Int64
    )
    powers = {p: 10**p for p in range(19)}

    def power(of: pl.Expr) -> pl.Expr:
        return of.replace_strict(
            list(powers), list(powers.values()), default=None, return_dtype=pl.Int64
        )

    decimal = "\\" + formats.decimal
    group = "\\" + ("," if formats.decimal == "." else ".")
    shape = f"^((?:[0-9]{{1,3}}(?:{group}[0-9]{{3}})+)|[0-9]{{1,15}})(?:{decimal}([0-9]+))?$"
    checks, values = [], []
    for name in names:
        text = pl.col(name)
        parts = text.str.extract_groups(shape)
        whole = parts.struct.field("1").str.replace_all(group, "")
        fraction = parts.struct.field("2")
        digits = fraction.str.len_chars().fill_null(0)
        plain = whole.is_not_null() & (whole.str.len_chars() <= 15) & (digits <= exponent)
        checks.append(text.is_null() | plain.fill_null(False))
        minor = whole.cast(pl.Int64, strict=False) * power(exponent) + fraction.cast(
            pl.Int64, strict=False
        ).fill_null(0) * power(exponent - digits)
        values.append(minor.alias(f"_{name}"))
    return frame.with_columns(*values, _ok=pl.col("_ok") & pl.all_horizontal(checks))


_ASSEMBLED = (
    "_row", "account_ref", "debtor_ref", "_debtor_kind", "name", "_name_key", "national_id",
    "_birth", "phones", "emails", "address", "city", "_postal_code", "_currency_code",
    "_principal", "_interest", "_fees", "_costs", "_original_amount", "_opened_on",
    "_due_on", "_charged_off_on", "_last_payment_on", "_last_payment_amount", "product",
    "source", "invoice_no", "_invoice_date", "_hash", "_place",
)  # fmt: skip


def _assemble(frame: pl.DataFrame, places: list[Any], formats: Formats) -> dict[int, AccountRow]:
    """AccountRows of the accepted rows; a row whose contacts have a problem is left out
    (the row validator rejects it)."""
    out: dict[int, AccountRow] = {}
    default_region = formats.default_region
    for (
        number, ref, debtor_ref, kind, name, key, national_id, birth, phones, emails, address,
        city, postal_code, currency, principal, interest, fees, costs, original, opened, due,
        charged_off, last_paid_on, last_paid, product, source, invoice_no, invoice_date,
        digest, place_index,
    ) in frame.select(_ASSEMBLED).iter_rows():  # fmt: skip
        place = places[place_index]
        contacts, problems = contact_values(
            phones, emails, address, address, place.country, place.time_zones,
            place.country or default_region, normalize_phone_by_block,
        )  # fmt: skip
        if problems:
            continue
        out[number] = AccountRow(
            number, ref, debtor_ref, kind, name, key or name_key(name), national_id, birth,
            contacts, address, city, place.region, postal_code, place.country, place.language,
            place.jurisdiction, place.time_zones, currency, principal, interest or 0,
            fees or 0, costs or 0, original, opened, due, charged_off, last_paid_on, last_paid,
            product, source, invoice_no, invoice_date, digest,
        )  # fmt: skip
    return out


ACCOUNTS = Kind(ACCOUNT_COLUMNS, "account_ref", True, _fast_rows, validate_account)
