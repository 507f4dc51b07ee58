"""The economics of a book of accounts, sampled in bulk with numpy.

A :class:`Book` holds one array per field: amounts as int64 minor units, dates
as ``datetime64[D]`` (NaT when absent). Everything is drawn per account at once:

* the product, by its share of the client's book;
* the balance, log-normal around the product's median, clipped to 2 %-60x of it;
* days past due from an :class:`Ageing` mixture (uniform inside each bucket,
  an exponential tail in the oldest one), or a due date 1-30 days ahead for the
  share not yet due;
* interest and fees proportional to balance and age (contract rate while the
  account accrues, default interest, late fees per 30 days, all capped);
* ``original_amount`` >= principal (part already paid down) and ``opened_on``
  a product-specific tenure before ``due_on`` (and before the as-of date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Days = npt.NDArray[np.datetime64]

NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Product:
    """A kind of debt and how its balances and charges behave.

    ``median`` is in major units. ``apr`` and ``penalty_apr`` (default interest,
    booked as fees) accrue for at most ``accrual_days`` past due; a late fee of
    ``late_fee_rate`` x principal is charged per 30 days, at most ``late_fee_cycles``
    times. ``paid_down`` bounds principal / original amount; ``tenure`` the days
    from opening to the oldest unpaid due date.
    """

    code: str
    share: float
    median: float
    sigma: float
    apr: float = 0.0
    penalty_apr: float = 0.0
    accrual_days: int = 0
    late_fee_rate: float = 0.0
    late_fee_cycles: int = 0
    paid_down: tuple[float, float] = (1.0, 1.0)
    tenure: tuple[int, int] = (60, 720)


@dataclass(frozen=True)
class Bucket:
    """Days past due from ``lo`` to ``hi``; uniform, or exponential with scale ``tail``."""

    lo: int
    hi: int
    weight: float
    tail: float | None = None


@dataclass(frozen=True)
class Ageing:
    """How old the debts are: a share not yet due (due in 1-30 days) and past-due buckets."""

    not_due: float
    buckets: tuple[Bucket, ...]


# A creditor's own book: mostly early, a long tail past two years.
FIRST_PARTY = Ageing(
    0.07,
    (
        Bucket(1, 30, 0.55),
        Bucket(31, 60, 0.15),
        Bucket(61, 90, 0.08),
        Bucket(91, 180, 0.12),
        Bucket(181, 900, 0.10, tail=220.0),
    ),
)

# Debts placed with a third-party agency: older, many charged off, some time-barred.
PLACED = Ageing(
    0.0,
    (
        Bucket(1, 30, 0.08),
        Bucket(31, 60, 0.10),
        Bucket(61, 90, 0.10),
        Bucket(91, 180, 0.25),
        Bucket(181, 2000, 0.47, tail=360.0),
    ),
)


@dataclass
class Book:
    """n accounts' products, amounts (minor units) and dates, one array per field."""

    product: list[str]
    principal: I64
    interest: I64
    fees: I64
    costs: I64
    original: I64
    dpd: I64
    opened_on: Days
    due_on: Days
    charged_off_on: Days
    last_payment_on: Days
    last_payment_amount: I64

    def __len__(self) -> int:
        return len(self.product)


def day(d: date) -> np.datetime64:
    """A date as numpy day."""
    return np.datetime64(d, "D")


def to_dates(values: Days) -> list[date | None]:
    """numpy days as dates (None for NaT)."""
    return list(values.astype("datetime64[D]").astype(object))


def sample_products(rng: np.random.Generator, n: int, products: tuple[Product, ...]) -> I64:
    """Index into ``products`` per account, by share."""
    shares = np.array([p.share for p in products])
    return rng.choice(len(products), size=n, p=shares / shares.sum()).astype(np.int64)


def sample_balances(rng: np.random.Generator, medians: F64, sigmas: F64, unit: int = 100) -> I64:
    """Log-normal balances around per-account medians, in minor units."""
    major = rng.lognormal(np.log(medians), sigmas)
    major = np.clip(major, medians * 0.02, medians * 60.0)
    return np.rint(major * unit).astype(np.int64)


def sample_dpd(rng: np.random.Generator, n: int, ageing: Ageing) -> I64:
    """Days past due; negative for accounts not yet due (due in 1-30 days)."""
    weights = np.array([ageing.not_due] + [b.weight * (1 - ageing.not_due) for b in ageing.buckets])
    which = rng.choice(len(weights), size=n, p=weights / weights.sum())
    dpd = -rng.integers(1, 31, size=n)
    for k, bucket in enumerate(ageing.buckets, start=1):
        hit = which == k
        dpd[hit] = _bucket_days(rng, bucket, int(hit.sum()))
    return dpd.astype(np.int64)


