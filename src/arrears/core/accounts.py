"""The account lifecycle: the states an account can be in and the moves between them.

The lifecycle is a transition table, not code scattered over the product: every
status change (an agent's action, an imported file, a payment, a reversal)
asks :func:`transition`, so an account cannot, for instance, jump from
``closed`` back to ``active`` or from ``disputed`` to ``placed`` because one
screen forgot a check.

The states, in the order a debt usually meets them:

* ``active`` — owed and worked in-house, with no arrangement in place.
* ``promised`` — the debtor promised to pay (promise to pay, PTP; 承诺还款).
* ``in_plan`` — an instalment arrangement is running (分期/还款计划).
* ``disputed`` — the debtor disputes the debt; collection stops until it is
  verified (e.g. FDCPA §809(b), 15 U.S.C. §1692g(b)).
* ``on_hold`` — collection paused: hardship, bereavement, insolvency,
  suspected fraud, or a client's instruction.
* ``legal`` — in litigation, mediation or enforcement (诉讼/调解/执行).
* ``placed`` — placed with an outside agency (委外).
* ``recalled`` — back from a placement, awaiting a decision.
* ``written_off`` — charged off as a loss; still owed, recoveries possible.
* ``paid`` — paid in full; ``settled`` — resolved by an agreed lesser
  amount, the rest waived.
* ``closed`` — finished; nothing more happens to the account.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from arrears.errors import IllegalTransition, InvalidInput


class AccountStatus(StrEnum):
    """Where an account is in its lifecycle."""

    ACTIVE = "active"
    PROMISED = "promised"
    IN_PLAN = "in_plan"
    DISPUTED = "disputed"
    ON_HOLD = "on_hold"
    LEGAL = "legal"
    PLACED = "placed"
    SETTLED = "settled"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    RECALLED = "recalled"
    CLOSED = "closed"


_S = AccountStatus

# Only the resolved states (paid, settled, written_off, recalled) lead to
# closed, so every closed account says how it ended. Breaking an arrangement
# (a broken promise, a defaulted plan) returns to active rather than jumping to
# the next escalation, so the escalation is a decision recorded on its own.
TRANSITIONS: Mapping[AccountStatus, frozenset[AccountStatus]] = MappingProxyType(
    {
        # The working state: any arrangement, escalation or outcome can follow.
        # Not recalled (only a placement can be recalled) and not closed
        # (close only after an outcome is recorded).
        _S.ACTIVE: frozenset(
            {
                _S.PROMISED,
                _S.IN_PLAN,
                _S.DISPUTED,
                _S.ON_HOLD,
                _S.LEGAL,
                _S.PLACED,
                _S.SETTLED,
                _S.PAID,
                _S.WRITTEN_OFF,
            }
        ),
        # Kept (paid or settled), broken (active), turned into a plan, or
        # interrupted by a dispute or a hardship that pauses collection.
        _S.PROMISED: frozenset(
            {_S.ACTIVE, _S.PAID, _S.SETTLED, _S.IN_PLAN, _S.DISPUTED, _S.ON_HOLD}
        ),
        # Completed (paid; settled when the plan was a settlement in
        # instalments), defaulted (active), or interrupted like a promise.
        _S.IN_PLAN: frozenset({_S.ACTIVE, _S.PAID, _S.SETTLED, _S.DISPUTED, _S.ON_HOLD}),
        # Verified (active), upheld (written_off: the amount is not owed),
        # compromised (settled), paid anyway, taken to court where the court
        # decides the dispute, or paused for another reason.
        _S.DISPUTED: frozenset(
            {_S.ACTIVE, _S.WRITTEN_OFF, _S.SETTLED, _S.PAID, _S.LEGAL, _S.ON_HOLD}
        ),
        # The hold is lifted (active, or straight into a hardship plan), the
        # debtor disputes meanwhile, pays, settles, or the cause makes the debt
        # uncollectable (discharged insolvency, an estate with nothing in it).
        _S.ON_HOLD: frozenset(
            {_S.ACTIVE, _S.IN_PLAN, _S.DISPUTED, _S.PAID, _S.SETTLED, _S.WRITTEN_OFF}
        ),
        # Proceedings withdrawn (active), a court-approved instalment plan,
        # settled in mediation, judgment satisfied (paid), unenforceable
        # (written_off), or stayed (on_hold, e.g. an insolvency stay).
        _S.LEGAL: frozenset(
            {_S.ACTIVE, _S.IN_PLAN, _S.SETTLED, _S.PAID, _S.WRITTEN_OFF, _S.ON_HOLD}
        ),
        # The agency collects in full or settles; anything else (a dispute,
        # a hold, the placement's end) comes back to us as a recall first.
        _S.PLACED: frozenset({_S.RECALLED, _S.PAID, _S.SETTLED}),
        # Worked in-house again, placed with another agency (secondary
        # placement), written off, or closed when the client takes it back.
        _S.RECALLED: frozenset({_S.ACTIVE, _S.PLACED, _S.WRITTEN_OFF, _S.CLOSED}),
        # Charged off is not forgiven: recovery re-opens it (active), places it
        # with a recovery agency, or it is recovered (paid, settled); closed
        # when recovery ends (sold, or time-barred).
        _S.WRITTEN_OFF: frozenset({_S.ACTIVE, _S.PLACED, _S.PAID, _S.SETTLED, _S.CLOSED}),
        # Closed once final, or active again if the payment is reversed
        # (bounced, charged back) — the debt is owed again.
        _S.PAID: frozenset({_S.CLOSED, _S.ACTIVE}),
        _S.SETTLED: frozenset({_S.CLOSED, _S.ACTIVE}),
        # Terminal: a closed account may have been archived, reported and
        # returned; money that turns up later is handled as a new matter, not
        # by quietly re-opening a record others consider finished.
        _S.CLOSED: frozenset(),
    }
)

TERMINAL: frozenset[AccountStatus] = frozenset(s for s, exits in TRANSITIONS.items() if not exits)

# Statuses whose balance is still owed and being pursued, by us or for us.
# Disputed and on_hold count: collection is paused, not over, and the balance
# stays in the open portfolio (whether a contact is allowed is compliance's
# question, not this set's). Written_off and recalled are out until re-opened.
OPEN_STATUSES: frozenset[AccountStatus] = frozenset(
    {_S.ACTIVE, _S.PROMISED, _S.IN_PLAN, _S.DISPUTED, _S.ON_HOLD, _S.LEGAL, _S.PLACED}
)


def parse_status(value: AccountStatus | str) -> AccountStatus:
    """``value`` as an AccountStatus, or InvalidInput naming the known states."""
    try:
        return AccountStatus(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        known = ", ".join(s.value for s in AccountStatus)
        raise InvalidInput(f"'{value}' is not an account status (known: {known})") from None


def can_transition(source: AccountStatus | str, target: AccountStatus | str) -> bool:
    """True when an account in ``source`` may move to ``target``."""
    return parse_status(target) in TRANSITIONS[parse_status(source)]


def transition(source: AccountStatus | str, target: AccountStatus | str) -> AccountStatus:
    """The new status, or IllegalTransition naming both states.

    Staying in the same state is refused too: no state lists itself as an
    exit, because a "move" that changes nothing is a duplicate event or a bug,
    and recording it would put a false entry in the account's history.
    Callers that only want to ensure a status compare first.
    """
    old, new = parse_status(source), parse_status(target)
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(old.value, new.value)
    return new
