"""Scenarios and properties of assignment: rules, stickiness, balance, absence cover."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.core.assignment import AccountFacts, Collector, Rule, assign

CN = Rule("cn-chinese", "CN collections", clients=frozenset({"cn-consumer"}),
          languages=frozenset({"zh-CN"}), match_language=True)  # fmt: skip
B2B = Rule("b2b", "B2B", clients=frozenset({"b2b-receivables"}), skill="b2b")
US = Rule("us", "US agency", jurisdictions=("US-*",))


def account(id_: int, client: str = "cn-consumer", **kw) -> AccountFacts:
    kw.setdefault("language", "zh-CN")
    return AccountFacts(id=id_, client=client, **kw)


def collector(id_: int, team: str = "CN collections", capacity: int = 10, **kw) -> Collector:
    kw.setdefault("languages", frozenset({"zh-CN"}))
    return Collector(id=id_, team=team, capacity=capacity, **kw)


class TestRules:
    def test_the_first_matching_rule_picks_the_team_and_says_so(self):
        people = [collector(1), collector(2, "US agency", languages=frozenset({"en-US"}))]
        decisions = assign([account(10), account(11, "us-agency", language="en-US",
                                                     jurisdiction="US-NY")],
                           people, [CN, US])  # fmt: skip
        assert [(d.rule, d.team, d.owner_id, d.reason) for d in decisions] == [
            ("cn-chinese", "CN collections", 1, "new"),
            ("us", "US agency", 2, "new"),
        ]

    def test_an_account_no_rule_matches_stays_unassigned(self):
        (decision,) = assign([account(10, "unknown")], [collector(1)], [CN])
        assert decision.owner_id is None and decision.reason == "unassigned: no rule matches"

    def test_skills_and_languages_decide_who_is_eligible(self):
        people = [collector(1, "B2B"), collector(2, "B2B", skills=frozenset({"b2b"}))]
        (decision,) = assign([account(10, "b2b-receivables")], people, [B2B])
        assert decision.owner_id == 2
        english = [collector(3, languages=frozenset({"en-US"}))]
        (decision,) = assign([account(11)], english, [CN])
        assert decision.owner_id is None and "no capacity in team CN collections" in decision.reason

    def test_balance_bounds_and_segments(self):
        big = Rule("big", "Seniors", min_balance_minor=1_000_000, segments=frozenset({"late"}))
        rules = [big, Rule("rest", "CN collections")]
        people = [collector(1), collector(2, "Seniors")]
        accounts = [account(10, balance_minor=2_000_000, segment="late"),
                    account(11, balance_minor=2_000_000, segment="early"),
                    account(12, balance_minor=5, segment="late")]  # fmt: skip
        decisions = assign(accounts, people, rules)
        assert [d.owner_id for d in decisions] == [2, 1, 1]


class TestStickinessAndBalance:
    def test_an_account_stays_with_its_eligible_collector(self):
        people = [collector(1), collector(2)]
        decisions = assign([account(10, assignee_id=2), account(11, assignee_id=2)], people, [CN])
        assert [(d.owner_id, d.reason, d.moved) for d in decisions] == [(2, "kept", False)] * 2

    def test_new_accounts_spread_by_load_relative_to_capacity(self):
        people = [collector(1, capacity=10), collector(2, capacity=30)]
        decisions = assign([account(i) for i in range(20)], people, [CN])
        assert Counter(d.owner_id for d in decisions) == {1: 5, 2: 15}

    def test_nobody_gets_more_than_capacity_and_the_rest_wait(self):
        decisions = assign([account(i) for i in range(5)], [collector(1, capacity=3)], [CN])
        assert [d.owner_id for d in decisions].count(1) == 3
        assert sum(d.owner_id is None for d in decisions) == 2

    def test_a_disabled_or_ineligible_collector_loses_the_account(self):
        people = [collector(1, active=False), collector(2), collector(3, "B2B")]
        decisions = assign([account(10, assignee_id=1), account(11, assignee_id=3)], people, [CN])
        assert [(d.owner_id, d.reason) for d in decisions] == [
            (2, "moved: collector inactive"),
            (2, "moved: not eligible for rule cn-chinese"),
        ]

    def test_a_collector_over_capacity_keeps_only_what_fits(self):
        people = [collector(1, capacity=1), collector(2)]
        decisions = assign([account(10, assignee_id=1), account(11, assignee_id=1)], people, [CN])
        assert [(d.owner_id, d.reason) for d in decisions] == [
            (1, "kept"), (2, "moved: collector over capacity")]  # fmt: skip

    def test_a_pinned_account_stays_with_the_collector_a_person_chose(self):
        people = [collector(1), collector(2, "B2B")]
        (decision,) = assign([account(10, assignee_id=2, pinned=True)], people, [CN])
        assert (decision.owner_id, decision.reason) == (2, "pinned")

    def test_specialists_are_kept_for_the_accounts_only_they_can_take(self):
        rules = [Rule("b2b", "B2B", clients=frozenset({"b2b"}), skill="b2b"), Rule("any", "B2B")]
        people = [collector(1, "B2B", capacity=2, skills=frozenset({"b2b"})),
                  collector(2, "B2B", capacity=2)]  # fmt: skip
        accounts = [account(10, "other"), account(11, "other"), account(12, "b2b"),
                    account(13, "b2b")]  # fmt: skip
        owners = [d.owner_id for d in assign(accounts, people, rules)]
        assert owners == [2, 2, 1, 1]


class TestAbsence:
    def test_an_absent_owner_keeps_the_account_and_a_teammate_covers_it(self):
        people = [collector(1, absent=True), collector(2), collector(3, capacity=100)]
        decisions = assign([account(10, assignee_id=1), account(11)], people, [CN])
        assert (decisions[0].owner_id, decisions[0].covering_id) == (1, 3)
        assert decisions[0].worker_id == 3 and not decisions[0].moved
        assert decisions[1].owner_id in (2, 3) and decisions[1].covering_id is None

    def test_the_named_cover_takes_the_accounts(self):
        people = [collector(1, absent=True, cover_id=2), collector(2), collector(3, capacity=99)]
        (decision,) = assign([account(10, assignee_id=1)], people, [CN])
        assert decision.covering_id == 2
        assert "covered while the owner is absent" in decision.reason

    def test_after_the_absence_the_account_is_the_owners_again(self):
        (decision,) = assign([account(10, assignee_id=1)], [collector(1), collector(2)], [CN])
        assert (decision.owner_id, decision.covering_id) == (1, None)

    def test_new_accounts_never_go_to_an_absent_collector(self):
        people = [collector(1, absent=True, capacity=100), collector(2, capacity=1)]
        decisions = assign([account(10), account(11)], people, [CN])
        assert [d.owner_id for d in decisions] == [2, None]


# -- properties -------------------------------------------------------------------------------

TEAMS = ("A", "B", "C")
team_rules = [Rule(f"to-{t}", t, clients=frozenset({t})) for t in TEAMS]

accounts_strategy = st.lists(
    st.builds(
        lambda client, balance, assignee: AccountFacts(
            id=0, client=client, balance_minor=balance, assignee_id=assignee
        ),
        st.sampled_from(TEAMS),
        st.integers(0, 10**9),
        st.one_of(st.none(), st.integers(1, 12)),
    ),
    max_size=120,
)
collectors_strategy = st.lists(
    st.tuples(st.sampled_from(TEAMS), st.integers(0, 40), st.booleans(), st.booleans()),
    min_size=1,
    max_size=12,
)


def _build(raw_accounts, raw_collectors):
    accounts = [
        AccountFacts(
            id=i, client=a.client, balance_minor=a.balance_minor, assignee_id=a.assignee_id
        )
        for i, a in enumerate(raw_accounts)
    ]
    people = [
        Collector(id=i + 1, team=t, capacity=cap, active=active, absent=absent)
        for i, (t, cap, active, absent) in enumerate(raw_collectors)
    ]
    return accounts, people


@settings(max_examples=150, deadline=None)
@given(accounts_strategy, collectors_strategy)
def test_nobody_exceeds_capacity(raw_accounts, raw_collectors):
    accounts, people = _build(raw_accounts, raw_collectors)
    owned = Counter(d.owner_id for d in assign(accounts, people, team_rules) if d.owner_id)
    assert all(owned[c.id] <= c.capacity for c in people)


@settings(max_examples=150, deadline=None)
@given(accounts_strategy, collectors_strategy)
def test_every_account_is_assigned_when_the_team_has_room(raw_accounts, raw_collectors):
    accounts, people = _build(raw_accounts, raw_collectors)
    decisions = assign(accounts, people, team_rules)
    for team in TEAMS:
        # Room: the present, active members' capacity (absent owners keep what they have).
        room = sum(c.capacity for c in people if c.team == team and c.active and not c.absent)
        wanted = sum(a.client == team for a in accounts)
        if room >= wanted:
            mine = [d for d, a in zip(decisions, accounts, strict=True) if a.client == team]
            assert all(d.owner_id is not None for d in mine)
            assert all(d.worker_id is not None for d in mine)


@settings(max_examples=100, deadline=None)
@given(accounts_strategy, collectors_strategy)
def test_deterministic_and_sticky(raw_accounts, raw_collectors):
    accounts, people = _build(raw_accounts, raw_collectors)
    first = assign(accounts, people, team_rules)
    assert first == assign(list(accounts), list(people), team_rules)
    # Running again on the result changes no owner: a run is a fixed point.
    again = [
        AccountFacts(
            id=a.id, client=a.client, balance_minor=a.balance_minor, assignee_id=d.owner_id
        )
        for a, d in zip(accounts, first, strict=True)
    ]
    assert [d.owner_id for d in assign(again, people, team_rules)] == [d.owner_id for d in first]
