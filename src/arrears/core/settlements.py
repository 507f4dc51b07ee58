"""Settlements (和解): accepting less than the balance, and who may agree to it.

A settlement resolves an account for an agreed amount below the balance; the
rest is waived once the amount is paid, in one payment (``lump_sum``) or in a
few instalments (``short_plan``). The **discount** is the share waived:
``(balance - amount) / balance``.

How much may be waived depends on who agrees, as the client's **authority
matrix** says: a collector up to a few percent, a supervisor more, a manager
up to the client's ceiling. A debtor accepting an offer in the portal is a
role too: the client decides what it grants without a person (self-service).
A proposal within the proposer's authority is accepted at once; above it, it
waits for the lowest role that may approve it; above every role it is refused.

Comparisons are exact: ``balance - amount <= limit * balance`` in Decimals,
never a rounded percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from arrears.errors import InvalidInput


class Role(StrEnum):
    """Who proposes or approves a settlement, lowest authority first."""

    DEBTOR = "debtor"
    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


STAFF_ORDER = (Role.COLLECTOR, Role.SUPERVISOR, Role.MANAGER)


class SettlementForm(StrEnum):
    LUMP_SUM = "lump_sum"
    SHORT_PLAN = "short_plan"


class SettlementStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Authority:
    """The most each role may waive (a share 0..1), and the floor of any settlement."""

    limits: Mapping[Role, Decimal]
    min_lump_sum_minor: int = 0
    max_instalments: int = 3

    def limit(self, role: Role) -> Decimal:
        return self.limits.get(role, Decimal(0))


@dataclass(frozen=True, slots=True)
class Decision:
    """What happens to a proposal: accepted now, or who must approve it."""

    accepted: bool
    approver: Role | None  # the lowest role that may approve when not accepted


def parse_role(value: Role | str) -> Role:
    try:
        return Role(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInput(f"'{value}' is not a settlement role (known: {known})") from None


def discount(balance_minor: int, amount_minor: int) -> Decimal:
    """The share waived, as an exact-enough Decimal for display and storage (4 places)."""
    if balance_minor <= 0:
        return Decimal(0)
    return (Decimal(balance_minor - amount_minor) / Decimal(balance_minor)).quantize(
        Decimal("0.0001")
    )


def within(balance_minor: int, amount_minor: int, limit: Decimal) -> bool:
    """True when waiving ``balance - amount`` is within ``limit`` of the balance (exact)."""
    return Decimal(balance_minor - amount_minor) <= limit * Decimal(balance_minor)


def may_approve(role: Role, balance_minor: int, amount_minor: int, authority: Authority) -> bool:
    return within(balance_minor, amount_minor, authority.limit(role))


def lowest_approver(balance_minor: int, amount_minor: int, authority: Authority) -> Role | None:
    """The lowest staff role whose authority covers the discount (None: nobody's does)."""
    for role in STAFF_ORDER:
        if may_approve(role, balance_minor, amount_minor, authority):
            return role
    return None


def check_proposal(
    *, balance_minor: int, amount_minor: int, form: SettlementForm, instalments: int,
    authority: Authority,
) -> None:  # fmt: skip
    """Raise InvalidInput naming the rule a proposal breaks, whoever proposes it."""
    if not 0 < amount_minor < balance_minor:
        raise InvalidInput(
            f"a settlement amount must be above zero and below the balance ({balance_minor}), "
            f"got {amount_minor}"
        )
    if amount_minor < authority.min_lump_sum_minor:
        raise InvalidInput(
            f"min_lump_sum: a settlement must be at least {authority.min_lump_sum_minor}, "
            f"got {amount_minor}"
        )
    if form is SettlementForm.SHORT_PLAN and not 2 <= instalments <= authority.max_instalments:
        raise InvalidInput(
            f"max_instalments: a settlement plan has 2..{authority.max_instalments} "
            f"instalments, not {instalments}"
        )
    if form is SettlementForm.LUMP_SUM and instalments not in (0, 1):
        raise InvalidInput("a lump-sum settlement has no instalments")
    if lowest_approver(balance_minor, amount_minor, authority) is None:
        ceiling = authority.limit(Role.MANAGER)
        raise InvalidInput(
            f"authority.manager: a discount of {discount(balance_minor, amount_minor):%} is "
            f"above what anyone may approve ({ceiling:%})"
        )


def decide(role: Role, balance_minor: int, amount_minor: int, authority: Authority) -> Decision:
    """Accepted when within ``role``'s authority; otherwise who must approve it."""
    if may_approve(role, balance_minor, amount_minor, authority):
        return Decision(True, None)
    return Decision(False, lowest_approver(balance_minor, amount_minor, authority))
