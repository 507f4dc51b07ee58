"""Who works which account: rules, stickiness, load balancing and absence cover.

A supervisor does not hand out thousands of accounts one by one. Ordered rules
(business configuration, ``config/assignment.yaml``) say which *team* works an
account — by client, segment, debtor language, jurisdiction, balance — and what
a collector needs to take it (a skill such as ``b2b``, the debtor's language).
:func:`assign` then decides the collector of every account, in this order:

1. **First matching rule.** The first rule whose conditions all hold picks the
   team and the requirements; an account no rule matches stays unassigned.
2. **Pinned.** An account a person moved by hand stays with that collector while
   they are active, whatever the rules say (the next run must not undo a
   supervisor's decision).
3. **Stickiness.** An account stays with its current collector while they are
   active and still eligible (in the rule's team, with the skill and language),
   up to their capacity: a debtor keeps the person they have been talking to.
4. **Load balancing.** Everything else goes to the eligible collector with the
   fewest accounts relative to capacity (ties: the lower collector id). Larger
   balances are placed first so they spread over the team. Nobody is given more
   than their capacity; an account that no eligible collector has room for stays
   unassigned and says so.
5. **Absence cover.** An absent collector keeps their accounts (they come back
   to them); for the absence a teammate *covers* them — the named cover of the
   absence when there is one, else the present eligible teammate with the
   lightest load. Covering is recorded beside the owner, never instead of it.

Pools of collectors overlap (one collector may serve two rules); pools with the
fewest eligible collectors are filled first, so a specialist's capacity is not
used up by accounts anyone could take. This is greedy, not an optimal matching;
when every rule's pool is a whole team the result is exact.

Everything is deterministic: the same inputs give the same decisions. The cost
is O(n·r) to match n accounts against r rules plus O(n log c) for the heaps
over c collectors. Capacity is a number of accounts held (not calls a day).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from arrears.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What assignment needs to know about an account."""

    id: int
    client: str
    segment: str | None = None
    language: str | None = None
    jurisdiction: str | None = None
    balance_minor: int = 0
    assignee_id: int | None = None
    skill: str | None = None  # a skill the account itself needs, beyond its rule's
    pinned: bool = False  # moved by hand: stays with its collector while they are active


@dataclass(frozen=True, slots=True)
class Collector:
    """A person who can be given accounts."""

    id: int
    team: str
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    capacity: int = 0
    active: bool = True
    absent: bool = False
    cover_id: int | None = None  # the named cover of the current absence


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of the rules file: which accounts go to which team, and what they need."""

    name: str
    team: str
    clients: frozenset[str] = frozenset()  # empty: any
    segments: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    jurisdictions: tuple[str, ...] = ()  # "US", "US-*", "*"
    min_balance_minor: int | None = None
    max_balance_minor: int | None = None
    skill: str | None = None  # collectors need this skill
    match_language: bool = False  # collectors must speak the debtor's language

    def matches(self, account: AccountFacts) -> bool:
        if self.clients and account.client not in self.clients:
            return False
        if self.segments and account.segment not in self.segments:
            return False
        if self.languages and account.language not in self.languages:
            return False
        if self.jurisdictions and not _in_jurisdictions(account.jurisdiction, self.jurisdictions):
            return False
        if self.min_balance_minor is not None and account.balance_minor < self.min_balance_minor:
            return False
        return self.max_balance_minor is None or account.balance_minor <= self.max_balance_minor


class _Matcher:
    """The first matching rule, remembering which rules can match each kind of account.

    Most accounts share a few (client, segment, language, jurisdiction) combinations: the
    rules those allow are found once per combination; only balance bounds are checked
    per account.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        # The same rules without balance bounds, to match a combination once.
        self.unbounded = [replace(r, min_balance_minor=None, max_balance_minor=None) for r in rules]
        self.known: dict[tuple[str, str | None, str | None, str | None], list[int]] = {}

    def first(self, account: AccountFacts) -> int | None:
        key = (account.client, account.segment, account.language, account.jurisdiction)
        candidates = self.known.get(key)
        if candidates is None:
            probe = AccountFacts(id=0, client=key[0], segment=key[1], language=key[2],
                                 jurisdiction=key[3])  # fmt: skip
            candidates = [i for i, r in enumerate(self.unbounded) if r.matches(probe)]
            self.known[key] = candidates
        balance = account.balance_minor
        for index in candidates:
            rule = self.rules[index]
            if rule.min_balance_minor is not None and balance < rule.min_balance_minor:
                continue
            if rule.max_balance_minor is not None and balance > rule.max_balance_minor:
                continue
            return index
        return None


