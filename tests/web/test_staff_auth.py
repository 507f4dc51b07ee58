"""Signing in to the staff pages: sessions, lock-out, CSRF, roles, error pages (both backends)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from arrears.inbound.service import default_classifier
from arrears.web.app import create_app
from arrears.workbench.guard import StaffWeb
from tests.fixtures.staff import (
    AT,
    CIPHER,
    PASSWORD,
    Clock,
    add_staff,
    sign_in,
    staff_app,
)

pytestmark = pytest.mark.db


def login_form(client: TestClient) -> str:
    page = client.get("/workbench/login")
    return page.text.split('name="login_token" value="')[1].split('"')[0]


def test_a_browser_without_a_session_is_sent_to_sign_in_and_back_afterwards(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    client = TestClient(staff_app(uow_factory), follow_redirects=False)
    answer = client.get("/workbench/password?x=1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/workbench/login?next=%2Fworkbench%2Fpassword%3Fx%3D1"
    token = login_form(client)
    signed = client.post(
        "/workbench/login",
        data={
            "username": "li.wei",
            "password": PASSWORD,
            "login_token": token,
            "next": "/workbench/password",
        },
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/workbench/password"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get("/workbench/password").status_code == 200


def test_a_wrong_password_reads_the_same_as_an_unknown_user_and_five_lock_the_name(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    client = TestClient(staff_app(uow_factory), follow_redirects=False)
    wrong = client.post(
        "/workbench/login",
        data={"username": "li.wei", "password": "nope", "login_token": login_form(client)},
    )
    unknown = client.post(
        "/workbench/login",
        data={"username": "nobody", "password": "nope", "login_token": login_form(client)},
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong username, password or code." in wrong.text
    for _ in range(4):
        client.post(
            "/workbench/login",
            data={"username": "li.wei", "password": "nope", "login_token": login_form(client)},
        )
    locked = client.post(
        "/workbench/login",
        data={"username": "li.wei", "password": PASSWORD, "login_token": login_form(client)},
    )
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text


def test_a_sign_in_without_the_form_token_is_refused(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    client = TestClient(staff_app(uow_factory), follow_redirects=False)
    answer = client.post("/workbench/login", data={"username": "li.wei", "password": PASSWORD})
    assert answer.status_code == 200
    assert "expired" in answer.text
    assert "set-cookie" not in answer.headers or "arrears_staff" not in answer.headers["set-cookie"]


def test_a_new_user_must_change_the_one_time_password_before_anything_else(uow_factory):
    add_staff(uow_factory, "new.hire", "collector", changed=False)
    with uow_factory() as uow:
        assert uow.users.by_username("new.hire").must_change_password
    client = TestClient(staff_app(uow_factory), follow_redirects=False)
    signed = client.post(
        "/workbench/login",
        data={"username": "new.hire", "password": PASSWORD, "login_token": login_form(client)},
    )
    assert signed.headers["location"] == "/workbench/password"
    page = client.get("/workbench/password")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    assert (
        client.post("/workbench/language", data={"csrf": csrf, "locale": "zh-CN"}).headers[
            "location"
        ]
        == "/workbench/password"
    )
    changed = client.post(
        "/workbench/password",
        data={
            "csrf": csrf,
            "current": PASSWORD,
            "new": "a much better secret",
            "again": "a much better secret",
        },
    )
    assert changed.status_code == 303
    with uow_factory() as uow:
        assert not uow.users.by_username("new.hire").must_change_password


def test_a_weak_new_password_is_refused_with_the_reason_in_the_users_language(uow_factory):
    add_staff(uow_factory, "wang.fang", "collector", language="zh-CN")
    me = sign_in(staff_app(uow_factory), "wang.fang")
    answer = me.post("/workbench/password", {"current": PASSWORD, "new": "short", "again": "short"})
    assert answer.status_code == 400
    assert "密码至少需要 12 个字符" in answer.text


def test_a_post_without_the_sessions_csrf_token_is_refused(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    me = sign_in(staff_app(uow_factory), "li.wei")
    forged = me.client.post("/workbench/language", data={"csrf": "forged", "locale": "zh-CN"})
    assert forged.status_code == 403
    missing = me.client.post("/workbench/language", data={"locale": "zh-CN"})
    assert missing.status_code == 403
    with uow_factory() as uow:
        assert uow.users.by_username("li.wei").language == "en-US"


def test_switching_language_is_kept_and_audited(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    me = sign_in(staff_app(uow_factory), "li.wei")
    answer = me.post("/workbench/language", {"locale": "zh-CN", "next": "/workbench/password"})
    assert answer.headers["location"] == "/workbench/password"
    assert 'lang="zh-CN"' in me.client.get("/workbench/password").text
    with uow_factory() as uow:
        events = uow.audit.for_entity("user", str(uow.users.by_username("li.wei").id))
        assert "user.language" in [e.action for e in events]


def test_a_session_ends_after_thirty_idle_minutes_and_at_sign_out(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    clock = Clock()
    app = staff_app(uow_factory, clock)
    me = sign_in(app, "li.wei")
    clock.at = AT + timedelta(minutes=29)
    assert me.client.get("/workbench/password").status_code == 200
    clock.at = AT + timedelta(minutes=60)
    assert me.client.get("/workbench/password").status_code == 303
    again = sign_in(app, "li.wei")
    out = again.post("/workbench/logout")
    assert out.headers["location"].startswith("/workbench/login")
    assert again.client.get("/workbench/password").status_code == 303


def test_staff_pages_are_never_cached_and_errors_are_pages_without_a_trace(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    me = sign_in(staff_app(uow_factory), "li.wei")
    page = me.client.get("/workbench/password")
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]
    missing = me.client.get("/workbench/no-such-page", headers={"accept-language": "zh-CN"})
    assert missing.status_code == 404
    assert "该页面不存在" in missing.text and "Traceback" not in missing.text
    assert me.client.get("/static/staff/staff.js").status_code == 200
    assert me.client.get("/static/staff/../../etc/passwd").status_code == 404


def test_a_redirect_after_sign_in_never_leaves_the_site(uow_factory):
    add_staff(uow_factory, "li.wei", "collector")
    client = TestClient(staff_app(uow_factory), follow_redirects=False)
    signed = client.post(
        "/workbench/login",
        data={
            "username": "li.wei",
            "password": PASSWORD,
            "login_token": login_form(client),
            "next": "//evil.example/x",
        },
    )
    assert signed.headers["location"] == "/workbench"


def test_the_app_describes_its_json_api_at_openapi_json_and_answers_health(uow_factory):
    from arrears.payments.endpoints import PaymentsWeb

    app = create_app(
        uow_factory,
        webhook_secret="x",
        classify=default_classifier,
        clock=Clock(),
        payments=PaymentsWeb(gateways={}),
        staff_web=StaffWeb(cipher=CIPHER, cookie_secure=False),
    )
    client = TestClient(app)
    described = client.get("/openapi.json").json()
    assert "/api/v1/payments" in described["paths"]
    assert not any(
        p.startswith(("/workbench", "/supervisor", "/dashboards")) for p in described["paths"]
    )
    assert client.get("/health").json()["status"] == "ok"
