"""Payments received on the demo accounts in the 180 days before the as-of date.

About 35 % of the (valid) accounts paid something: 1-4 payments dated after
the account was opened and no later than the as-of date. Together they come to
5-45 % of the principal, so the balance stays positive whatever order they are
applied in, and each is at least one unit of currency. Most people pay round
sums; the rest pay exact amounts. A few
payments bounce and are followed by a reversal row (``kind`` = ``reversal``,
``reverses`` = the original reference) a few days later. The newest payment
that was not reversed becomes the account's ``last_payment_on`` / ``_amount``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from arrears.sim.portfolio.book import Book, day, to_dates
from arrears.sim.portfolio.defects import pick_rows, spoil
from arrears.sim.portfolio.formats import DateText, Row
from arrears.sim.portfolio.model import Defect

WINDOW_DAYS = 180


@dataclass(frozen=True)
class PaymentPlan:
    """How a client's debtors pay: share paying, methods, bounced payments."""

    methods: tuple[tuple[str, float], ...]
    share: float = 0.35
    reversal_share: float = 0.0
    round_share: float = 0.6


@dataclass
class Payment:
    """One payment (or reversal) row before it is written."""

    account: int
    amount: int
    paid_on: date
    method: str
    kind: str = "payment"
    reverses: Payment | None = None
    reference: str = ""


def sample_payments(
    rng: np.random.Generator,
    book: Book,
    eligible: npt.NDArray[np.bool_],
    as_of: date,
    plan: PaymentPlan,
    unit: int = 100,
) -> list[Payment]:
    """Payments for the eligible accounts, in date order (not yet referenced)."""
    payers = np.flatnonzero(eligible & (rng.random(len(book)) < plan.share))
    window_start = day(as_of) - np.timedelta64(WINDOW_DAYS - 1, "D")
    starts = to_dates(np.maximum(window_start, book.opened_on + np.timedelta64(1, "D")))
    names = [m for m, _ in plan.methods]
    weights = np.array([w for _, w in plan.methods])
    out: list[Payment] = []
    for i in payers:
        start = starts[i]
        if start is None or start > as_of:
            continue
        out.extend(_account_payments(rng, int(i), int(book.principal[i]), start, as_of, plan, unit))
    for p in out:
        p.method = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    out.extend(_reversals(rng, out, plan.reversal_share, as_of))
    out.sort(key=lambda p: (p.paid_on, p.account, p.kind))
    return out


def _account_payments(
    rng: np.random.Generator,
    account: int,
    principal: int,
    start: date,
    as_of: date,
    plan: PaymentPlan,
    unit: int,
) -> list[Payment]:
    k = int(rng.choice([1, 2, 3, 4], p=[0.4, 0.3, 0.2, 0.1]))
    total = int(principal * rng.uniform(0.05, 0.45))
    parts = np.floor(total * rng.dirichlet(np.full(k, 4.0))).astype(np.int64)
    span = (as_of - start).days
    offsets = np.sort(rng.integers(0, span + 1, size=k))
    payments = []
    for part, offset in zip(parts, offsets, strict=True):
        amount = _rounded(int(part), unit, rng.random() < plan.round_share)
        if amount >= unit:
            payments.append(Payment(account, amount, start + timedelta(int(offset)), ""))
    return payments


def _rounded(amount: int, unit: int, round_it: bool) -> int:
    """People pay round sums: down to tens of units (or whole units) when asked."""
    if not round_it:
        return amount
    for step in (10 * unit, unit):
        if amount >= step:
            return amount // step * step
    return amount


def _reversals(
    rng: np.random.Generator, payments: list[Payment], share: float, as_of: date
) -> list[Payment]:
    out = []
    for p in payments:
        if share and rng.random() < share:
            when = min(as_of, p.paid_on + timedelta(int(rng.integers(1, 11))))
            out.append(Payment(p.account, p.amount, when, p.method, "reversal", reverses=p))
    return out


def reference_payments(payments: list[Payment], make: Callable[[int, Payment], str]) -> None:
    """Give every payment its reference, unique within the client."""
    for seq, p in enumerate(payments, start=1):
        p.reference = make(seq, p)


def record_last_payments(book: Book, payments: list[Payment]) -> None:
    """The newest payment that was not reversed sets the account's last payment."""
    reversed_ids = {id(p.reverses) for p in payments if p.reverses is not None}
    for p in payments:
        if p.kind != "payment" or id(p) in reversed_ids:
            continue
        last = book.last_payment_on[p.account]
        if np.isnat(last) or day(p.paid_on) >= last:
            book.last_payment_on[p.account] = day(p.paid_on)
            book.last_payment_amount[p.account] = p.amount


def payment_row(p: Payment, account_ref: str, currency: str) -> Row:
    """The canonical payments row."""
    return {
        "account_ref": account_ref,
        "amount": p.amount,
        "currency": currency,
        "paid_on": p.paid_on,
        "reference": p.reference,
        "method": p.method,
        "kind": p.kind,
        "reverses": p.reverses.reference if p.reverses is not None else None,
    }


def payment_rows(
    rng: np.random.Generator,
    payments: list[Payment],
    *,
    reference: Callable[[int, Payment], str],
    account_refs: list[str],
    currency: str,
    defects: tuple[str, ...],
    dates: DateText,
) -> tuple[list[Row], list[Defect]]:
    """Referenced canonical rows of the payments, about 0.3 % of them spoiled."""
    reference_payments(payments, reference)
    rows = [payment_row(p, account_refs[p.account], currency) for p in payments]
    if not payments:
        return rows, []
    bad = pick_rows(rng, ~is_reversed_or_reversal(payments))
    return rows, spoil(rows, bad, defects, dates)


def is_reversed_or_reversal(payments: list[Payment]) -> npt.NDArray[np.bool_]:
    """Mask of payments that take part in a reversal (kept clear of deliberate defects)."""
    reversed_ids = {id(p.reverses) for p in payments if p.reverses is not None}
    return np.array([p.kind != "payment" or id(p) in reversed_ids for p in payments], dtype=bool)
