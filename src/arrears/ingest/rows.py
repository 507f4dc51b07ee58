"""Row validation: one canonical row to a normalised record, or its rejections.

``validate_account`` and ``validate_payment`` read every field of a row and
collect every problem (one :class:`Rejection` per bad value), so a person fixes
a rejected row in one pass. A row is accepted or rejected whole: a row with one
bad phone among three is rejected, because importing the account without that
phone would silently lose a contact point the creditor gave us (DESIGN §4.9:
nothing lost on bad input).

Everything here is pure — no database, no clock, no settings — and every value
is picklable, so ``validate_batch`` runs unchanged in worker processes.

``row_hash`` is :func:`raw_row_hash` of the canonical (projected, raw) values and
of the mapping's ``formats``, so the importer can skip unchanged rows before
validating them, and a re-import with a corrected ``day_first`` or ``decimal``
reads every row again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from arrears.core.identity import cn_id_birth_date, cn_id_problem
from arrears.ingest import geo
from arrears.ingest.mapping import Formats, HeaderPlan, project
from arrears.ingest.normalize import (
    FieldProblem,
    clean_identifier,
    clean_text,
    name_key,
    normalize_currency,
    normalize_email,
    normalize_name,
    normalize_national_id,
    normalize_phone,
    parse_amount,
    parse_date,
    split_multi,
)
from arrears.ingest.readers import RawRow

T = TypeVar("T")
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)  # a sane range for every date


@dataclass(frozen=True, slots=True)
class Rejection:
    """One bad value of one source row, with the reason."""

    row: int
    field: str  # canonical column, or "(row)" for a row that cannot be read at all
    value: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ContactValue:
    """A phone, e-mail or postal address of the debtor, normalised."""

    kind: str  # mobile | landline | phone (line type not known) | email | address
    value: str  # E.164, normalised e-mail, or the one-line address
    line_type: str | None  # phones: mobile | landline | voip | toll_free | unknown
    region: str | None  # ISO country of the number or address
    time_zones: tuple[str, ...]
    raw: str  # as written in the file


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A valid account row; amounts in minor units of ``currency``."""

    row: int
    account_ref: str
    debtor_ref: str | None
    debtor_kind: str  # person | company
    name: str
    name_key: str
    national_id: str | None
    birth_date: date | None
    contacts: tuple[ContactValue, ...]
    address: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    language: str
    jurisdiction: str | None
    time_zones: tuple[str, ...]  # from the place (country, region)
    currency: str
    principal: int
    interest: int
    fees: int
    costs: int
    original_amount: int | None
    opened_on: date | None
    due_on: date
    charged_off_on: date | None
    last_payment_on: date | None
    last_payment_amount: int | None
    product: str | None
    source: str | None
    invoice_no: str | None
    invoice_date: date | None
    row_hash: str


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A valid payment or reversal row; ``amount`` is positive minor units."""

    row: int
    account_ref: str
    amount: int
    currency: str
    paid_on: date
    reference: str
    method: str | None
    kind: str  # payment | reversal
    reverses: str | None
    row_hash: str


def raw_row_hash(canonical: dict[str, str | None], formats: Formats | None = None) -> str:
    """A stable digest of a row's canonical raw values and of how they are read.

    Column order does not matter; the formats (decimal mark, day-first, ...)
    do, because the same text read differently is a different value.
    """
    # JSON of the sorted pairs is unambiguous whatever the values contain.
    reading = formats.model_dump(mode="json") if formats is not None else {}
    payload = json.dumps(
        [sorted(canonical.items()), sorted(reading.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- reading fields


class _Fields:
    """The canonical values of one row, read with parsers that collect problems."""

    __slots__ = ("canonical", "number", "problems")

    def __init__(self, number: int, canonical: dict[str, str | None]) -> None:
        self.number = number
        self.canonical = canonical
        self.problems: list[Rejection] = []

    def raw(self, field: str) -> str | None:
        value = self.canonical.get(field)
        return value if value is not None and value.strip() else None

    def reject(self, field: str, value: str | None, reason: str) -> None:
        self.problems.append(Rejection(self.number, field, value, reason))

    def read(self, field: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The parsed value; None (and a rejection) when bad, None when absent."""
        value = self.raw(field)
        if value is None:
            if required:
                self.reject(field, None, "required value is missing")
            return None
        try:
            return parse(value)
        except FieldProblem as exc:
            self.reject(field, value, exc.reason)
            return None


