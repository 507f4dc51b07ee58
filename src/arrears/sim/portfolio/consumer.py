"""The consumer pipeline shared by the Chinese, US and UK clients.

One call turns a :class:`ConsumerSpec` into canonical rows:

1. debtors: about ``multi_share`` of them hold 2-3 accounts, which share the
   ``debtor_ref`` and all personal data;
2. the book: products, balances, ageing and charges (:mod:`book`);
3. conflicts and bad rows (:mod:`defects`), chosen before any payment so that no
   payment lands on a row meant to be rejected;
4. payments (:mod:`payments`), which also set the last payment; a further 8 %
   of the accounts without one get an older last payment, so about 40 % have one;
5. the rows, as dicts of canonical column -> :data:`Cell`, then spoiled.

Formatting into a file is the client module's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import numpy as np
import numpy.typing as npt

from arrears.sim.portfolio.book import (
    Ageing,
    Book,
    Product,
    assign_owners,
    charge_off,
    older_last_payments,
    sample_book,
    to_dates,
)
from arrears.sim.portfolio.defects import (
    CONFLICT_RATE,
    pick_rows,
    spoil,
    swapped_birth_date,
)
from arrears.sim.portfolio.formats import DateText, Row
from arrears.sim.portfolio.model import Defect, DemoClient
from arrears.sim.portfolio.payments import (
    Payment,
    PaymentPlan,
    payment_rows,
    record_last_payments,
    sample_payments,
)
from arrears.sim.portfolio.people import Person

OLDER_LAST_PAYMENT_SHARE = 0.08


class PersonSource(Protocol):
    """Anything that makes people (see :mod:`people`)."""

    def person(self) -> Person: ...


@dataclass(frozen=True)
class ConsumerSpec:
    """What differs between consumer clients."""

    client: DemoClient
    products: tuple[Product, ...]
    ageing: Ageing
    sources: tuple[tuple[str, float], ...]
    payments: PaymentPlan
    account_ref: Callable[[int, str, date], str]
    debtor_ref: Callable[[int], str]
    payment_ref: Callable[[int, Payment], str]
    account_defects: tuple[str, ...]
    payment_defects: tuple[str, ...]
    account_dates: DateText
    payment_dates: DateText
    multi_share: float = 0.10
    conflict_fields: tuple[str, ...] = ()
    charge_off_after: int | None = None
    adjust: Callable[[np.random.Generator, Book], None] | None = None


@dataclass
class Portfolio:
    """Canonical rows of one client, with what was deliberately done to them."""

    accounts: list[Row]
    payments: list[Row]
    account_defects: list[Defect] = field(default_factory=list)
    payment_defects: list[Defect] = field(default_factory=list)
    conflicts: list[Defect] = field(default_factory=list)


def build_consumers(
    spec: ConsumerSpec, people: PersonSource, n: int, seed: int, as_of: date
) -> Portfolio:
    """The accounts and payments of ``n`` consumer accounts."""
    rng = np.random.default_rng([seed, 11])
    owners = assign_owners(rng, n, spec.multi_share)
    persons = [people.person() for _ in range(int(owners[-1]) + 1 if n else 0)]
    book = _book(spec, rng, n, as_of)
    conflicted, bad = _flawed_rows(spec, rng, owners)
    eligible = np.ones(n, dtype=bool)
    eligible[bad] = False
    payments = sample_payments(rng, book, eligible, as_of, spec.payments)
    record_last_payments(book, payments)
    older_last_payments(rng, book, np.isnat(book.last_payment_on), OLDER_LAST_PAYMENT_SHARE, as_of)
    refs = _account_refs(spec, book)
    rows = _rows(spec, book, persons, owners, refs, _sources(rng, spec.sources, n))
    fields = spec.conflict_fields
    conflicts = [
        _conflict(rows[int(i)], int(i), fields[k % len(fields)], people)
        for k, i in enumerate(conflicted)
    ]
    account_defects = spoil(rows, bad, spec.account_defects, spec.account_dates)
    pay_rows, payment_defects = payment_rows(
        rng,
        payments,
        reference=spec.payment_ref,
        account_refs=refs,
        currency=spec.client.currency,
        defects=spec.payment_defects,
        dates=spec.payment_dates,
    )
    return Portfolio(rows, pay_rows, account_defects, payment_defects, conflicts)


def _book(spec: ConsumerSpec, rng: np.random.Generator, n: int, as_of: date) -> Book:
    book = sample_book(rng, n, spec.products, spec.ageing, as_of)
    if spec.charge_off_after is not None:
        charge_off(book, spec.charge_off_after)
    if spec.adjust is not None:
        spec.adjust(rng, book)
    return book


def _flawed_rows(
    spec: ConsumerSpec, rng: np.random.Generator, owners: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows to make conflicting (later accounts of a debtor) and to spoil (sole accounts)."""
    if not len(owners):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    later = np.r_[False, owners[1:] == owners[:-1]]
    single = np.bincount(owners)[owners] == 1
    conflicted = pick_rows(rng, later, CONFLICT_RATE) if spec.conflict_fields else later[:0]
    return conflicted.astype(np.int64), pick_rows(rng, single)


