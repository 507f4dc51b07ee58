"""Scenarios: accounts are placed with an agency (委外), exported, recalled, paid for."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import select

from arrears.errors import Conflict, IllegalTransition, InvalidInput
from arrears.payments.service import PaymentInput, record_payment, reverse_payment
from arrears.store.records import AuditEventRecord
from arrears.workbench import assignment, placements
from tests.workbench.test_assignment import AT, seed_accounts, seed_staff

pytestmark = pytest.mark.db
LATER = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


def setup(uow_factory, rate="0.15"):
    ids = seed_accounts(uow_factory, [
        ("US-1", "us-agency", "en-US", 100_000), ("US-2", "us-agency", "en-US", 50_000),
        ("US-D", "us-agency", "en-US", 70_000, "disputed"),
        ("CN-1", "cn-consumer", "zh-CN", 100_000),
    ])  # fmt: skip
    with uow_factory() as uow:
        placements.add_agency(uow=uow, code="acme", name="Acme Recoveries", commission_rate=rate,
                              at=AT, by="admin")  # fmt: skip
        uow.commit()
    return ids


def place(uow_factory, ids, refs=("US-1", "US-2"), at=AT):
    with uow_factory() as uow:
        done = placements.place(uow=uow, agency_code="acme", account_ids=[ids[r] for r in refs],
                                at=at, by="sup")  # fmt: skip
        uow.commit()
        return [p.id for p in done]


def pay(uow_factory, account_id, minor, on, ref):
    with uow_factory() as uow:
        account = uow.accounts.get(account_id)
        record = record_payment(uow=uow, account=account, at=AT, actor="test",
                                payment=PaymentInput(ref, minor, "USD", on))  # fmt: skip
        uow.commit()
        return record.id


class TestPlacing:
    def test_a_selection_is_placed_and_leaves_the_collectors(self, uow_factory):
        ids = setup(uow_factory)
        seed_staff(uow_factory)
        with uow_factory() as uow:
            chosen = placements.select_accounts(uow, client="us-agency", as_of=date(2026, 11, 20),
                                                min_dpd=90)  # fmt: skip
            assert chosen == [ids["US-1"], ids["US-2"]]  # not the disputed one
            assert placements.select_accounts(uow, client="us-agency", as_of=date(2026, 6, 2),
                                              min_dpd=90) == []  # fmt: skip
        with uow_factory() as uow:  # a collector works it in-house until it is placed
            assignment.move(uow=uow, account_ids=[ids["US-1"]], to_user="li.na", reason="cover",
                            by="sup", at=AT)  # fmt: skip
            uow.commit()
        place(uow_factory, ids)
        with uow_factory() as uow:
            account = uow.accounts.get(ids["US-1"])
            assert (account.status, account.assignee_id) == ("placed", None)
            (placement,) = uow.assignment.placements(agency_id=uow.assignment.agency("acme").id,
                                                     ids=None)[:1]  # fmt: skip
            assert (placement.placed_minor, placement.prior_status) == (100_000, "active")
            assert uow.assignment.current(ids["US-1"]).reason == "placed with acme"
            actions = uow.session.scalars(select(AuditEventRecord.action)).all()
            assert actions.count("account.placed") == 2

    def test_the_lifecycle_decides_what_can_be_placed(self, uow_factory):
        ids = setup(uow_factory)
        with pytest.raises(IllegalTransition, match="'disputed' to 'placed'"):
            place(uow_factory, ids, refs=("US-D",))
        with uow_factory() as uow:
            with pytest.raises(InvalidInput, match="between 0 and 1"):
                placements.add_agency(uow=uow, code="greedy", name="G", commission_rate="18",
                                      at=AT, by="admin")  # fmt: skip
            with pytest.raises(Conflict, match="already exists"):
                placements.add_agency(uow=uow, code="acme", name="A", commission_rate="0.1",
                                      at=AT, by="admin")  # fmt: skip


class TestExport:
    def test_the_agency_file_has_what_it_needs_and_no_more(self, uow_factory, tmp_path):
        ids = setup(uow_factory)
        place(uow_factory, ids)
        with uow_factory() as uow:
            rows = placements.export_rows(uow, agency_code="acme", as_of=date(2026, 11, 20))
        first = rows[0]
        assert first["account_ref"] == "US-1" and first["placed_balance"] == "1000.00"
        assert first["national_id"] == "****123X"  # only the last four characters
        assert first["phones"] == "+8613800138000"
        assert first["emails"] == ""  # the e-mail is marked do-not-contact
        assert first["days_past_due"] == "172"
        path = placements.write_export(rows, tmp_path / "acme.csv")
        with path.open(encoding="utf-8-sig") as handle:
            read = list(csv.DictReader(handle))
        assert tuple(read[0]) == placements.COLUMNS and read == rows
        book = openpyxl.load_workbook(placements.write_export(rows, tmp_path / "acme.xlsx"))
        sheet = book["placements"]
        assert [c.value for c in sheet[1]] == list(placements.COLUMNS)
        assert sheet.cell(row=2, column=placements.COLUMNS.index("balance") + 1).value == "1000.00"
        with pytest.raises(InvalidInput, match=r"\.csv or \.xlsx"):
            placements.write_export(rows, tmp_path / "acme.pdf")


class TestRecall:
    def test_recalled_accounts_are_worked_in_house_again(self, uow_factory):
        ids = setup(uow_factory)
        place(uow_factory, ids)
        with uow_factory() as uow:
            (done,) = placements.recall(uow=uow, account_ids=[ids["US-1"]],
                                        reason="debtor asked for the creditor", at=LATER,
                                        by="sup")  # fmt: skip
            uow.commit()
            assert done.status == "recalled"
            assert done.recall_reason == "debtor asked for the creditor"
            assert uow.accounts.get(ids["US-1"]).status == "active"
            placements.recall(uow=uow, account_ids=[ids["US-2"]], reason="end", at=LATER,
                              by="sup", resume=False)  # fmt: skip
            assert uow.accounts.get(ids["US-2"]).status == "recalled"
            with pytest.raises(Conflict, match="not placed"):
                placements.recall(uow=uow, account_ids=[ids["CN-1"]], reason="x", at=LATER,
                                  by="sup")  # fmt: skip


class TestCommission:
    def test_rate_times_money_received_while_placed_rounded_once(self, uow_factory):
        ids = setup(uow_factory)
        pay(uow_factory, ids["US-1"], 5_000, date(2026, 11, 1), "before")  # before placement
        place(uow_factory, ids)
        pay(uow_factory, ids["US-1"], 1_000, date(2026, 11, 25), "p1")
        pay(uow_factory, ids["US-2"], 30, date(2026, 11, 26), "p2")
        pay(uow_factory, ids["US-2"], 500, date(2026, 11, 27), "p3")
        with uow_factory() as uow:
            account = uow.accounts.get(ids["US-2"])
            bounced = uow.payments.by_reference(account.client_id, "p3")
            reverse_payment(
                uow=uow,
                account=account,
                original=bounced,
                at=AT,
                actor="test",
                reversal=PaymentInput("p3-r", 500, "USD", date(2026, 11, 28)),
            )
            placements.recall(uow=uow, account_ids=[ids["US-1"]], reason="end", at=LATER, by="s")
            uow.commit()
        pay(uow_factory, ids["US-1"], 7_000, date(2026, 12, 15), "after")  # after the recall
        with uow_factory() as uow:
            (line,) = placements.commission(uow, first=date(2026, 11, 1), last=date(2026, 12, 31))
            # 10.00 + 0.30 (+5.00 - 5.00 reversed) = 10.30 USD x 0.15 = 1.545 -> 1.55
            assert (line.agency, line.currency, line.collected_minor) == ("acme", "USD", 1_030)
            assert (line.commission_minor, line.accounts, line.payments) == (155, 2, 4)
            (december,) = placements.commission(
                uow, first=date(2026, 12, 1), last=date(2026, 12, 31), agency_code="acme"
            )
            assert december.collected_minor == 0 and december.commission_minor == 0
            with pytest.raises(InvalidInput, match="before it starts"):
                placements.commission(uow, first=date(2026, 12, 1), last=date(2026, 11, 1))
