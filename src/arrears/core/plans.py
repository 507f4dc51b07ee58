"""Payment plans (分期还款): offers, instalment schedules, payments, misses, early payoff.

A plan turns a balance into a **schedule**: an optional down payment, then a
number of instalments due weekly, fortnightly or monthly. A client's policy
(:class:`PlanRules`) bounds the offer: the longest term, the smallest
instalment, the down payment, and whether the plan carries interest.

Interest, when there is any, is one of two conventions:

* ``flat`` — simple interest on the amount financed for the whole term, spread
  evenly over the instalments (common for consumer instalments in China);
* ``annuity`` — equal instalments amortising the amount financed at the
  periodic rate (rate / periods a year), interest on the declining balance.

Rates are Decimals; every amount is rounded once through
:func:`arrears.core.money.round_minor` (via ``Money.times``). Even splits give
the first instalments the same amount and the **last one the remainder**, so
a schedule always adds up exactly to what is owed — a property the tests prove.

Payments fill instalments in order (oldest first); a reversal takes money back
from the newest paid instalment. An instalment unpaid ``grace_days`` after its
due date is *missed*; a plan with ``misses_to_break`` missed instalments is
*broken*. Paying a plan off early forgives the interest of the instalments not
yet due (only their principal is owed).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum

from arrears.core.money import Money
from arrears.errors import InvalidInput


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


PERIODS_PER_YEAR = {Frequency.WEEKLY: 52, Frequency.FORTNIGHTLY: 26, Frequency.MONTHLY: 12}


class InterestMethod(StrEnum):
    NONE = "none"
    FLAT = "flat"
    ANNUITY = "annuity"


class InstalmentStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    PAID = "paid"
    MISSED = "missed"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    MISSED = "missed"  # at least one instalment missed, not yet broken
    BROKEN = "broken"
    COMPLETED = "completed"
    PAID_OFF = "paid_off"  # paid early in one payment
    CANCELLED = "cancelled"


CLOSED_PLAN = frozenset({PlanStatus.BROKEN, PlanStatus.COMPLETED, PlanStatus.PAID_OFF,
                         PlanStatus.CANCELLED})  # fmt: skip


@dataclass(frozen=True, slots=True)
class PlanRules:
    """A client's plan policy (``payments.policy`` builds it from YAML)."""

    max_term_months: int
    min_instalment_minor: int
    frequencies: tuple[Frequency, ...]
    down_payment_percent: Decimal = Decimal(0)
    down_payment_min_minor: int = 0
    interest_method: InterestMethod = InterestMethod.NONE
    annual_rate: Decimal = Decimal(0)
    first_due_days: int = 7
    grace_days: int = 3
    misses_to_break: int = 2


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What a plan is: the amount financed after the down payment and how it is repaid."""

    currency: str
    financed_minor: int
    down_payment_minor: int
    count: int
    frequency: Frequency
    first_due_on: date
    interest_method: InterestMethod = InterestMethod.NONE
    annual_rate: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Instalment:
    """One payment of a schedule, with what has been paid on it so far."""

    number: int
    due_on: date
    amount_minor: int
    principal_minor: int
    interest_minor: int
    paid_minor: int = 0

    @property
    def unpaid_minor(self) -> int:
        return self.amount_minor - self.paid_minor

    @property
    def is_paid(self) -> bool:
        return self.paid_minor >= self.amount_minor


@dataclass(frozen=True, slots=True)
class PlanOffer:
    """Terms and their schedule, as shown to a debtor or a collector."""

    terms: PlanTerms
    instalments: tuple[Instalment, ...]

    @property
    def total_minor(self) -> int:
        return sum(i.amount_minor for i in self.instalments)

    @property
    def interest_minor(self) -> int:
        return sum(i.interest_minor for i in self.instalments)

    @property
    def instalment_minor(self) -> int:
        """The regular instalment (the first one after any down payment)."""
        regular = self.instalments[1 if self.terms.down_payment_minor else 0]
        return regular.amount_minor


@dataclass(frozen=True, slots=True)
class PlanState:
    status: PlanStatus
    missed: int
    next_due: Instalment | None


def add_periods(start: date, frequency: Frequency, k: int) -> date:
    """``start`` moved ``k`` periods on; monthly keeps the day, clamped to the month's end."""
    if frequency is Frequency.WEEKLY:
        return start + timedelta(weeks=k)
    if frequency is Frequency.FORTNIGHTLY:
        return start + timedelta(weeks=2 * k)
    months = start.month - 1 + k
    year, month = start.year + months // 12, months % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def split_last_takes_rest(total: int, n: int) -> list[int]:
    """``n`` parts adding up to ``total``: equal parts, the last one taking the remainder."""
    if n < 1:
        raise InvalidInput(f"a plan needs at least one instalment, not {n}")
    base = total // n
    return [base] * (n - 1) + [total - base * (n - 1)]


