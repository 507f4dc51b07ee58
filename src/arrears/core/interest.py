"""Interest and late fees on debts in collection: day counts, caps, stops, rounding.

Pure: no clock, no files, no database. The service (``payments/interest.py``)
vectorises over a portfolio and calls these functions for everything that is a
*rule* (the day count of a date, the rate a cap allows, why accrual stops, what
a late fee may be), so each rule has one implementation.

Conventions
    Interest accrues for *accrual days*: the days ``first..last`` inclusive. A
    day count is the difference of a potential function of the date (see
    :func:`potential`), so the count of a period is exactly the sum of the counts
    of its days for every convention we offer: ``ACT/365F``, ``ACT/360``,
    ``30/360`` (the 30E/360 Eurobond basis, ISDA 2006 §4.16(g); the US 30/360
    bond basis is *not* additive over single days and is not offered) and
    ``ACT/ACT`` (ISDA: days in a leap year over 366, the others over 365).

Rates
    Rates are :func:`arrears.core.money.rate` decimals with at most eight
    decimal places; internally ``rate × 10**8`` is an integer (:data:`RATE_SCALE`).

Rounding (the stated rule)
    The exact interest of a period is the rational ``base × rate × count / den``.
    We keep the running exact total and post, for each period, the change of its
    rounding half up (:data:`arrears.core.money.ROUNDING`, half away from zero on
    these non-negative amounts) to minor units. Hence the posted total after any
    sequence of runs equals the cumulative exact interest rounded once, and a
    30-day run posts exactly what 30 daily runs post, for the same base and rate.
    :func:`post` carries the sub-minor remainder (``carry``, in units of
    ``1/den``) from one period to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from arrears.core.money import Money, rate
from arrears.errors import InvalidInput

RATE_SCALE = 10**8
_ORDINAL_DAY = timedelta(days=1)


class DayCount(StrEnum):
    """Day-count conventions a contract may name."""

    ACT_365F = "ACT/365F"
    ACT_360 = "ACT/360"
    THIRTY_360 = "30/360"
    ACT_ACT = "ACT/ACT"


# Denominator of the year fraction: count / DENOMINATOR is in years.
DENOMINATOR: Mapping[DayCount, int] = {
    DayCount.ACT_365F: 365,
    DayCount.ACT_360: 360,
    DayCount.THIRTY_360: 360,
    DayCount.ACT_ACT: 365 * 366,
}


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def potential(day: date, convention: DayCount) -> int:
    """An integer P(day) such that the count of days ``a+1..b`` is ``P(b) - P(a)``."""
    if convention in (DayCount.ACT_365F, DayCount.ACT_360):
        return day.toordinal()
    if convention is DayCount.THIRTY_360:
        return 360 * day.year + 30 * day.month + min(day.day, 30)
    doy = day.timetuple().tm_yday
    # ACT/ACT: a day of a leap year weighs 1/366 = 365/den, of another year 1/365 = 366/den.
    return day.year * DENOMINATOR[convention] + doy * (365 if _is_leap(day.year) else 366)


def day_count(first: date, last: date, convention: DayCount) -> int:
    """The numerator of the year fraction of accrual days ``first..last`` (inclusive)."""
    if last < first:
        return 0
    return potential(last, convention) - potential(first - _ORDINAL_DAY, convention)


def year_fraction(first: date, last: date, convention: DayCount) -> Decimal:
    """The year fraction as a decimal, for display only (amounts use :func:`day_count`)."""
    return Decimal(day_count(first, last, convention)) / Decimal(DENOMINATOR[convention])


def rate_units(value: Decimal) -> int:
    """``value × 10**8`` as an exact integer; a rate with more decimals is refused."""
    units = rate(value) * RATE_SCALE
    if units != units.to_integral_value():
        raise InvalidInput(f"rate {value} has more than 8 decimal places")
    return int(units)


def exact_numerator(base_minor: int, annual: Decimal, count: int) -> int:
    """Exact interest in minor units times :func:`denominator_of` (an integer)."""
    return max(base_minor, 0) * rate_units(annual) * count


def denominator_of(convention: DayCount) -> int:
    """What :func:`exact_numerator` must be divided by to give minor units."""
    return RATE_SCALE * DENOMINATOR[convention]


def post(carry: int, numerator: int, denominator: int) -> tuple[int, int]:
    """Post one period: (amount in minor units, new carry), half up on the running total.

    ``carry`` is the running exact total minus what was posted, in ``1/denominator``
    units, always in ``[-den/2, den/2)``; the amount is never negative.
    """
    total = carry + numerator
    amount = (2 * total + denominator) // (2 * denominator)
    return amount, total - amount * denominator


def convert_carry(carry: int, old_denominator: int, new_denominator: int) -> int:
    """The carry in another convention's units (loses under 1e-8 of a minor unit)."""
    if old_denominator == new_denominator:
        return carry
    return (carry * new_denominator) // old_denominator


