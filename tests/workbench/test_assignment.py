"""Scenarios: rules give accounts to collectors; people leave, go on holiday, hand over."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from arrears.errors import ConfigError, Conflict, InvalidInput, NotFound
from arrears.kit.crypto import FieldCipher
from arrears.store.records import (
    AccountRecord,
    AuditEventRecord,
    ClientRecord,
    ContactPointRecord,
    DebtorRecord,
    InteractionRecord,
    PromiseRecord,
    TaskRecord,
)
from arrears.workbench import assignment, staff, users
from arrears.workbench.assignment_rules import load_rules

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAY = AT.date()
CIPHER = FieldCipher(bytes(range(32)))
RULES = load_rules(Path(__file__).parents[2] / "config" / "assignment.yaml")
CLIENTS = {"cn-consumer": ("CN", "CNY"), "b2b-receivables": ("CN", "CNY"),
           "us-agency": ("US", "USD"), "uk-utility": ("GB", "GBP")}  # fmt: skip


def seed_accounts(uow_factory, specs) -> dict[str, int]:
    """specs: (ref, client, language, principal_minor[, status]); returns ref -> account id."""
    ids = {}
    with uow_factory() as uow:
        s = uow.session
        clients = {}
        for code, (jurisdiction, currency) in CLIENTS.items():
            found = uow.clients.get_by_code(code)
            if found is None:
                found = ClientRecord(code=code, name=code, jurisdiction=jurisdiction,
                                     currency=currency, settings={}, created_at=AT)  # fmt: skip
                s.add(found)
                s.flush()
            clients[code] = found
        for ref, client, language, principal, *rest in specs:
            jurisdiction, currency = CLIENTS[client]
            jurisdiction = "US-NY" if jurisdiction == "US" else jurisdiction
            debtor = DebtorRecord(client_id=clients[client].id, debtor_ref=f"D-{ref}",
                                  name=f"Debtor {ref}", name_key=f"debtor {ref}",
                                  national_id_last4="123X", language=language,
                                  jurisdiction=jurisdiction, time_zones=[], risk_flags=[],
                                  address="1 Main St", city="Springfield", created_at=AT,
                                  updated_at=AT)  # fmt: skip
            s.add(debtor)
            s.flush()
            for kind, value, dnc in (("mobile", "+8613800138000", False),
                                     ("email", "do-not@example.com", True)):  # fmt: skip
                s.add(ContactPointRecord(debtor_id=debtor.id, kind=kind, value=value,
                                         time_zones=[], consents={}, opt_outs=[],
                                         do_not_contact=dnc, first_seen_at=AT,
                                         last_seen_at=AT))  # fmt: skip
            account = AccountRecord(client_id=clients[client].id, account_ref=ref,
                                    debtor_id=debtor.id, currency=currency,
                                    principal_minor=principal, interest_minor=0, fees_minor=0,
                                    costs_minor=0, credit_minor=0, due_on=date(2026, 6, 1),
                                    status=rest[0] if rest else "active", holds=[], arms={},
                                    jurisdiction=jurisdiction, created_at=AT,
                                    updated_at=AT)  # fmt: skip
            s.add(account)
            s.flush()
            ids[ref] = account.id
        uow.commit()
    return ids


STAFF = (
    staff.DemoPerson("li.na", "李娜", "collector", "CN collections", ("zh-CN",)),
    staff.DemoPerson("wang.fang", "王芳", "collector", "CN collections", ("zh-CN",)),
    staff.DemoPerson(
        "zhang.wei", "张伟", "collector", "CN collections", ("zh-CN",), ("high_balance",)
    ),
    staff.DemoPerson("zhao.min", "赵敏", "collector", "B2B", ("zh-CN",), ("b2b",)),
    staff.DemoPerson("chen.jing", "陈静", "supervisor", "CN collections", ("zh-CN",)),
)


def seed_staff(uow_factory, capacity=10, password=None):
    with uow_factory() as uow:
        made = staff.seed_demo_staff(uow, rules=RULES, as_of=DAY, at=AT, capacity=capacity,
                                     staff=STAFF, password=password)  # fmt: skip
        uow.commit()
        return made


def seed_demo_twice(uow):
    return staff.seed_demo_staff(uow, rules=RULES, as_of=DAY, at=AT, staff=STAFF, capacity=10)


def run(uow_factory, day=DAY, at=AT, dry_run=False):
    with uow_factory() as uow:
        summary = assignment.run_rules(uow=uow, rules=RULES, as_of=day, at=at, by="test",
                                       dry_run=dry_run)  # fmt: skip
        uow.commit()
        return summary


def owners(uow_factory, ids) -> dict[str, str | None]:
    with uow_factory() as uow:
        out = {}
        for ref, account_id in ids.items():
            owner = uow.accounts.get(account_id).assignee_id
            out[ref] = uow.users.get(owner).username if owner else None
        return out


def portfolio(uow_factory):
    return seed_accounts(uow_factory, [
        ("CN-1", "cn-consumer", "zh-CN", 100_000), ("CN-2", "cn-consumer", "zh-CN", 200_000),
        ("CN-3", "cn-consumer", "zh-CN", 300_000), ("CN-BIG", "cn-consumer", "zh-CN", 9_000_000),
        ("B2B-1", "b2b-receivables", "zh-CN", 5_000_000),
        ("UK-1", "uk-utility", "en-US", 10_000),
    ])  # fmt: skip


class TestRuleRuns:
    def test_the_demo_staff_get_the_accounts_their_rules_name(self, uow_factory):
        ids = portfolio(uow_factory)
        made = seed_staff(uow_factory)
        assert set(made.passwords) == {p.username for p in STAFF}
        got = owners(uow_factory, ids)
        assert got["CN-BIG"] == "zhang.wei" and got["B2B-1"] == "zhao.min"
        assert {got["CN-1"], got["CN-2"], got["CN-3"]} <= {"li.na", "wang.fang", "zhang.wei"}
        # Spread over the team: four accounts, three collectors, nobody holds three.
        spread = Counter(got[r] for r in ("CN-1", "CN-2", "CN-3", "CN-BIG"))
        assert sorted(spread.values()) == [1, 1, 2]
        assert got["UK-1"] is None  # no UK collector: waits, and says why
        assert made.run.waiting == {"no capacity in team UK": 1}
        with uow_factory() as uow:
            (row,) = uow.assignment.history(ids["B2B-1"])
            assert (row.rule, row.reason, row.ended_at) == ("b2b-receivables", "new", None)
            assert uow.audit.count("assignment.run") == 1

    def test_the_demo_can_give_its_users_a_known_password(self, uow_factory):
        made = seed_staff(uow_factory, password="demo-password-2026")
        assert set(made.passwords.values()) == {"demo-password-2026"}
        with uow_factory() as uow:
            result = users.authenticate(uow=uow, username="li.na", at=AT, cipher=CIPHER,
                                        password="demo-password-2026")  # fmt: skip
            assert result.outcome == "ok"
            assert seed_demo_twice(uow).passwords == {}  # nobody created twice

    def test_a_second_run_keeps_everything_where_it_is(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        before = owners(uow_factory, ids)
        summary = run(uow_factory)
        assert (summary.kept, summary.moved, summary.new) == (5, 0, 0)
        assert owners(uow_factory, ids) == before
        with uow_factory() as uow:
            assert len(uow.assignment.history(ids["CN-1"])) == 1

    def test_a_dry_run_changes_nothing(self, uow_factory):
        ids = portfolio(uow_factory)
        summary = run(uow_factory, dry_run=True)
        assert summary.unassigned == 6 and all(v is None for v in owners(uow_factory, ids).values())

    def test_a_disabled_collectors_accounts_go_to_a_teammate_with_a_briefing(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        before = owners(uow_factory, ids)
        leaver = before["CN-1"]
        theirs = [ref for ref, name in before.items() if name == leaver]
        with uow_factory() as uow:
            uow.session.add(InteractionRecord(account_id=ids["CN-1"], debtor_id=1, channel="call",
                                              direction="out", occurred_at=AT, outcome="promise",
                                              notes="will pay on payday", details={}))  # fmt: skip
            users.disable_user(uow=uow, username=leaver, at=AT, by="admin")
            uow.commit()
        later = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
        summary = run(uow_factory, at=later)
        assert summary.moved == len(theirs) and {m[1] for m in summary.moves} == {leaver}
        new = owners(uow_factory, ids)["CN-1"]
        assert new not in (None, leaver)
        with uow_factory() as uow:
            tasks = uow.session.scalars(select(TaskRecord).where(TaskRecord.kind == "handover"))
            (task,) = [t for t in tasks if t.account_id == ids["CN-1"]]
            assert task.assignee_id == uow.users.by_username(new).id
            assert task.details["from"] == leaver
            assert task.details["history"]["notes"][0]["text"] == "will pay on payday"
            assert task.details["reason"] == "moved: collector inactive"
            history = uow.assignment.history(ids["CN-1"])
            assert [h.ended_at is None for h in history] == [False, True]
            actions = uow.session.scalars(select(AuditEventRecord.action)).all()
            assert "account.reassigned" in actions


class TestAbsences:
    def test_a_cover_works_the_accounts_during_the_absence_and_they_return(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        before = owners(uow_factory, ids)
        owner = before["CN-1"]
        cover = "wang.fang" if owner != "wang.fang" else "li.na"
        with uow_factory() as uow:
            staff.add_absence(uow=uow, username=owner, starts_on=date(2026, 11, 23),
                              ends_on=date(2026, 11, 27), cover=cover, at=AT, by="sup")  # fmt: skip
            uow.commit()
        summary = run(uow_factory, day=date(2026, 11, 23))
        assert summary.covered == list(before.values()).count(owner) and summary.moved == 0
        assert owners(uow_factory, ids)["CN-1"] == owner  # still the owner
        with uow_factory() as uow:
            cover_id = uow.users.by_username(cover).id
            owner_id = uow.users.by_username(owner).id
            assert ids["CN-1"] in assignment.assignments_of(uow, cover_id)
            assert ids["CN-1"] not in assignment.assignments_of(uow, owner_id)
        run(uow_factory, day=date(2026, 11, 28))
        with uow_factory() as uow:
            assert ids["CN-1"] in assignment.assignments_of(uow, owner_id)
            periods = [(h.owner_id, h.covering_id) for h in uow.assignment.history(ids["CN-1"])]
            assert periods == [(owner_id, None), (owner_id, cover_id), (owner_id, None)]

    def test_bad_absences_are_refused(self, uow_factory):
        seed_staff(uow_factory)
        with uow_factory() as uow:
            with pytest.raises(InvalidInput, match="before it starts"):
                staff.add_absence(uow=uow, username="li.na", starts_on=date(2026, 11, 5),
                                  ends_on=date(2026, 11, 1), at=AT, by="sup")  # fmt: skip
            with pytest.raises(NotFound):
                staff.add_absence(uow=uow, username="nobody", starts_on=DAY, ends_on=DAY, at=AT,
                                  by="sup")  # fmt: skip
            with pytest.raises(InvalidInput, match="cannot cover"):
                staff.add_absence(uow=uow, username="li.na", starts_on=DAY, ends_on=DAY,
                                  cover="li.na", at=AT, by="sup")  # fmt: skip


class TestMovingByHand:
    def test_a_moved_account_is_pinned_briefed_and_audited(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        with uow_factory() as uow:
            uow.session.add(PromiseRecord(account_id=ids["CN-2"], debtor_id=2, amount_minor=5000,
                                          currency="CNY", due_on=date(2026, 11, 25),
                                          channel="call", taken_by="li.na", status="pending",
                                          created_at=AT, updated_at=AT))  # fmt: skip
            (moved,) = assignment.move(uow=uow, account_ids=[ids["CN-2"]], to_user="zhao.min",
                                       reason="speaks with the debtor's company", by="chen.jing",
                                       at=AT)  # fmt: skip
            uow.commit()
        assert moved.owner == "zhao.min"
        run(uow_factory, at=datetime(2026, 11, 22, tzinfo=UTC))
        assert owners(uow_factory, ids)["CN-2"] == "zhao.min"  # the rules do not undo it
        with uow_factory() as uow:
            task = uow.tasks.get(moved.task_id)
            assert task.kind == "handover" and task.details["history"]["promises"][0][
                "amount_minor"] == 5000  # fmt: skip
            current = uow.assignment.current(ids["CN-2"])
            assert current.pinned and current.reason.startswith("moved by chen.jing")
            events = uow.audit.for_entity("account", str(ids["CN-2"]))
            assert events[-1].action == "account.reassigned"
            assert events[-1].after["reason"] == "speaks with the debtor's company"

    def test_a_supervisor_may_take_an_account_but_runs_give_them_no_new_ones(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        with uow_factory() as uow:
            assignment.move(uow=uow, account_ids=[ids["CN-3"]], to_user="chen.jing",
                            reason="complaint: I call myself", by="chen.jing", at=AT)  # fmt: skip
            uow.commit()
        summary = run(uow_factory, at=datetime(2026, 11, 22, tzinfo=UTC))
        assert owners(uow_factory, ids)["CN-3"] == "chen.jing"
        assert summary.per_collector["chen.jing"] == 1 and summary.moved == 0
        with uow_factory() as uow:
            chen = uow.users.by_username("chen.jing").id
            assert assignment.assignments_of(uow, chen) == [ids["CN-3"]]

    def test_a_move_to_a_team_goes_to_its_least_loaded_member(self, uow_factory):
        ids = portfolio(uow_factory)
        seed_staff(uow_factory)
        with uow_factory() as uow:
            (moved,) = assignment.move(uow=uow, account_ids=[ids["B2B-1"]],
                                       to_team="CN collections", reason="consumer now", by="sup",
                                       at=AT)  # fmt: skip
            uow.commit()
        # Two of the three CN collectors hold two accounts (CN-BIG went to zhang.wei).
        with uow_factory() as uow:
            load = uow.assignment.load(assignment.ASSIGNABLE)
            assert load[uow.users.by_username(moved.owner).id] == 2
        assert moved.previous == "zhao.min"

    def test_refusals(self, uow_factory):
        ids = portfolio(uow_factory)
        ids.update(seed_accounts(uow_factory, [("CN-P", "cn-consumer", "zh-CN", 1, "placed")]))
        seed_staff(uow_factory)
        with uow_factory() as uow:
            users.disable_user(uow=uow, username="wang.fang", at=AT, by="admin")
            with pytest.raises(Conflict, match="disabled"):
                assignment.move(uow=uow, account_ids=[ids["CN-1"]], to_user="wang.fang",
                                reason="x", by="sup", at=AT)  # fmt: skip
            with pytest.raises(Conflict, match="placed"):
                assignment.move(uow=uow, account_ids=[ids["CN-P"]], to_user="li.na",
                                reason="x", by="sup", at=AT)  # fmt: skip
            with pytest.raises(InvalidInput, match="reason"):
                assignment.move(uow=uow, account_ids=[ids["CN-1"]], to_user="li.na", reason=" ",
                                by="sup", at=AT)  # fmt: skip
            with pytest.raises(InvalidInput, match="one of the two"):
                assignment.move(uow=uow, account_ids=[ids["CN-1"]], reason="x", by="sup", at=AT)
            with pytest.raises(NotFound, match="no team"):
                assignment.move(uow=uow, account_ids=[ids["CN-1"]], to_team="Mars", reason="x",
                                by="sup", at=AT)  # fmt: skip


class TestRulesFile:
    def test_mistakes_are_reported_with_file_line_and_field(self, tmp_path):
        path = tmp_path / "assignment.yaml"
        path.write_text('version: "1"\nrules:\n  - name: a\n    team: T\n    when:\n'
                        '      clients: [x]\n      languages: [fr-FR]\n  - name: a\n'
                        '    team: T\n    skil: b2b\n', encoding="utf-8")  # fmt: skip
        with pytest.raises(ConfigError) as caught:
            load_rules(path)
        message = str(caught.value)
        expected = "line 7: rules[0].when.languages[0]: Input should be 'zh-CN' or 'en-US'"
        assert f"{path} {expected}" in message
        assert "line 10: rules[1].skil: unknown key" in message

    def test_repeated_names_are_refused(self, tmp_path):
        path = tmp_path / "assignment.yaml"
        path.write_text('version: "1"\nrules:\n  - {name: a, team: T}\n  - {name: a, team: U}\n',
                        encoding="utf-8")  # fmt: skip
        with pytest.raises(ConfigError, match=r"line 4: rules\[1\].name: 'a' is already rules"):
            load_rules(path)