def _flat(terms: PlanTerms) -> list[tuple[int, int]]:
    years = Decimal(terms.count) / Decimal(PERIODS_PER_YEAR[terms.frequency])
    interest = Money(terms.financed_minor, terms.currency).times(terms.annual_rate * years).minor
    principal = split_last_takes_rest(terms.financed_minor, terms.count)
    return list(zip(principal, split_last_takes_rest(interest, terms.count), strict=True))


def _annuity(terms: PlanTerms) -> list[tuple[int, int]]:
    r = terms.annual_rate / Decimal(PERIODS_PER_YEAR[terms.frequency])
    if r == 0:
        return [(p, 0) for p in split_last_takes_rest(terms.financed_minor, terms.count)]
    factor = r / (1 - (1 + r) ** -terms.count)
    payment = Money(terms.financed_minor, terms.currency).times(factor).minor
    balance, parts = terms.financed_minor, []
    for _ in range(terms.count - 1):
        interest = Money(balance, terms.currency).times(r).minor
        principal = min(balance, max(0, payment - interest))
        parts.append((principal, interest))
        balance -= principal
    parts.append((balance, Money(balance, terms.currency).times(r).minor))
    return parts


def schedule(terms: PlanTerms) -> tuple[Instalment, ...]:
    """The instalments of ``terms``: the down payment first (if any), then the regular ones."""
    if terms.count < 1 or terms.financed_minor < 0 or terms.down_payment_minor < 0:
        raise InvalidInput("a plan needs at least one instalment and no negative amounts")
    if terms.interest_method is InterestMethod.FLAT:
        parts = _flat(terms)
    elif terms.interest_method is InterestMethod.ANNUITY:
        parts = _annuity(terms)
    else:
        parts = [(p, 0) for p in split_last_takes_rest(terms.financed_minor, terms.count)]
    rows: list[Instalment] = []
    start = terms.first_due_on
    if terms.down_payment_minor:
        rows.append(Instalment(1, start, terms.down_payment_minor, terms.down_payment_minor, 0))
        start = add_periods(start, terms.frequency, 1)
    for k, (principal, interest) in enumerate(parts):
        due = add_periods(start, terms.frequency, k)
        rows.append(Instalment(len(rows) + 1, due, principal + interest, principal, interest))
    return tuple(rows)


def down_payment(balance_minor: int, rules: PlanRules) -> int:
    """The smallest down payment the rules ask for (a share rounded up, at least the minimum)."""
    share = Decimal(balance_minor) * rules.down_payment_percent
    wanted = max(rules.down_payment_min_minor, int(share.to_integral_value(ROUND_CEILING)))
    return min(balance_minor, wanted)


def max_count(frequency: Frequency, rules: PlanRules) -> int:
    """The most instalments the longest term allows at ``frequency``."""
    return rules.max_term_months * PERIODS_PER_YEAR[frequency] // 12