def _present(value: T | None) -> T:
    # Only called once a row has no problems, when every required value was read.
    if value is None:
        raise AssertionError("a required value is missing from a row without problems")
    return value


def _text(value: str) -> str:
    cleaned = clean_text(value)
    if cleaned is None:
        raise FieldProblem("empty value")
    return cleaned


def _dates(formats: Formats) -> Callable[[str], date]:
    def parse(text: str) -> date:
        found = parse_date(text, day_first=formats.day_first, date_format=formats.date_format)
        if not EARLIEST <= found <= LATEST:
            raise FieldProblem(f"{found.isoformat()} is outside {EARLIEST.year}..{LATEST.year}")
        return found

    return parse


def _amounts(currency: str, formats: Formats, *, positive: bool = False) -> Callable[[str], int]:
    def parse(text: str) -> int:
        minor = parse_amount(text, currency, decimal=formats.decimal)
        if positive and minor <= 0:
            raise FieldProblem("must be positive (a reversal is a row of kind 'reversal')")
        if minor < 0:
            raise FieldProblem("must not be negative")
        return minor

    return parse


# --------------------------------------------------------------------------- accounts

_DEBTOR_KINDS = {
    "person": "person", "individual": "person", "consumer": "person", "个人": "person",
    "company": "company", "business": "company", "corporate": "company",
    "organisation": "company", "organization": "company", "企业": "company",
    "公司": "company", "单位": "company",
}  # fmt: skip


def _debtor_kind(text: str) -> str:
    kind = _DEBTOR_KINDS.get(text.strip().casefold())
    if kind is None:
        raise FieldProblem("expected 'person' or 'company'")
    return kind


class _Place(NamedTuple):
    country: str | None
    region: str | None
    city: str | None
    postal_code: str | None
    address: str | None
    jurisdiction: str | None
    language: str
    time_zones: tuple[str, ...]


def _place(fields: _Fields) -> _Place:
    country = fields.read("country", geo.normalize_country)
    if country is not None:
        region = fields.read("region", lambda text: geo.normalize_region(country, text))
    else:
        region = fields.read("region", _text)
    explicit = fields.read("jurisdiction", geo.normalize_jurisdiction)
    language = fields.read("language", lambda text: geo.normalize_language(text, country))
    return _Place(
        country=country,
        region=region,
        city=fields.read("city", _text),
        postal_code=fields.read("postal_code", lambda text: _postal_code(text, country)),
        address=fields.read("address", _text),
        jurisdiction=explicit or geo.jurisdiction_for(country, region),
        language=language or geo.default_language(country),
        time_zones=geo.zones_for_place(country, region),
    )


def _postal_code(text: str, country: str | None) -> str:
    code = _text(text).upper()
    if country == "US" and code.isdigit() and 3 <= len(code) < 5:
        code = code.zfill(5)  # a spreadsheet stored ZIP 02139 as the number 2139
    return code


class _Person(NamedTuple):
    debtor_kind: str
    name: str | None
    national_id: str | None
    birth_date: date | None


def _person(fields: _Fields, country: str | None, formats: Formats) -> _Person:
    kind = fields.read("debtor_kind", _debtor_kind) or "person"
    name = fields.read("name", normalize_name, required=True)
    if kind == "company":
        # A company's registration number (e.g. 统一社会信用代码) is not a resident id.
        national_id = fields.read("national_id", clean_identifier)
    else:
        national_id = fields.read("national_id", lambda t: normalize_national_id(t, country))
    birth_date = fields.read("birth_date", _dates(formats))
    if kind == "person" and national_id and country in (None, "CN"):
        birth_date = _birth_date_from_id(fields, national_id, birth_date)
    return _Person(kind, name, national_id, birth_date)


