"""Scenarios: a signed-in browser, idle and absolute expiry, sign-out, resets end sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from arrears.store.records import StaffSessionRecord
from arrears.workbench import sessions, users
from tests.workbench.test_users import AT, add

pytestmark = pytest.mark.db


def open_session(uow_factory, username="li.na") -> str:
    with uow_factory() as uow:
        started = sessions.start(uow=uow, user=uow.users.by_username(username), at=AT)
        uow.commit()
        return started.cookie


def who(uow_factory, cookie, at):
    with uow_factory() as uow:
        staff = sessions.current(uow, cookie, at=at)
        found = (staff.user.username, staff.restricted) if staff else None
        uow.commit()
        return found


class TestSessions:
    def test_a_cookie_names_its_user_and_only_its_hash_is_stored(self, uow_factory):
        add(uow_factory)
        cookie = open_session(uow_factory)
        # A new user must change the one-time password: the session is restricted to that.
        assert who(uow_factory, cookie, AT + timedelta(minutes=1)) == ("li.na", True)
        with uow_factory() as uow:
            stored = uow.session.scalars(select(StaffSessionRecord.token_hash)).one()
        assert cookie not in stored
        assert who(uow_factory, "forged", AT) is None

    def test_idle_for_thirty_minutes_ends_it_but_activity_keeps_it(self, uow_factory):
        add(uow_factory)
        cookie = open_session(uow_factory)
        for minutes in (20, 40, 60):  # each request moves the idle deadline on
            assert who(uow_factory, cookie, AT + timedelta(minutes=minutes)) is not None
        assert who(uow_factory, cookie, AT + timedelta(minutes=95)) is None
        assert who(uow_factory, cookie, AT + timedelta(minutes=96)) is None

    def test_twelve_hours_is_the_longest_however_active(self, uow_factory):
        add(uow_factory)
        cookie = open_session(uow_factory)
        at = AT
        while at + timedelta(minutes=20) < AT + timedelta(hours=12):
            at += timedelta(minutes=20)
            assert who(uow_factory, cookie, at) is not None
        assert who(uow_factory, cookie, AT + timedelta(hours=12, minutes=5)) is None

    def test_a_reset_or_a_disable_ends_every_session_and_csrf_is_checked(self, uow_factory):
        add(uow_factory)
        add(uow_factory, username="bob")
        first, second = open_session(uow_factory), open_session(uow_factory, "bob")
        with uow_factory() as uow:
            staff = sessions.current(uow, second, at=AT)
            assert staff.csrf_ok(staff.session.csrf) and not staff.csrf_ok("nope")
            assert not staff.csrf_ok(None)
            users.reset_password(uow=uow, username="li.na", at=AT, by="admin")
            users.disable_user(uow=uow, username="bob", at=AT, by="admin")
            uow.commit()
        assert who(uow_factory, first, AT) is None
        assert who(uow_factory, second, AT) is None

    def test_a_busy_person_writes_their_session_about_once_a_minute(self, uow_factory):
        add(uow_factory)
        cookie = open_session(uow_factory)

        def last_seen():
            with uow_factory() as uow:
                return uow.session.scalars(select(StaffSessionRecord.last_seen_at)).one()

        for seconds in (10, 30, 59):  # clicks within the minute leave the row alone
            assert who(uow_factory, cookie, AT + timedelta(seconds=seconds)) is not None
        assert last_seen() == AT
        assert who(uow_factory, cookie, AT + timedelta(seconds=61)) is not None
        assert last_seen() == AT + timedelta(seconds=61)
        # The idle end counts from the last write: at most a minute earlier than the last click.
        assert who(uow_factory, cookie, AT + timedelta(minutes=31, seconds=1)) is None
