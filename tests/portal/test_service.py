"""The portal's use cases on both backends: links, verification, lockout, actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from arrears.errors import InvalidInput
from arrears.portal import actions, service, views
from arrears.store.records import AuditEventRecord, InteractionRecord, TaskRecord
from tests.portal.conftest import AT, SECRET, seed

pytestmark = pytest.mark.db

GOOD = service.Answers("1985-03-21", "123x", "100 020")
BAD = service.Answers("1985-03-22", "123X", "100020")


def _session(uow_factory, token, at=AT):
    with uow_factory() as uow:
        link = service.open_link(uow, token, secret=SECRET, at=at)
        assert link is not None
        cookie, _ = service.start_session(uow, link, at=at)
        uow.commit()
        return cookie


def _verify(uow_factory, token, cookie, answers, at=AT):
    with uow_factory() as uow:
        link = service.open_link(uow, token, secret=SECRET, at=at)
        session = service.current_session(uow, link, cookie, at=at)
        verdict = service.verify(uow, session, answers, at=at, client_hash="h")
        uow.commit()
        return verdict


def _actions(uow_factory, account_id):
    with uow_factory() as uow:
        rows = uow.session.scalars(select(AuditEventRecord.action).where(
            AuditEventRecord.action.like("portal.%"))).all()  # fmt: skip
        return list(rows)


class TestLinks:
    def test_a_link_opens_until_it_expires_or_is_revoked(self, uow_factory):
        s = seed(uow_factory, days=2)
        with uow_factory() as uow:
            assert service.open_link(uow, s.token, secret=SECRET, at=AT) is not None
            assert service.open_link(uow, s.token, secret=SECRET,
                                     at=AT + timedelta(days=2, seconds=1)) is None  # fmt: skip
            assert service.open_link(uow, s.token, secret=b"other" * 8, at=AT) is None
            link = service.open_link(uow, s.token, secret=SECRET, at=AT)
            service.revoke_link(uow, link, by="test", at=AT)
            uow.commit()
        with uow_factory() as uow:
            assert service.open_link(uow, s.token, secret=SECRET, at=AT) is None

    def test_issuing_is_audited_and_bounded(self, uow_factory):
        s = seed(uow_factory)
        assert "portal.link_issued" in _actions(uow_factory, s.account_id)
        with uow_factory() as uow:
            account = uow.portal.account(s.account_id)
            with pytest.raises(InvalidInput):
                service.issue_link(uow=uow, account=account, secret=SECRET, at=AT, by="t",
                                   days=365)  # fmt: skip


class TestVerification:
    def test_the_right_answers_verify_and_are_audited_without_the_values(self, uow_factory):
        s = seed(uow_factory)
        before = _session(uow_factory, s.token)
        verdict = _verify(uow_factory, s.token, before, GOOD)
        assert verdict.status == "verified" and verdict.cookie and verdict.cookie != before
        cookie = verdict.cookie
        with uow_factory() as uow:
            link = service.open_link(uow, s.token, secret=SECRET, at=AT)
            session = service.current_session(uow, link, cookie, at=AT)
            assert service.verified(uow, session) is not None
            # the cookie known before verification is worthless afterwards (no fixation)
            assert service.current_session(uow, link, before, at=AT) is None
            events = uow.audit.for_entity("debtor", str(s.debtor_id))
            assert [e.action for e in events] == ["portal.verified"]
            text = repr([(e.before, e.after) for e in events])
            assert "1985" not in text and "123X" not in text and "100020" not in text
            timeline = uow.interactions.of_account(s.account_id)
            assert [(i.channel, i.direction, i.outcome) for i in timeline] == [
                ("portal", "in", "portal_verified")
            ]

    def test_nothing_is_shown_before_verification(self, uow_factory):
        s = seed(uow_factory)
        cookie = _session(uow_factory, s.token)
        with uow_factory() as uow:
            link = service.open_link(uow, s.token, secret=SECRET, at=AT)
            session = service.current_session(uow, link, cookie, at=AT)
            assert service.verified(uow, session) is None
        assert _verify(uow_factory, s.token, cookie, BAD).status == "failed"
        with uow_factory() as uow:
            link = service.open_link(uow, s.token, secret=SECRET, at=AT)
            assert service.verified(uow, service.current_session(uow, link, cookie, at=AT)) is None

    def test_the_account_number_tail_also_verifies(self, uow_factory):
        s = seed(uow_factory, ref="CN-7788")
        cookie = _session(uow_factory, s.token)
        answers = service.Answers("1985-03-21", "7788", "100020")
        assert _verify(uow_factory, s.token, cookie, answers).status == "verified"

    def test_five_failures_lock_the_debtor_out_then_the_lock_lifts(self, uow_factory):
        s = seed(uow_factory)
        cookie = _session(uow_factory, s.token)
        verdicts = [_verify(uow_factory, s.token, cookie, BAD, AT + timedelta(seconds=n))
                    for n in range(5)]  # fmt: skip
        assert [v.status for v in verdicts] == ["failed"] * 4 + ["locked"]
        assert [v.remaining for v in verdicts[:4]] == [4, 3, 2, 1]
        # locked: even the right answers are refused, and the refusal is audited
        later = AT + timedelta(minutes=10)
        cookie2 = _session(uow_factory, s.token, later)
        assert _verify(uow_factory, s.token, cookie2, GOOD, later).status == "locked"
        actions = _actions(uow_factory, s.account_id)
        assert actions.count("portal.verify_failed") == 5
        assert "portal.locked_out" in actions and "portal.verify_refused_locked" in actions
        after = AT + timedelta(minutes=31)
        cookie3 = _session(uow_factory, s.token, after)
        assert _verify(uow_factory, s.token, cookie3, GOOD, after).status == "verified"
        with uow_factory() as uow:
            attempts = uow.portal.attempts_of(s.debtor_id)
            assert [a.success for a in attempts] == [False] * 5 + [True]

    def test_failures_spread_wider_than_the_window_do_not_lock(self, uow_factory):
        s = seed(uow_factory)
        cookie = _session(uow_factory, s.token)
        for n in range(6):
            at = AT + timedelta(minutes=20 * n)
            cookie = _session(uow_factory, s.token, at)
            assert _verify(uow_factory, s.token, cookie, BAD, at).status == "failed"

    def test_a_debtor_with_too_little_on_file_cannot_verify_online(self, uow_factory):
        s = seed(uow_factory)
        with uow_factory() as uow:
            debtor = uow.portal.debtor(s.debtor_id)
            debtor.birth_date, debtor.postal_code = None, None
            uow.commit()
        cookie = _session(uow_factory, s.token)
        assert _verify(uow_factory, s.token, cookie, GOOD).status == "unavailable"

    def test_a_session_expires_when_idle_and_belongs_to_one_link(self, uow_factory):
        s = seed(uow_factory)
        other = seed(uow_factory, ref="CN-0002")
        cookie = _session(uow_factory, s.token)
        with uow_factory() as uow:
            link = service.open_link(uow, s.token, secret=SECRET, at=AT)
            assert service.current_session(uow, link, cookie, at=AT + timedelta(minutes=31)) is None
            link2 = service.open_link(uow, other.token, secret=SECRET, at=AT)
            assert service.current_session(uow, link2, cookie, at=AT) is None
            assert service.current_session(uow, link, "nonsense", at=AT) is None


def _verified(uow_factory, **kwargs):
    s = seed(uow_factory, **kwargs)
    verdict = _verify(uow_factory, s.token, _session(uow_factory, s.token), GOOD)
    assert verdict.status == "verified"
    return s, verdict.cookie


def _who(uow, s, cookie, at=AT):
    link = service.open_link(uow, s.token, secret=SECRET, at=at)
    return service.verified(uow, service.current_session(uow, link, cookie, at=at))


class TestWhatTheDebtorSees:
    def test_the_balance_is_itemised_with_the_creditor(self, uow_factory):
        s, cookie = _verified(uow_factory)
        with uow_factory() as uow:
            who = _who(uow, s, cookie)
            o = views.overview(uow, who)
            service.audit_view(uow, who, "home", at=AT)
            uow.commit()
        assert o.creditor == "Acme Consumer Finance"
        assert [(i.label, i.minor) for i in o.items] == [
            ("Principal", 1_000_000),
            ("Interest", 25_000),
            ("Fees", 5_000),
        ]
        assert o.total_minor == 1_030_000 and o.account_ref_masked.endswith("0001")
        assert o.validation is None
        assert "portal.viewed" in _actions(uow_factory, s.account_id)

    def test_a_us_debt_shows_the_validation_information(self, uow_factory):
        s, cookie = _verified(uow_factory, jurisdiction="US", currency="USD", language="en-US",
                              ref="US-0001")  # fmt: skip
        with uow_factory() as uow:
            v = views.overview(uow, _who(uow, s, cookie)).validation
        assert v is not None
        assert v.itemization_minor == 1_200_000 and v.balance_minor == 1_030_000
        assert v.interest_minor == 25_000 and v.fees_minor == 5_000
        # the lines add up (Reg F 1006.34(c)(2)): then + interest + fees - paid = now
        assert v.payments_credits_minor == 200_000
        assert (v.itemization_minor + v.interest_minor + v.fees_minor - v.payments_credits_minor
                == v.balance_minor)  # fmt: skip


class TestActions:
    def test_a_call_back_request_is_a_task_an_interaction_and_an_audit_event(self, uow_factory):
        s, cookie = _verified(uow_factory)
        with uow_factory() as uow:
            who = _who(uow, s, cookie)
            task_id = actions.request_callback(uow, who, day="2026-11-21", slot="morning",
                                               note="after 10 please", at=AT)  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            task = uow.session.get(TaskRecord, task_id)
            assert task.kind == "callback" and task.account_id == s.account_id
            assert task.due_at.isoformat() == "2026-11-21T01:00:00+00:00"  # 09:00 Shanghai
            outcomes = [i.outcome for i in uow.interactions.of_account(s.account_id)]
            assert "portal_callback_requested" in outcomes
        assert "portal.callback_requested" in _actions(uow_factory, s.account_id)

    def test_a_call_back_in_the_past_or_far_ahead_is_refused(self, uow_factory):
        s, cookie = _verified(uow_factory)
        with uow_factory() as uow:
            who = _who(uow, s, cookie)
            for day in ("2026-11-01", "2027-03-01", "not a date"):
                with pytest.raises(InvalidInput):
                    actions.request_callback(uow, who, day=day, slot="morning", note=None, at=AT)
            with pytest.raises(InvalidInput):
                actions.request_callback(uow, who, day="2026-11-21", slot="3am", note=None, at=AT)

    def test_opting_out_is_recorded_and_audited(self, uow_factory):
        s, cookie = _verified(uow_factory)
        with uow_factory() as uow:
            who = _who(uow, s, cookie)
            after = actions.set_preferences(uow, who, stop={"sms"}, consent={"email"},
                                            times=[{"days": ["sat", "sun"], "from": "08:00",
                                                    "to": "12:00"}], at=AT)  # fmt: skip
            uow.commit()
        assert after.opted_out == {"sms"} and "email" in after.consents
        with uow_factory() as uow:
            rows = uow.session.scalars(select(InteractionRecord).where(
                InteractionRecord.outcome == "portal_preferences")).all()  # fmt: skip
            assert len(rows) == 1 and rows[0].channel == "portal"
        assert "portal.preferences" in _actions(uow_factory, s.account_id)

    def test_a_dispute_opens_the_hold(self, uow_factory, tmp_path):
        from arrears.payments.documents import DocumentInput

        s, cookie = _verified(uow_factory)
        with uow_factory() as uow:
            who = _who(uow, s, cookie)
            actions.dispute(uow, who, reason="wrong_amount", details="I paid 500 in October",
                            uploads=[DocumentInput("receipt.pdf", b"%PDF-1.4\n", None)],
                            documents_root=tmp_path, at=AT)  # fmt: skip
            uow.commit()
        with uow_factory() as uow:
            account = uow.portal.account(s.account_id)
            assert account.status == "disputed"
            assert [h["kind"] for h in account.holds] == ["dispute"]
            timeline = uow.interactions.of_account(s.account_id)
            assert any(i.outcome == "dispute_opened" and i.channel == "portal" for i in timeline)
            who = _who(uow, s, cookie)
            assert [d.filename for d in actions.uploads(uow, who)] == ["receipt.pdf"]

    def test_amounts_are_parsed_exactly(self):
        assert actions.parse_amount("1,234.50", "CNY") == 123_450
        assert actions.parse_amount("100", "USD") == 10_000
        assert actions.parse_amount("¥ 12.3", "CNY") == 1_230
        for bad in ("", "abc", "-5", "0", "1.234", "NaN", "1e400"):
            with pytest.raises(InvalidInput):
                actions.parse_amount(bad, "USD")