def _birth_date_from_id(fields: _Fields, national_id: str, written: date | None) -> date | None:
    """A China resident id carries the birth date: fill it in, or check the one written."""
    if len(national_id) != 18 or cn_id_problem(national_id) is not None:
        return written
    encoded = cn_id_birth_date(national_id)
    if written is not None and written != encoded:
        reason = f"does not match the birth date in national_id ({encoded.isoformat()})"
        fields.reject("birth_date", fields.raw("birth_date"), reason)
    return written or encoded


class _Balances(NamedTuple):
    currency: str | None
    principal: int | None
    interest: int
    fees: int
    costs: int
    original_amount: int | None
    last_payment_amount: int | None


def _balances(fields: _Fields, formats: Formats) -> _Balances:
    currency = fields.read("currency", normalize_currency, required=True)
    if currency is None:
        # Amounts cannot be judged without their currency's decimal places.
        fields.read("principal", _text, required=True)
        return _Balances(None, None, 0, 0, 0, None, None)
    amount = _amounts(currency, formats)
    return _Balances(
        currency=currency,
        principal=fields.read("principal", amount, required=True),
        interest=fields.read("interest", amount) or 0,
        fees=fields.read("fees", amount) or 0,
        costs=fields.read("costs", amount) or 0,
        original_amount=fields.read("original_amount", amount),
        last_payment_amount=fields.read("last_payment_amount", amount),
    )


def _contacts(fields: _Fields, place: _Place, formats: Formats) -> tuple[ContactValue, ...]:
    """Phones, e-mails and the address; duplicates (after normalising) kept once."""
    region = place.country or formats.default_region
    found: dict[tuple[str, str], ContactValue] = {}
    for part in split_multi(fields.raw("phones")):
        try:
            info = normalize_phone(part, region)
        except FieldProblem as exc:
            fields.reject("phones", part, exc.reason)
            continue
        kind = info.line_type if info.line_type in ("mobile", "landline") else "phone"
        contact = ContactValue(kind, info.e164, info.line_type, info.region, info.time_zones, part)
        found.setdefault(("phone", contact.value), contact)
    for part in split_multi(fields.raw("emails")):
        try:
            email = normalize_email(part)
        except FieldProblem as exc:
            fields.reject("emails", part, exc.reason)
            continue
        found.setdefault(
            ("email", email.casefold()), ContactValue("email", email, None, None, (), part)
        )
    if place.address is not None:
        raw = fields.raw("address") or place.address
        address = ContactValue("address", place.address, None, place.country, place.time_zones, raw)
        found.setdefault(("address", place.address), address)
    return tuple(found.values())


class _Texts(NamedTuple):
    account_ref: str | None
    debtor_ref: str | None
    product: str | None
    source: str | None
    invoice_no: str | None


def _texts(fields: _Fields) -> _Texts:
    return _Texts(
        account_ref=fields.read("account_ref", _text, required=True),
        debtor_ref=fields.read("debtor_ref", _text),
        product=fields.read("product", _text),
        source=fields.read("source", _text),
        invoice_no=fields.read("invoice_no", _text),
    )


class _Dates(NamedTuple):
    opened_on: date | None
    due_on: date | None
    charged_off_on: date | None
    last_payment_on: date | None
    invoice_date: date | None


def _account_dates(fields: _Fields, formats: Formats) -> _Dates:
    parse = _dates(formats)
    return _Dates(
        opened_on=fields.read("opened_on", parse),
        due_on=fields.read("due_on", parse, required=True),
        charged_off_on=fields.read("charged_off_on", parse),
        last_payment_on=fields.read("last_payment_on", parse),
        invoice_date=fields.read("invoice_date", parse),
    )