def _in_jurisdictions(value: str | None, patterns: Sequence[str]) -> bool:
    if value is None:
        return False
    for pattern in patterns:
        if pattern in ("*", value):
            return True
        if pattern.endswith("*") and value.startswith(pattern[:-1]):
            return True
    return False


class Decision(NamedTuple):
    """Who owns an account after the run, who works it meanwhile, and why.

    A named tuple: a run makes one per account, and tuples are the cheapest immutable value.
    """

    account_id: int
    rule: str | None
    team: str | None
    owner_id: int | None
    covering_id: int | None
    reason: str  # kept | pinned | new | moved: <why> | unassigned: <why>
    previous_id: int | None

    @property
    def moved(self) -> bool:
        return self.owner_id != self.previous_id

    @property
    def worker_id(self) -> int | None:
        """The person who works the account today."""
        return self.covering_id if self.covering_id is not None else self.owner_id


@dataclass
class _Pool:
    """Accounts that need the same kind of collector, and those collectors."""

    rule: Rule
    language: str | None
    skill: str | None
    collectors: list[Collector] = field(default_factory=list)
    ids: frozenset[int] = frozenset()
    waiting: list[tuple[AccountFacts, str]] = field(default_factory=list)  # (account, why moved)


def assign(
    accounts: Iterable[AccountFacts], collectors: Sequence[Collector], rules: Sequence[Rule],
    held: Mapping[int, int] | None = None,
) -> list[Decision]:  # fmt: skip
    """The decision for every account, in the order given.

    ``held`` counts accounts collectors already own besides ``accounts`` (moving a
    few accounts by hand balances against everything the team holds).
    """
    _check(collectors, rules)
    by_id = {c.id: c for c in collectors}
    load: dict[int, int] = defaultdict(int, held or {})
    decided: dict[int, Decision] = {}
    pools: dict[tuple[int, str | None, str | None], _Pool] = {}
    order: list[AccountFacts] = []
    pool_of: dict[int, _Pool] = {}
    matcher = _Matcher(rules)
    for account in accounts:
        order.append(account)
        rule_index = matcher.first(account)
        if rule_index is None:
            decided[account.id] = _unassigned(account, None, "no rule matches")
            continue
        rule = rules[rule_index]
        key = (rule_index, account.language if rule.match_language else None, account.skill)
        pool = pools.get(key)
        if pool is None:
            pool = pools[key] = _Pool(rule, key[1], account.skill)
            pool.collectors = [c for c in collectors if _eligible(c, pool)]
            pool.ids = frozenset(c.id for c in pool.collectors)
        pool_of[account.id] = pool
        _keep_or_queue(account, pool, by_id, load, decided)
    _balance(pools.values(), load, decided)
    _cover(decided, by_id, pool_of, load)
    return [decided[a.id] for a in order]


def _check(collectors: Sequence[Collector], rules: Sequence[Rule]) -> None:
    ids = [c.id for c in collectors]
    if len(set(ids)) != len(ids):
        raise InvalidInput("a collector is listed twice")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise InvalidInput("two assignment rules have the same name")


def _eligible(collector: Collector, pool: _Pool) -> bool:
    """May this collector own accounts of the pool (presence aside)?"""
    if not collector.active or collector.team != pool.rule.team:
        return False
    if pool.rule.skill is not None and pool.rule.skill not in collector.skills:
        return False
    if pool.skill is not None and pool.skill not in collector.skills:
        return False
    return pool.language is None or pool.language in collector.languages