def interest(base_minor: int, annual: Decimal, first: date, last: date, conv: DayCount) -> int:
    """Interest of one period from a zero carry: its exact amount rounded half up."""
    numerator = exact_numerator(base_minor, annual, day_count(first, last, conv))
    return post(0, numerator, denominator_of(conv))[0]


# --------------------------------------------------------------------- rules and caps


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule we apply: its id, the law or instruction it comes from, and why."""

    rule: str
    citation: str
    note: str = ""
    # How far the citation was checked (research/compliance-rules.md §0.1):
    # P primary text, S secondary sources, U unverified, D a design choice.
    status: str = "D"


CONTRACT = RuleRef("CONTRACT", "the contractual rate (client terms)")


@dataclass(frozen=True, slots=True)
class ReferenceRate:
    """A published rate that changes on dates, e.g. China's one-year LPR."""

    name: str
    values: tuple[tuple[date, Decimal], ...]  # (effective from, annual rate), ascending

    def at(self, day: date) -> Decimal | None:
        """The value in force on ``day`` (None before the first publication)."""
        found = None
        for since, value in self.values:
            if since > day:
                break
            found = value
        return found

    def lowest_until(self, day: date) -> Decimal | None:
        """The lowest value published on or before ``day``."""
        values = [value for since, value in self.values if since <= day]
        return min(values) if values else None


@dataclass(frozen=True, slots=True)
class CapRule:
    """A ceiling on the annual rate: a fixed rate or a multiple of a reference rate."""

    ref: RuleRef
    fixed: Decimal | None = None
    reference: str | None = None
    multiple: Decimal | None = None

    def resolve(
        self, contract_on: date | None, due_on: date, references: Mapping[str, ReferenceRate]
    ) -> Decimal | None:
        """The cap for a contract made on ``contract_on``; None if it cannot be known.

        A reference cap is fixed when the contract is made (CN: 合同成立时, art. 25).
        With no contract date we take the lowest value published up to the due date:
        the lower cap is the conservative one.
        """
        if self.fixed is not None:
            return self.fixed
        table = references.get(self.reference or "")
        if table is None or self.multiple is None:
            return None
        value = table.at(contract_on) if contract_on else table.lowest_until(due_on)
        return None if value is None else value * self.multiple


@dataclass(frozen=True, slots=True)
class RateDecision:
    """The rate used and why: the contract's, or a cap that bound it."""

    rate: Decimal
    contract_rate: Decimal
    cap_rate: Decimal | None
    binding: RuleRef


def effective_rate(contract_rate: Decimal, caps: Sequence[tuple[Decimal, RuleRef]]) -> RateDecision:
    """min(contract, every cap); the binding rule is the lowest cap strictly below the contract."""
    lowest = min(caps, key=lambda c: c[0], default=None)
    if lowest is not None and lowest[0] < contract_rate:
        return RateDecision(lowest[0], contract_rate, lowest[0], lowest[1])
    cap = lowest[0] if lowest is not None else None
    return RateDecision(contract_rate, contract_rate, cap, CONTRACT)


# --------------------------------------------------------------------- stops


class StopReason(StrEnum):
    """Why no interest accrues on a day (most protective first in :data:`STOP_ORDER`)."""

    BANKRUPTCY = "bankruptcy"
    BREATHING_SPACE = "breathing_space"
    DISPUTE = "dispute"
    CEASE = "cease"
    DEFERRAL = "deferral"
    HARDSHIP = "hardship"
    DECEASED = "deceased"
    LEGAL = "legal"
    ON_HOLD = "on_hold"
    CHARGED_OFF = "charged_off"
    NO_TERMS = "no_terms"
    NO_LAW = "no_law"