def validate_account(
    row: int, canonical: dict[str, str | None], formats: Formats
) -> AccountRow | list[Rejection]:
    """A normalised account row, or one rejection per bad value of the row."""
    fields = _Fields(row, canonical)
    texts = _texts(fields)
    place = _place(fields)
    person = _person(fields, place.country, formats)
    money = _balances(fields, formats)
    dates = _account_dates(fields, formats)
    contacts = _contacts(fields, place, formats)
    if fields.problems:
        return fields.problems
    # No problems means every required value was read: none of the parts holds a None
    # where AccountRow needs a value. The parts' field names are AccountRow's.
    return AccountRow(
        row=row,
        **texts._asdict(),
        **person._asdict(),
        name_key=name_key(_present(person.name)),
        contacts=contacts,
        **place._asdict(),
        **money._asdict(),
        **dates._asdict(),
        row_hash=raw_row_hash(canonical, formats),
    )


# --------------------------------------------------------------------------- payments

_PAYMENT_KINDS = {
    "payment": "payment",
    "reversal": "reversal",
    "还款": "payment",
    "冲正": "reversal",
}


def _payment_kind(text: str) -> str:
    kind = _PAYMENT_KINDS.get(text.strip().casefold())
    if kind is None:
        raise FieldProblem("expected 'payment' or 'reversal'")
    return kind


def _method(text: str) -> str:
    """``Bank Transfer`` -> ``bank_transfer``: methods are compared as keys."""
    return "_".join(_text(text).casefold().replace("-", " ").split())


def validate_payment(
    row: int, canonical: dict[str, str | None], formats: Formats
) -> PaymentRow | list[Rejection]:
    """A normalised payment or reversal row, or one rejection per bad value."""
    fields = _Fields(row, canonical)
    account_ref = fields.read("account_ref", _text, required=True)
    reference = fields.read("reference", _text, required=True)
    currency = fields.read("currency", normalize_currency, required=True)
    amount = None
    if currency is not None:
        amount = fields.read("amount", _amounts(currency, formats, positive=True), required=True)
    else:
        fields.read("amount", _text, required=True)
    paid_on = fields.read("paid_on", _dates(formats), required=True)
    kind = fields.read("kind", _payment_kind) or "payment"
    reverses = fields.read("reverses", _text)
    if reverses is not None and kind != "reversal":
        fields.reject("reverses", reverses, "only a row of kind 'reversal' reverses a payment")
    elif reverses is not None and reverses == reference:
        fields.reject("reverses", reverses, "a reversal cannot reverse itself")
    method = fields.read("method", _method)
    if fields.problems:
        return fields.problems
    return PaymentRow(
        row=row,
        account_ref=_present(account_ref),
        amount=_present(amount),
        currency=_present(currency),
        paid_on=_present(paid_on),
        reference=_present(reference),
        method=method,
        kind=kind,
        reverses=reverses,
        row_hash=raw_row_hash(canonical, formats),
    )


# --------------------------------------------------------------------------- batches


def validate_batch(
    kind: str, plan: HeaderPlan, rows: list[RawRow], row_problems: dict[int, str]
) -> list[AccountRow | PaymentRow | list[Rejection]]:
    """Project and validate a batch of raw rows, in order; picklable for worker processes.

    A row the reader could not split into the right number of cells is rejected as a
    whole (field ``(row)``): its cells may sit under the wrong headers, so their values
    would only produce misleading problems.
    """
    validate = {"accounts": validate_account, "payments": validate_payment}.get(kind)
    if validate is None:
        raise ValueError(f"unknown import kind {kind!r}; expected 'accounts' or 'payments'")
    results: list[AccountRow | PaymentRow | list[Rejection]] = []
    for number, values in rows:
        problem = row_problems.get(number)
        if problem is not None:
            results.append([Rejection(number, "(row)", None, problem)])
        else:
            results.append(validate(number, project(plan, values), plan.formats))
    return results
