"""Scenarios: an admin adds users; people sign in, fail, get locked out, use a second factor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from arrears.errors import Conflict, InvalidInput, NotFound
from arrears.kit.crypto import FieldCipher
from arrears.store.records import AuditEventRecord, LoginAttemptRecord, UserRecord
from arrears.workbench import users

pytestmark = pytest.mark.db
AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CIPHER = FieldCipher(bytes(range(32)))


def add(uow_factory, username="li.na", role="collector", team="east") -> str:
    with uow_factory() as uow:
        made = users.add_user(uow=uow, username=username, display_name="李娜", role=role,
                              team=team, at=AT, by="admin")  # fmt: skip
        uow.commit()
        return made.password


def sign_in(uow_factory, password, *, username="li.na", at=AT, code=None, client=None):
    with uow_factory() as uow:
        result = users.authenticate(uow=uow, username=username, password=password, at=at,
                                    cipher=CIPHER, totp_code=code, client_hash=client)  # fmt: skip
        uow.commit()
        return result.outcome, result.locked_until


class TestAddingUsers:
    def test_a_new_user_signs_in_once_with_the_one_time_password_then_changes_it(self, uow_factory):
        password = add(uow_factory)
        assert sign_in(uow_factory, password)[0] == "must_change"
        with uow_factory() as uow:
            user = uow.users.by_username("li.na")
            assert user.password_hash.startswith("$argon2id$") and password not in str(
                user.password_hash)  # fmt: skip
            with pytest.raises(InvalidInput, match="12 characters"):
                users.change_password(uow=uow, user=user, current=password, new="short",
                                      at=AT)  # fmt: skip
            users.change_password(uow=uow, user=user, current=password,
                                  new="correct horse battery", at=AT)  # fmt: skip
            uow.commit()
        assert sign_in(uow_factory, "correct horse battery")[0] == "ok"
        assert sign_in(uow_factory, password)[0] == "failed"

    def test_names_roles_and_duplicates_are_checked(self, uow_factory):
        add(uow_factory)
        with pytest.raises(Conflict):
            add(uow_factory)
        with pytest.raises(InvalidInput, match="not a role"):
            add(uow_factory, username="bob", role="boss")
        with pytest.raises(InvalidInput, match="not a username"):
            add(uow_factory, username="x y")

    def test_changes_are_audited_and_no_password_is_in_the_trail(self, uow_factory):
        password = add(uow_factory)
        with uow_factory() as uow:
            users.reset_password(uow=uow, username="li.na", at=AT, by="admin")
            users.disable_user(uow=uow, username="li.na", at=AT, by="admin")
            uow.commit()
            events = [(e.action, str(e.after)) for e in
                      uow.session.scalars(select(AuditEventRecord))]  # fmt: skip
        assert [action for action, _ in events] == ["user.added", "user.password_reset",
                                                    "user.disabled"]  # fmt: skip
        assert all(password not in after for _, after in events)


class TestSigningIn:
    def test_a_disabled_user_cannot_sign_in(self, uow_factory):
        password = add(uow_factory)
        with uow_factory() as uow:
            users.disable_user(uow=uow, username="li.na", at=AT, by="admin")
            uow.commit()
        assert sign_in(uow_factory, password)[0] == "disabled"

    def test_five_failures_lock_the_name_for_fifteen_minutes(self, uow_factory):
        password = add(uow_factory)
        outcomes = [sign_in(uow_factory, "wrong", at=AT + timedelta(minutes=i))[0]
                    for i in range(5)]  # fmt: skip
        assert outcomes == ["failed"] * 4 + ["locked"]
        # Locked: even the right password is refused until the lockout ends.
        assert sign_in(uow_factory, password, at=AT + timedelta(minutes=10))[0] == "locked"
        assert sign_in(uow_factory, password, at=AT + timedelta(minutes=20))[0] == "must_change"
        with uow_factory() as uow:
            actions = uow.session.scalars(select(AuditEventRecord.action)).all()
            reasons = set(uow.session.scalars(select(LoginAttemptRecord.reason)))
        assert "user.locked_out" in actions
        assert reasons >= {"password", "locked", "ok"}

    def test_an_unknown_name_fails_like_a_wrong_password(self, uow_factory):
        add(uow_factory)
        assert sign_in(uow_factory, "whatever", username="nobody")[0] == "failed"

    def test_one_client_trying_many_names_is_refused(self, uow_factory):
        add(uow_factory)
        for i in range(20):
            sign_in(uow_factory, "guess", username=f"user{i}", client="c1",
                    at=AT + timedelta(seconds=i))  # fmt: skip
        assert sign_in(uow_factory, "guess", username="li.na", client="c1",
                       at=AT + timedelta(minutes=1))[0] == "locked"  # fmt: skip

    def test_a_second_factor_is_asked_for_and_checked(self, uow_factory):
        password = add(uow_factory)
        with uow_factory() as uow:
            uri = users.enable_totp(uow=uow, username="li.na", cipher=CIPHER, at=AT, by="admin")
            uow.commit()
            stored = uow.session.scalars(select(UserRecord.totp_secret_enc)).one()
        secret = pyotp.parse_uri(uri).secret
        assert secret not in stored  # kept encrypted
        assert sign_in(uow_factory, password)[0] == "totp_required"
        assert sign_in(uow_factory, password, code="000000")[0] == "failed"
        code = pyotp.TOTP(secret).at(AT)
        assert sign_in(uow_factory, password, code=code)[0] == "must_change"

    def test_an_unknown_user_cannot_be_reset(self, uow_factory):
        with uow_factory() as uow, pytest.raises(NotFound):
            users.reset_password(uow=uow, username="ghost", at=AT, by="admin")
