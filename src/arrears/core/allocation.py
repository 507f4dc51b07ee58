"""The payment waterfall: how a payment is shared among what the debtor owes.

A debt is made of components: principal, interest, fees and costs (collection
or legal costs). When a payment arrives it is applied to the components in a
fixed order, the *waterfall*, each one filled before the next gets anything.
The order matters to the debtor and the creditor alike: paying costs and fees
first keeps principal (on which interest accrues) high, so many contracts and
regulators fix the order. The default here, costs -> fees -> interest ->
principal, is the usual one (compare art. 561 of the PRC Civil Code, which
applies payments to costs, then interest, then principal unless agreed
otherwise); a client or jurisdiction can use any other complete order.

Partial payments fill as far as they go. A payment larger than the balance
becomes a *credit*, kept on the allocation rather than lost or pushed into a
negative component. Every amount is in integer minor units of one currency.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from arrears.core.currency import normalize_code
from arrears.core.money import Money
from arrears.errors import CurrencyMismatch, InvalidInput


class Component(StrEnum):
    """A part of what a debtor owes."""

    COSTS = "costs"
    FEES = "fees"
    INTEREST = "interest"
    PRINCIPAL = "principal"


CREDIT_KEY = "credit"


def _component(value: Component | str) -> Component:
    """``value`` as a Component, or InvalidInput naming the known ones."""
    try:
        return Component(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        known = ", ".join(c.value for c in Component)
        raise InvalidInput(f"'{value}' is not a balance component (known: {known})") from None


def _check_each_once(components: tuple[Component, ...], what: str) -> None:
    """Refuse a list of components that repeats one or leaves one out."""
    duplicated = sorted({c.value for c in components if components.count(c) > 1})
    if duplicated:
        raise InvalidInput(f"{what} lists {', '.join(duplicated)} more than once")
    missing = [c.value for c in Component if c not in components]
    if missing:
        raise InvalidInput(f"{what} is missing {', '.join(missing)}")


def _check_amount(name: str, value: int) -> None:
    """Refuse amounts that are not whole, non-negative minor units."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int of minor units, not {type(value).__name__}")
    if value < 0:
        raise InvalidInput(f"{name} cannot be negative (got {value})")


@dataclass(frozen=True, slots=True)
class Balance:
    """What is owed, per component, in minor units of ``currency``.

    Components are never negative: money paid beyond the balance is a credit
    (see :class:`Allocation`), not a negative principal.
    """

    currency: str
    principal: int = 0
    interest: int = 0
    fees: int = 0
    costs: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", normalize_code(self.currency))
        for component in Component:
            _check_amount(component.value, self.get(component))

    @property
    def total(self) -> int:
        """The sum of all components."""
        return self.principal + self.interest + self.fees + self.costs

    def get(self, component: Component | str) -> int:
        """The amount owed on one component."""
        value: int = getattr(self, _component(component).value)
        return value

    def replace_component(self, component: Component | str, value: int) -> Balance:
        """A copy with one component set to ``value``."""
        changes: dict[str, Any] = {_component(component).value: value}
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Waterfall:
    """The order in which a payment fills the components; each appears exactly once."""

    order: tuple[Component, ...]

    def __post_init__(self) -> None:
        order = tuple(_component(c) for c in self.order)
        _check_each_once(order, "the waterfall")
        object.__setattr__(self, "order", order)

    @classmethod
    def parse(cls, text: str) -> Waterfall:
        """Read ``"costs,fees,interest,principal"`` (as stored in configuration)."""
        parts = [part.strip() for part in text.split(",")]
        if any(not part for part in parts):
            raise InvalidInput(f"waterfall '{text}' has an empty entry")
        return cls(tuple(_component(part) for part in parts))

    def __str__(self) -> str:
        """The form :meth:`parse` reads back."""
        return ",".join(c.value for c in self.order)


DEFAULT_WATERFALL = Waterfall(
    (Component.COSTS, Component.FEES, Component.INTEREST, Component.PRINCIPAL)
)


@dataclass(frozen=True, slots=True)
class Allocation:
    """How one payment was applied.

    ``applied`` lists every component once, in the waterfall's order, zeros
    included, so the record shows what the payment did *not* reach as well.
    ``credit`` is what was left after the whole balance was paid.
    """

    currency: str
    applied: tuple[tuple[Component, int], ...]
    credit: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "currency", normalize_code(self.currency))
        applied = tuple((_component(c), amount) for c, amount in self.applied)
        for component, amount in applied:
            _check_amount(component.value, amount)
        _check_amount(CREDIT_KEY, self.credit)
        _check_each_once(tuple(c for c, _ in applied), "the allocation")
        object.__setattr__(self, "applied", applied)

    @property
    def applied_total(self) -> int:
        """What went to the balance (the payment without the credit)."""
        return sum(amount for _, amount in self.applied)

    @property
    def total(self) -> int:
        """The whole payment: everything applied plus the credit."""
        return self.applied_total + self.credit

    def amount_for(self, component: Component | str) -> int:
        """What the payment paid on one component."""
        wanted = _component(component)
        return next(amount for c, amount in self.applied if c is wanted)

    def to_dict(self) -> dict[str, int]:
        """``{"costs": ..., "fees": ..., ..., "credit": ...}`` in waterfall order, for storage."""
        return {**{c.value: amount for c, amount in self.applied}, CREDIT_KEY: self.credit}

    @classmethod
    def from_dict(cls, currency: str, data: Mapping[str, int]) -> Allocation:
        """Read what :meth:`to_dict` wrote.

        Keys keep their order (the waterfall's). A missing component counts as
        zero and goes after the present ones; an unknown key is an error,
        because silently dropping money is worse than refusing the record.
        """
        amounts = {key: value for key, value in data.items() if key != CREDIT_KEY}
        applied = [(_component(key), value) for key, value in amounts.items()]
        present = {c for c, _ in applied}
        applied += [(c, 0) for c in DEFAULT_WATERFALL.order if c not in present]
        return cls(currency, tuple(applied), data.get(CREDIT_KEY, 0))


def allocate(
    balance: Balance, payment: Money, waterfall: Waterfall = DEFAULT_WATERFALL
) -> tuple[Allocation, Balance]:
    """Apply a positive ``payment`` to ``balance`` in ``waterfall`` order.

    Returns how the payment was applied and what remains owed. Each component
    takes as much as it owes or as much as is left; what survives the last
    component becomes the allocation's credit.
    """
    if payment.currency != balance.currency:
        raise CurrencyMismatch(balance.currency, payment.currency)
    if payment.minor <= 0:
        raise InvalidInput(f"a payment must be positive, got {payment}")
    left = payment.minor
    applied: list[tuple[Component, int]] = []
    remaining = balance
    for component in waterfall.order:
        paid = min(left, balance.get(component))
        applied.append((component, paid))
        remaining = remaining.replace_component(component, balance.get(component) - paid)
        left -= paid
    return Allocation(balance.currency, tuple(applied), credit=left), remaining


def reverse(balance: Balance, allocation: Allocation) -> Balance:
    """Undo ``allocation`` (a bounced or charged-back payment): owe again what it paid.

    Only the balance is restored. The credit the payment created is held
    wherever the caller keeps credits, and must be removed there.
    """
    if allocation.currency != balance.currency:
        raise CurrencyMismatch(balance.currency, allocation.currency)
    restored = balance
    for component, amount in allocation.applied:
        restored = restored.replace_component(component, restored.get(component) + amount)
    return restored