STOP_ORDER: tuple[StopReason, ...] = tuple(StopReason)

# The account statuses that mean a hold even when no hold entry names it.
STATUS_STOPS: Mapping[str, StopReason] = {
    "disputed": StopReason.DISPUTE,
    "on_hold": StopReason.ON_HOLD,
}

CHARGED_OFF = RuleRef(
    "INT-STOP-CHARGEOFF",
    "client terms: stop_after_charge_off; cf. 12 CFR 1026.5(b)(2)(i) (Reg Z: no periodic "
    "statement for a charged-off account on which no interest or fees are imposed)",
    "The client stops interest and fees when an account is charged off.",
)
NO_TERMS = RuleRef(
    "INT-NO-TERMS",
    "15 U.S.C. 1692f(1) (US); house rule elsewhere",
    "No contractual rate is configured for this client and product: nothing may be "
    "added unless the agreement or the law authorises it.",
)
NO_LAW = RuleRef(
    "INT-NO-LAW",
    "house rule (DESIGN: be conservative where the law is not configured)",
    "No interest rules are configured for the account's jurisdiction: no accrual.",
)


@dataclass(frozen=True, slots=True)
class StopInterval:
    """Accrual days ``first..last`` (None: open-ended) stopped for ``reason``."""

    first: date
    last: date | None
    reason: StopReason
    ref: RuleRef


def _hold_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def stop_intervals(
    *,
    holds: Iterable[Mapping[str, object]],
    status: str,
    charged_off_on: date | None,
    stop_after_charge_off: bool,
    stops: Mapping[StopReason, RuleRef],
    from_day: date,
) -> list[StopInterval]:
    """The stopped stretches of an account from ``from_day`` on.

    A hold stops accrual on the days ``since..until`` (inclusive; open-ended
    without ``until``) when the jurisdiction's ``stops`` name its kind. A hold
    without a ``since`` is taken to have always applied. A status that is a hold
    (``disputed``, ``on_hold``) stops everything from ``from_day``. A charge-off
    stops accrual from the charge-off date itself when the client says so.
    """
    out: list[StopInterval] = []
    for hold in holds:
        try:
            reason = StopReason(str(hold.get("kind", "")))
        except ValueError:
            continue
        ref = stops.get(reason)
        if ref is None:
            continue
        since = _hold_day(hold.get("since")) or from_day
        out.append(StopInterval(max(since, from_day), _hold_day(hold.get("until")), reason, ref))
    by_status = STATUS_STOPS.get(status)
    if by_status is not None and by_status in stops and not any(i.reason is by_status for i in out):
        out.append(StopInterval(from_day, None, by_status, stops[by_status]))
    if stop_after_charge_off:
        off = charged_off_on or (from_day if status == "written_off" else None)
        if off is not None:
            out.append(StopInterval(max(off, from_day), None, StopReason.CHARGED_OFF, CHARGED_OFF))
    return [i for i in out if i.last is None or i.last >= i.first]


def stopped_on(day: date, intervals: Iterable[StopInterval]) -> StopInterval | None:
    """The most protective interval covering ``day`` (None: interest accrues)."""
    covering = [i for i in intervals if i.first <= day and (i.last is None or day <= i.last)]
    return min(covering, key=lambda i: STOP_ORDER.index(i.reason), default=None)


# --------------------------------------------------------------------- late fees


@dataclass(frozen=True, slots=True)
class LateFeeTerms:
    """A contract's late fee: a fixed amount or a percentage of principal, once."""

    grace_days: int
    amount_minor: int | None = None
    percent: Decimal | None = None
    max_minor: int | None = None


@dataclass(frozen=True, slots=True)
class LateFeeLaw:
    """What a jurisdiction lets a collector add as a late (default) fee."""

    allowed: bool
    ref: RuleRef
    max_minor: Mapping[str, int] = field(default_factory=dict)  # currency -> cap
    max_percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FeeDecision:
    """A late fee and the rule that decided it (amount 0 when not allowed)."""

    amount_minor: int
    ref: RuleRef
    capped: bool = False


NO_FEE_TERMS = RuleRef(
    "FEE-NO-TERMS",
    "15 U.S.C. 1692f(1) (US); house rule elsewhere",
    "The contract has no late fee: none may be added.",
)


