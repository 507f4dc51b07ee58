"""Account rows: one canonical row of an accounts file to an :class:`.model.AccountRow`.

The row is read in parts — references and texts, the place, the person or
company, the balances, the dates and the contact points — each part collecting
its problems; the row is accepted only when no part found one. The place gives
the jurisdiction, language and time zones when the row does not state them; a
China resident id gives the birth date, or checks the one written. Phones and
e-mails may be several to a cell, and duplicates (after normalising) are kept
once; one bad contact rejects the row, because dropping it would lose a contact
point the creditor gave us.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from arrears.compliance.places import zones_for_place
from arrears.core.identity import cn_id_birth_date
from arrears.ingest import geo
from arrears.ingest.mapping import Formats
from arrears.ingest.normalize import (
    FieldProblem,
    PhoneInfo,
    clean_identifier,
    name_key,
    normalize_currency,
    normalize_email,
    normalize_name,
    normalize_national_id,
    normalize_phone,
    split_multi,
)
from arrears.ingest.normalize.identity import resident_id_problem
from arrears.ingest.rows.fields import _amounts, _dates, _Fields, _present, _text
from arrears.ingest.rows.model import AccountRow, ContactValue, Rejection, raw_row_hash

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
        time_zones=zones_for_place(country, region),
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
    if len(national_id) != 18 or resident_id_problem(national_id) is not None:
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
    contacts, problems = contact_values(
        fields.raw("phones"),
        fields.raw("emails"),
        fields.raw("address"),
        place.address,
        place.country,
        place.time_zones,
        place.country or formats.default_region,
    )
    for field, value, reason in problems:
        fields.reject(field, value, reason)
    return contacts


def contact_values(
    phones: str | None,
    emails: str | None,
    raw_address: str | None,
    address: str | None,
    country: str | None,
    time_zones: tuple[str, ...],
    region: str | None,
    read_phone: Callable[[str, str | None], PhoneInfo] = normalize_phone,
) -> tuple[tuple[ContactValue, ...], list[tuple[str, str, str]]]:
    """A row's contact points and its (field, value, reason) problems.

    Shared by the row validator and the columnar one (``rows.columns``), so both read
    contact cells the same way: national phone numbers in ``region``, duplicates (after
    normalising) kept once, phones first, then e-mails, then the address. The row
    validator reads each phone with ``normalize_phone``; the columnar one by number
    block (``normalize_phone_by_block``, the same results), and every import test
    compares the two.
    """
    found: dict[tuple[str, str], ContactValue] = {}
    problems: list[tuple[str, str, str]] = []
    for part in split_multi(phones):
        try:
            info = read_phone(part, region)
        except FieldProblem as exc:
            problems.append(("phones", part, exc.reason))
            continue
        kind = info.line_type if info.line_type in ("mobile", "landline") else "phone"
        contact = ContactValue(kind, info.e164, info.line_type, info.region, info.time_zones, part)
        found.setdefault(("phone", contact.value), contact)
    for part in split_multi(emails):
        try:
            email = normalize_email(part)
        except FieldProblem as exc:
            problems.append(("emails", part, exc.reason))
            continue
        found.setdefault(
            ("email", email.casefold()), ContactValue("email", email, None, None, (), part)
        )
    if address is not None:
        raw = raw_address or address
        point = ContactValue("address", address, None, country, time_zones, raw)
        found.setdefault(("address", address), point)
    return tuple(found.values()), problems


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
    row: int, canonical: dict[str, str | None], formats: Formats, row_hash: str | None = None
) -> AccountRow | list[Rejection]:
    """A normalised account row, or one rejection per bad value of the row.

    ``row_hash`` is the row's :func:`.model.raw_row_hash` when the caller has it already.
    """
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
        row_hash=row_hash or raw_row_hash(canonical, formats),
    )