def _keep_or_queue(
    account: AccountFacts, pool: _Pool, by_id: dict[int, Collector], load: dict[int, int],
    decided: dict[int, Decision],
) -> None:  # fmt: skip
    current = by_id.get(account.assignee_id) if account.assignee_id is not None else None
    if current is not None and current.active and account.pinned:
        load[current.id] += 1
        decided[account.id] = _owned(account, pool.rule, current, "pinned")
        return
    if current is None:
        why = "new" if account.assignee_id is None else "moved: collector unknown"
    elif not current.active:
        why = "moved: collector inactive"
    elif current.id not in pool.ids:
        why = f"moved: not eligible for rule {pool.rule.name}"
    elif load[current.id] >= current.capacity:
        why = "moved: collector over capacity"
    else:
        load[current.id] += 1
        decided[account.id] = _owned(account, pool.rule, current, "kept")
        return
    pool.waiting.append((account, why))


def _owned(account: AccountFacts, rule: Rule, owner: Collector, reason: str) -> Decision:
    return Decision(account.id, rule.name, owner.team, owner.id, None, reason, account.assignee_id)


def _unassigned(account: AccountFacts, rule: Rule | None, why: str) -> Decision:
    team = rule.team if rule is not None else None
    name = rule.name if rule is not None else None
    return Decision(account.id, name, team, None, None, f"unassigned: {why}", account.assignee_id)


def _balance(pools: Iterable[_Pool], load: dict[int, int], decided: dict[int, Decision]) -> None:
    """Give waiting accounts to the least loaded present collector with room, pool by pool."""
    # The most constrained pools first, so specialists are not filled by general work.
    ordered = sorted(pools, key=lambda p: (len(p.collectors), p.rule.name, p.language or "",
                                           p.skill or ""))  # fmt: skip
    for pool in ordered:
        if not pool.waiting:
            continue
        heap = [(load[c.id] / c.capacity, c.id, c) for c in pool.collectors
                if not c.absent and c.capacity > 0 and load[c.id] < c.capacity]  # fmt: skip
        heapq.heapify(heap)
        pool.waiting.sort(key=lambda item: (-item[0].balance_minor, item[0].id))
        for account, why in pool.waiting:
            if not heap:
                decided[account.id] = _unassigned(
                    account, pool.rule, f"no capacity in team {pool.rule.team}"
                )
                continue  # fmt: skip
            _, _, chosen = heapq.heappop(heap)
            load[chosen.id] += 1
            decided[account.id] = _owned(account, pool.rule, chosen, why)
            if load[chosen.id] < chosen.capacity:
                heapq.heappush(heap, (load[chosen.id] / chosen.capacity, chosen.id, chosen))


def _cover(
    decided: dict[int, Decision], by_id: dict[int, Collector], pool_of: dict[int, _Pool],
    load: dict[int, int],
) -> None:  # fmt: skip
    """A present teammate works each account of an absent owner until they are back."""
    absent = {c.id for c in by_id.values() if c.absent}
    if not absent:
        return
    covering: dict[int, int] = defaultdict(int)
    for account_id in sorted(i for i, d in decided.items() if d.owner_id in absent):
        decision = decided[account_id]
        owner = by_id[decision.owner_id]  # type: ignore[index]
        cover = by_id.get(owner.cover_id) if owner.cover_id is not None else None
        if cover is None or not cover.active or cover.absent:
            cover = _lightest_teammate(owner, pool_of.get(account_id), by_id, load, covering)
        if cover is None:
            continue  # nobody to cover: the account waits for its owner
        covering[cover.id] += 1
        decided[account_id] = Decision(
            account_id, decision.rule, decision.team, decision.owner_id, cover.id,
            f"{decision.reason}; covered while the owner is absent", decision.previous_id,
        )  # fmt: skip


def _lightest_teammate(
    owner: Collector, pool: _Pool | None, by_id: dict[int, Collector], load: dict[int, int],
    covering: dict[int, int],
) -> Collector | None:  # fmt: skip
    """The present teammate eligible for the account with the lightest load, or None."""
    # A pinned account's owner may be outside the rule's pool: any teammate then.
    people = pool.collectors if pool is not None and owner.id in pool.ids else by_id.values()
    candidates = [c for c in people if c.team == owner.team and c.id != owner.id
                  and c.active and not c.absent]  # fmt: skip
    return min(
        candidates,
        key=lambda c: ((load[c.id] + covering[c.id]) / max(c.capacity, 1), c.id),
        default=None,
    )
