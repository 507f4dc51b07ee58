"""Promises to pay (PTP, 承诺还款): when a promise is acceptable and whether it was kept.

A promise is the debtor's word: "I will pay ¥1,500 by Friday". Two questions
are asked of it, both answered here without I/O, the date being a parameter:

* **Is it acceptable?** A client's policy bounds promises: not too far ahead
  (a promise for next year is a stall, not an arrangement), not too small (an
  absolute minimum and a share of the balance), never more than is owed.
  :func:`check_promise` names the limit a promise breaks.
* **Was it kept?** Every payment made from the day the promise was taken until
  the due date *plus grace days* counts (a transfer takes a day or two to
  arrive). A promise is ``kept`` as soon as the payments reach its amount, even
  before it is due; after the grace period it is ``partial`` when some money
  came and ``broken`` when none did; until then it is ``pending``.

Partial and broken promises both end the arrangement (the account goes back to
``active``); the strategy tells them apart through the promise status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from arrears.errors import N_, InvalidInput


class PromiseStatus(StrEnum):
    """Where a promise is: waiting, or how it ended."""

    PENDING = "pending"
    KEPT = "kept"
    PARTIAL = "partial"
    BROKEN = "broken"
    CANCELLED = "cancelled"


FINAL = frozenset({PromiseStatus.KEPT, PromiseStatus.PARTIAL, PromiseStatus.BROKEN,
                   PromiseStatus.CANCELLED})  # fmt: skip


@dataclass(frozen=True, slots=True)
class PromiseLimits:
    """What a client accepts as a promise (``payments.policy`` builds it from YAML)."""

    max_days_ahead: int
    min_amount_minor: int
    min_percent: Decimal  # of the balance, 0..1
    grace_days: int


@dataclass(frozen=True, slots=True)
class PromiseOutcome:
    """A promise judged on ``as_of``: its status, what was paid and what is missing."""

    status: PromiseStatus
    paid_minor: int
    short_minor: int
    resolved_on: date | None  # the day it was kept, or the last day of grace when it failed


def check_promise(
    *, amount_minor: int, due_on: date, balance_minor: int, as_of: date, limits: PromiseLimits
) -> None:
    """Raise InvalidInput naming the limit a promise breaks; return when it is acceptable."""
    if amount_minor <= 0:
        raise InvalidInput(
            N_("a promise must be for a positive amount, got %(amount)s"), amount=amount_minor
        )
    if amount_minor > balance_minor:
        raise InvalidInput(
            N_("the promise (%(amount)s) is more than the balance (%(balance)s)"),
            amount=amount_minor,
            balance=balance_minor,
        )
    if due_on < as_of:
        raise InvalidInput(
            N_("the promise date %(due)s is in the past (today is %(today)s)"),
            due=due_on.isoformat(),
            today=as_of.isoformat(),
        )
    latest = as_of + timedelta(days=limits.max_days_ahead)
    if due_on > latest:
        raise InvalidInput(
            N_(
                "max_days_ahead: a promise may be at most %(days)s days ahead (latest %(latest)s), "
                "not %(due)s"
            ),
            days=limits.max_days_ahead,
            latest=latest.isoformat(),
            due=due_on.isoformat(),
        )
    minimum = minimum_amount(balance_minor, limits)
    if amount_minor < minimum:
        raise InvalidInput(
            N_(
                "min_amount/min_percent: a promise must be at least %(minimum)s (the larger of "
                "%(floor)s and %(percent)s of the balance, at most the balance), got %(amount)s"
            ),
            minimum=minimum,
            floor=limits.min_amount_minor,
            percent=f"{limits.min_percent:%}",
            amount=amount_minor,
        )


def minimum_amount(balance_minor: int, limits: PromiseLimits) -> int:
    """The smallest acceptable promise: the larger of the two minimums, capped at the balance.

    The share of the balance is rounded up: a minimum is a floor, never undercut by rounding.
    """
    share = Decimal(balance_minor) * limits.min_percent
    by_share = int(share.to_integral_value(rounding=ROUND_CEILING))
    return min(balance_minor, max(limits.min_amount_minor, by_share))


def deadline(due_on: date, grace_days: int) -> date:
    """The last day a payment still counts toward a promise due on ``due_on``."""
    return due_on + timedelta(days=grace_days)


def evaluate_promise(
    *,
    amount_minor: int,
    made_on: date,
    due_on: date,
    payments: Iterable[tuple[date, int]],
    as_of: date,
    grace_days: int,
) -> PromiseOutcome:
    """Judge a promise on ``as_of`` from the payments ``(paid_on, amount_minor)`` received.

    Payments before the promise was made, after the grace period, or after
    ``as_of`` (not yet known on that day) do not count.
    """
    last_day = deadline(due_on, grace_days)
    counted = sorted(
        (day, amount) for day, amount in payments if made_on <= day <= min(last_day, as_of)
    )
    paid = 0
    for day, amount in counted:
        paid += amount
        if paid >= amount_minor:
            return PromiseOutcome(PromiseStatus.KEPT, paid, 0, day)
    short = amount_minor - paid
    if as_of <= last_day:
        return PromiseOutcome(PromiseStatus.PENDING, paid, short, None)
    status = PromiseStatus.PARTIAL if paid > 0 else PromiseStatus.BROKEN
    return PromiseOutcome(status, paid, short, last_day)


def reminder_due(due_on: date, as_of: date, days_before: int) -> bool:
    """True on the day a reminder of a promise (or instalment) due on ``due_on`` is sent."""
    return days_before > 0 and due_on - timedelta(days=days_before) == as_of