def _bucket_days(rng: np.random.Generator, bucket: Bucket, n: int) -> I64:
    if bucket.tail is None:
        return rng.integers(bucket.lo, bucket.hi + 1, size=n)
    days = bucket.lo + np.floor(rng.exponential(bucket.tail, size=n)).astype(np.int64)
    return np.minimum(days, bucket.hi)


def _param(products: tuple[Product, ...], idx: I64, name: str) -> F64:
    return np.array([float(getattr(p, name)) for p in products])[idx]


def charges(principal: I64, dpd: I64, products: tuple[Product, ...], idx: I64) -> tuple[I64, I64]:
    """Interest and fees in minor units, proportional to principal and age, capped."""
    accrued = np.clip(dpd, 0, _param(products, idx, "accrual_days")) / 365.0
    cycles = np.clip(np.ceil(dpd / 30.0), 0, _param(products, idx, "late_fee_cycles"))
    interest = np.rint(principal * _param(products, idx, "apr") * accrued)
    penalty = principal * _param(products, idx, "penalty_apr") * accrued
    late = principal * _param(products, idx, "late_fee_rate") * cycles
    return interest.astype(np.int64), np.rint(penalty + late).astype(np.int64)


def sample_book(
    rng: np.random.Generator,
    n: int,
    products: tuple[Product, ...],
    ageing: Ageing,
    as_of: date,
    unit: int = 100,
) -> Book:
    """Draw the economics of ``n`` accounts."""
    idx = sample_products(rng, n, products)
    principal = sample_balances(
        rng, _param(products, idx, "median"), _param(products, idx, "sigma"), unit
    )
    dpd = sample_dpd(rng, n, ageing)
    interest, fees = charges(principal, dpd, products, idx)
    lo = np.array([p.paid_down[0] for p in products])[idx]
    hi = np.array([p.paid_down[1] for p in products])[idx]
    original = np.ceil(principal / rng.uniform(lo, hi)).astype(np.int64)
    t_lo = np.array([p.tenure[0] for p in products])[idx]
    t_hi = np.array([p.tenure[1] for p in products])[idx]
    due_on = day(as_of) - dpd.astype("timedelta64[D]")
    opened = due_on - rng.integers(t_lo, t_hi + 1).astype("timedelta64[D]")
    opened = np.minimum(opened, day(as_of) - np.timedelta64(1, "D"))
    return Book(
        product=[products[i].code for i in idx],
        principal=principal,
        interest=interest,
        fees=fees,
        costs=np.zeros(n, dtype=np.int64),
        original=np.maximum(original, principal),
        dpd=dpd,
        opened_on=opened,
        due_on=due_on,
        charged_off_on=np.full(n, NAT),
        last_payment_on=np.full(n, NAT),
        last_payment_amount=np.zeros(n, dtype=np.int64),
    )


def charge_off(book: Book, after_days: int) -> None:
    """Set ``charged_off_on`` = due date + ``after_days`` for accounts older than that."""
    old = book.dpd > after_days
    book.charged_off_on[old] = book.due_on[old] + np.timedelta64(after_days, "D")


def older_last_payments(
    rng: np.random.Generator,
    book: Book,
    candidates: npt.NDArray[np.bool_],
    share: float,
    as_of: date,
) -> None:
    """Give ``share`` of the candidates a last payment after opening, before the due date."""
    pick = candidates & (rng.random(len(book)) < share)
    lo = book.opened_on + np.timedelta64(1, "D")
    hi = np.minimum(book.due_on, day(as_of))
    pick &= hi > lo
    span = (hi - lo).astype(np.int64)
    offset = np.floor(rng.random(len(book)) * np.maximum(span, 1)).astype("timedelta64[D]")
    fraction = rng.uniform(0.03, 0.2, size=len(book))
    amount = np.maximum(np.rint(book.principal * fraction), 1).astype(np.int64)
    book.last_payment_on[pick] = (lo + offset)[pick]
    book.last_payment_amount[pick] = amount[pick]


def assign_owners(rng: np.random.Generator, n: int, multi_share: float) -> I64:
    """Owner (debtor) index per account: ``multi_share`` of debtors hold 2-3 accounts."""
    p_multi = [1 - multi_share, multi_share * 0.7, multi_share * 0.3]
    counts = rng.choice([1, 2, 3], size=n, p=p_multi)
    owners = np.repeat(np.arange(n, dtype=np.int64), counts)[:n]
    return owners
