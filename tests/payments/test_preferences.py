"""Scenarios: a debtor chooses how and when they may be contacted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from arrears.errors import InvalidInput
from arrears.payments.preferences import preferences, set_preferences
from arrears.store.queries.planning import contact_points
from arrears.store.records import AuditEventRecord, ContactPointRecord
from tests.payments.test_disputes import AT, seed

pytestmark = pytest.mark.db
EVENINGS = {"days": ["fri", "mon"], "from": "18:00", "to": "21:00", "until": None}


def debtor_of(uow_factory, account_id: int) -> int:
    with uow_factory() as uow:
        return uow.accounts.get(account_id).debtor_id


def choose(uow_factory, debtor_id: int, **kwargs):
    values = {"opt_outs": {}, "consents": {}, "inconvenient_times": [], **kwargs}
    with uow_factory() as uow:
        result = set_preferences(uow=uow, debtor_id=debtor_id, by="portal", at=AT, **values)
        uow.commit()
    return result


class TestChoosingPreferences:
    def test_stopping_texts_marks_every_mobile_and_is_audited(self, uow_factory):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        after = choose(uow_factory, debtor_id, opt_outs={"sms": True}, consents={"email": True})
        assert after.opted_out == {"sms"} and after.consents == {"email"}
        with uow_factory() as uow:
            mobile = uow.session.scalars(
                select(ContactPointRecord).where(ContactPointRecord.kind == "mobile")
            ).one()
            assert [o["channel"] for o in mobile.opt_outs] == ["sms"]
            assert "debtor.preferences" in uow.session.scalars(select(AuditEventRecord.action))

    def test_opting_back_in_removes_the_opt_out_and_withdrawing_consent_removes_it(
        self, uow_factory
    ):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        choose(uow_factory, debtor_id, opt_outs={"sms": True}, consents={"texts": True})
        after = choose(uow_factory, debtor_id, opt_outs={"sms": False}, consents={"texts": False})
        assert after.opted_out == frozenset() and after.consents == frozenset()

    def test_the_view_masks_every_address(self, uow_factory):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        with uow_factory() as uow:
            shown = {p.kind: p.masked for p in preferences(uow, debtor_id).points}
        assert shown["mobile"].endswith("0123") and "2025550" not in shown["mobile"]
        assert shown["email"] == "a***@example.com"
        assert "Main" not in shown["address"]


class TestInconvenientTimes:
    def test_they_reach_the_compliance_engine_through_the_planning_query(self, uow_factory):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        until = {**EVENINGS, "until": "2027-01-31"}
        choose(uow_factory, debtor_id, inconvenient_times=[until])
        with uow_factory() as uow:
            frame = contact_points(uow.session, debtor_ids=[debtor_id])
        (intervals,) = frame["inconvenient_times"].unique(maintain_order=True).to_list()
        assert intervals == [{"days": ["mon", "fri"], "from": "18:00", "to": "21:00",
                              "until": date(2027, 1, 31)}]  # fmt: skip

    @pytest.mark.parametrize(
        ("interval", "message"),
        [({**EVENINGS, "days": ["someday"]}, "days"), ({**EVENINGS, "from": "25:00"}, "from"),
         ({**EVENINGS, "from": "21:00", "to": "18:00"}, "after"),
         ({**EVENINGS, "colour": "red"}, "colour")],
    )  # fmt: skip
    def test_a_bad_interval_is_refused_with_where(self, uow_factory, interval, message):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        with pytest.raises(InvalidInput, match=message):
            choose(uow_factory, debtor_id, inconvenient_times=[interval])

    def test_unknown_channels_are_refused(self, uow_factory):
        debtor_id = debtor_of(uow_factory, seed(uow_factory))
        with pytest.raises(InvalidInput, match="pigeon"):
            choose(uow_factory, debtor_id, opt_outs={"pigeon": True})