def fee_due_on(due_on: date, terms: LateFeeTerms) -> date:
    """The day a late fee is assessed: the due date plus the grace period."""
    return due_on + timedelta(days=terms.grace_days)


def late_fee(terms: LateFeeTerms | None, law: LateFeeLaw, principal: Money) -> FeeDecision:
    """A late fee only if the contract provides one AND the law allows it; capped by both."""
    if terms is None:
        return FeeDecision(0, NO_FEE_TERMS)
    if not law.allowed:
        return FeeDecision(0, law.ref)
    amount = terms.amount_minor or 0
    if terms.percent is not None:
        amount += max(principal, Money.zero(principal.currency)).times(terms.percent).minor
    limits = [(terms.max_minor, CONTRACT)]
    limits.append((law.max_minor.get(principal.currency), law.ref))
    if law.max_percent is not None:
        cap = max(principal, Money.zero(principal.currency)).times(law.max_percent).minor
        limits.append((cap, law.ref))
    binding = CONTRACT
    capped = False
    for limit, ref in limits:
        if limit is not None and limit < amount:
            amount, binding, capped = limit, ref, True
    return FeeDecision(max(amount, 0), binding if capped else law.ref, capped)


# --------------------------------------------------------------------- configuration


@dataclass(frozen=True, slots=True)
class JurisdictionRules:
    """Interest law of one jurisdiction (a state overlay merges with its country)."""

    code: str
    name: str
    caps: tuple[CapRule, ...]
    late_fees: LateFeeLaw
    stops: Mapping[StopReason, RuleRef]
    authorization: RuleRef | None = None


def merge(country: JurisdictionRules, state: JurisdictionRules) -> JurisdictionRules:
    """A state with its country: every cap applies, fees need both, any stop stops."""
    fees = state.late_fees if not state.late_fees.allowed else country.late_fees
    if state.late_fees.allowed and country.late_fees.allowed:
        fees = replace(
            state.late_fees,
            max_minor={**country.late_fees.max_minor, **state.late_fees.max_minor},
            max_percent=state.late_fees.max_percent or country.late_fees.max_percent,
        )
    caps = state.caps + (() if state.caps else country.caps)
    return JurisdictionRules(
        state.code, state.name, caps, fees, {**country.stops, **state.stops},
        state.authorization or country.authorization,
    )  # fmt: skip


def rules_for(code: str | None, books: Mapping[str, JurisdictionRules]) -> JurisdictionRules | None:
    """The rules for ``US-NY`` (its own merged with ``US``), ``CN``, ...; None if unknown.

    A state we have no entry for gets its country's rules, whose caps are the
    conservative fallback for an unknown state.
    """
    if not code:
        return None
    code = code.upper()
    country = books.get(code.split("-")[0])
    own = books.get(code)
    if own is not None and country is not None and own is not country:
        return merge(country, own)
    return own or country


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """A client's contractual interest and fee terms for a product (or all, ``*``)."""

    client: str
    product: str
    rate: Decimal
    day_count: DayCount
    authorized_by: str
    stop_after_charge_off: bool = True
    accrue_from: str = "placement"  # placement | due_date
    late_fee: LateFeeTerms | None = None


def terms_for(
    client: str, product: str | None, terms: Iterable[ContractTerms]
) -> ContractTerms | None:
    """The terms for the product, else the client's ``*`` terms, else None."""
    general = None
    for item in terms:
        if item.client != client:
            continue
        if product is not None and item.product == product:
            return item
        if item.product == "*":
            general = item
    return general


def decide_rate(
    terms: ContractTerms,
    law: JurisdictionRules,
    *,
    contract_on: date | None,
    due_on: date,
    references: Mapping[str, ReferenceRate],
) -> RateDecision:
    """The rate one account accrues at: min(contract, the jurisdiction's caps)."""
    caps: list[tuple[Decimal, RuleRef]] = []
    for cap in law.caps:
        value = cap.resolve(contract_on, due_on, references)
        if value is None:  # a cap we cannot evaluate: accrue nothing rather than guess
            caps.append((Decimal(0), cap.ref))
        else:
            caps.append((value, cap.ref))
    return effective_rate(terms.rate, caps)