def plan_offers(
    *, balance_minor: int, currency: str, rules: PlanRules, as_of: date
) -> list[PlanOffer]:
    """Standard offers: per allowed frequency the longest term, about half of it, and three.

    Counts that would make an instalment smaller than the minimum are left out;
    a balance too small for two instalments gets no plan (a promise fits better).
    """
    down = down_payment(balance_minor, rules)
    financed = balance_minor - down
    offers = []
    for frequency in rules.frequencies:
        longest = min(max_count(frequency, rules), financed // max(rules.min_instalment_minor, 1))
        for count in sorted({longest, (longest + 1) // 2, min(3, longest)}, reverse=True):
            if count >= 2:
                terms = _terms(currency, financed, down, count, frequency, rules, as_of)
                offers.append(PlanOffer(terms, schedule(terms)))
    return offers


def _terms(
    currency: str, financed: int, down: int, count: int, frequency: Frequency,
    rules: PlanRules, as_of: date,
) -> PlanTerms:  # fmt: skip
    return PlanTerms(
        currency=currency, financed_minor=financed, down_payment_minor=down, count=count,
        frequency=frequency, first_due_on=as_of + timedelta(days=rules.first_due_days),
        interest_method=rules.interest_method, annual_rate=rules.annual_rate,
    )  # fmt: skip


def custom_offer(
    *,
    balance_minor: int,
    currency: str,
    rules: PlanRules,
    as_of: date,
    count: int,
    frequency: Frequency,
    down_payment_minor: int | None = None,
    first_due_on: date | None = None,
) -> PlanOffer:
    """An offer on terms a person chose, or InvalidInput naming the rule they break."""
    down = down_payment(balance_minor, rules) if down_payment_minor is None else down_payment_minor
    _check_custom(balance_minor, rules, count, frequency, down)
    terms = _terms(currency, balance_minor - down, down, count, frequency, rules, as_of)
    if first_due_on is not None:
        if not as_of <= first_due_on <= as_of + timedelta(days=rules.first_due_days):
            raise InvalidInput(
                f"first_due_days: the first payment must fall within "
                f"{rules.first_due_days} days, not on {first_due_on}"
            )
        terms = replace(terms, first_due_on=first_due_on)
    offer = PlanOffer(terms, schedule(terms))
    if offer.instalment_minor < rules.min_instalment_minor:
        raise InvalidInput(
            f"min_instalment: an instalment of {offer.instalment_minor} is below the minimum "
            f"{rules.min_instalment_minor}"
        )
    return offer


def _check_custom(
    balance_minor: int, rules: PlanRules, count: int, frequency: Frequency, down: int
) -> None:
    if frequency not in rules.frequencies:
        allowed = ", ".join(f.value for f in rules.frequencies)
        raise InvalidInput(f"frequencies: {frequency.value} is not offered (allowed: {allowed})")
    if not 2 <= count <= max_count(frequency, rules):
        raise InvalidInput(
            f"max_term_months: {count} {frequency.value} instalments is outside 2.."
            f"{max_count(frequency, rules)} (a term of at most {rules.max_term_months} months)"
        )
    needed = down_payment(balance_minor, rules)
    if not needed <= down < balance_minor:
        raise InvalidInput(
            f"down_payment: must be at least {needed} and less than the balance, got {down}"
        )


def apply_payment(
    instalments: Sequence[Instalment], amount_minor: int
) -> tuple[tuple[Instalment, ...], int]:
    """Fill instalments oldest first; returns the new instalments and what is left over."""
    left, result = amount_minor, []
    for item in sorted(instalments, key=lambda i: i.number):
        take = min(left, max(0, item.unpaid_minor))
        result.append(replace(item, paid_minor=item.paid_minor + take) if take else item)
        left -= take
    return tuple(result), left


def unapply_payment(
    instalments: Sequence[Instalment], amount_minor: int
) -> tuple[tuple[Instalment, ...], int]:
    """Take ``amount_minor`` back, newest paid instalment first (a reversal); returns the rest."""
    left, result = amount_minor, []
    for item in sorted(instalments, key=lambda i: i.number, reverse=True):
        take = min(left, item.paid_minor)
        result.append(replace(item, paid_minor=item.paid_minor - take) if take else item)
        left -= take
    return tuple(sorted(result, key=lambda i: i.number)), left


def instalment_status(item: Instalment, as_of: date, grace_days: int) -> InstalmentStatus:
    if item.is_paid:
        return InstalmentStatus.PAID
    if as_of > item.due_on + timedelta(days=grace_days):
        return InstalmentStatus.MISSED
    return InstalmentStatus.DUE if item.due_on <= as_of else InstalmentStatus.UPCOMING


def plan_state(
    instalments: Sequence[Instalment], as_of: date, grace_days: int, misses_to_break: int
) -> PlanState:
    """Active, missed, broken or completed on ``as_of``, with the next instalment to pay."""
    statuses = [(i, instalment_status(i, as_of, grace_days)) for i in instalments]
    missed = sum(1 for _, s in statuses if s is InstalmentStatus.MISSED)
    unpaid = sorted((i for i, s in statuses if s is not InstalmentStatus.PAID),
                    key=lambda i: i.number)  # fmt: skip
    next_due = unpaid[0] if unpaid else None
    if next_due is None:
        return PlanState(PlanStatus.COMPLETED, 0, None)
    if missed >= misses_to_break:
        return PlanState(PlanStatus.BROKEN, missed, next_due)
    return PlanState(PlanStatus.MISSED if missed else PlanStatus.ACTIVE, missed, next_due)


def payoff_amount(instalments: Sequence[Instalment], as_of: date) -> tuple[int, int]:
    """(what pays the plan off on ``as_of``, the interest that is then forgiven).

    Instalments already due are owed in full; later ones only their unpaid
    principal (money paid on an instalment covers its interest first).
    """
    payoff = forgiven = 0
    for item in instalments:
        if item.is_paid:
            continue
        if item.due_on <= as_of:
            payoff += item.unpaid_minor
            continue
        interest_left = max(0, item.interest_minor - item.paid_minor)
        payoff += item.unpaid_minor - interest_left
        forgiven += interest_left
    return payoff, forgiven