def _account_refs(spec: ConsumerSpec, book: Book) -> list[str]:
    opened = to_dates(book.opened_on)
    return [
        spec.account_ref(i + 1, product, d or date.min)
        for i, (product, d) in enumerate(zip(book.product, opened, strict=True))
    ]


def _sources(rng: np.random.Generator, sources: tuple[tuple[str, float], ...], n: int) -> list[str]:
    names = [s for s, _ in sources]
    weights = np.array([w for _, w in sources])
    return [names[int(k)] for k in rng.choice(len(names), size=n, p=weights / weights.sum())]


def _rows(
    spec: ConsumerSpec,
    book: Book,
    persons: list[Person],
    owners: npt.NDArray[np.int64],
    refs: list[str],
    sources: list[str],
) -> list[Row]:
    dates = {
        name: to_dates(getattr(book, name))
        for name in ("opened_on", "due_on", "charged_off_on", "last_payment_on")
    }
    rows = []
    for i, owner in enumerate(owners):
        person = persons[int(owner)]
        row = person_cells(person)
        has_paid = dates["last_payment_on"][i] is not None
        row.update(
            account_ref=refs[i],
            debtor_ref=spec.debtor_ref(int(owner) + 1),
            currency=spec.client.currency,
            principal=int(book.principal[i]),
            interest=int(book.interest[i]),
            fees=int(book.fees[i]),
            costs=int(book.costs[i]),
            original_amount=int(book.original[i]),
            last_payment_amount=int(book.last_payment_amount[i]) if has_paid else None,
            product=book.product[i],
            source=sources[i],
            **{name: values[i] for name, values in dates.items()},
        )
        rows.append(row)
    return rows


def person_cells(person: Person, separator: str = ";") -> Row:
    """The personal columns of an account row."""
    return {
        "debtor_kind": person.kind,
        "name": person.name,
        "national_id": person.national_id,
        "birth_date": person.birth_date,
        "phones": separator.join(person.phones) or None,
        "emails": separator.join(person.emails) or None,
        "address": person.address,
        "city": person.city,
        "region": person.region,
        "postal_code": person.postal_code,
        "country": person.country,
        "language": person.language,
        "jurisdiction": person.jurisdiction,
    }


def _conflict(row: Row, index: int, wanted: str, people: PersonSource) -> Defect:
    """Re-source the row from skip tracing with one piece of personal data changed."""
    born = row.get("birth_date")
    what = wanted if wanted != "birth_date" or isinstance(born, date) else "phones"
    fresh = people.person()
    if what == "birth_date" and isinstance(born, date):
        row["birth_date"] = swapped_birth_date(born)
    elif what == "address":
        row.update(address=fresh.address, city=fresh.city, region=fresh.region)
        row.update(postal_code=fresh.postal_code, jurisdiction=fresh.jurisdiction)
    elif what == "emails" and fresh.emails:
        row["emails"] = fresh.emails[0]
    else:
        what = "phones"
        row["phones"] = fresh.phones[0]
    row["source"] = "skip_trace"
    return Defect(index + 1, what, "conflict")
