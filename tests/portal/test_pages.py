"""The portal over HTTP: plain 4xx pages, CSRF, headers, cookies, rate limits, logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from arrears.inbound.service import default_classifier
from arrears.portal.pages import PortalWeb
from arrears.web.app import create_app
from arrears.web.security import redact
from tests.portal.conftest import ANSWERS, AT, SECRET, seed

pytestmark = pytest.mark.db
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_client(uow_factory, tmp_path, **overrides) -> TestClient:
    values = {"secret": SECRET, "public_url": "http://testserver", "cookie_secure": False,
              "documents_dir": tmp_path / "documents", "letters_dir": tmp_path / "letters",
              **overrides}  # fmt: skip
    config = PortalWeb(**values)
    app = create_app(uow_factory, webhook_secret="w", classify=default_classifier,
                     clock=lambda: AT, portal=config)  # fmt: skip
    return TestClient(app, raise_server_exceptions=False)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html
    return found.group(1)


def sign_in(client: TestClient, token: str, answers=ANSWERS):
    page = client.get(f"/portal/{token}")
    assert page.status_code == 200
    return client.post(f"/portal/{token}/verify", data={**answers, "csrf": csrf_of(page.text)},
                       follow_redirects=True)  # fmt: skip


class TestTokens:
    @pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJhIjoxfQ.Zz.Zz", "%00"])
    def test_a_forged_token_gets_a_plain_page_that_reveals_nothing(
        self, uow_factory, tmp_path, token
    ):
        seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        response = client.get(f"/portal/{token}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Acme" not in response.text and "王" not in response.text
        assert "Traceback" not in response.text
        assert "set-cookie" not in response.headers

    def test_an_expired_token_gets_the_same_page(self, uow_factory, tmp_path):
        s = seed(uow_factory, days=1)
        client = make_client(uow_factory, tmp_path)
        forged = client.get("/portal/nonsense")
        from datetime import timedelta

        app = create_app(uow_factory, webhook_secret="w", classify=default_classifier,
                         clock=lambda: AT + timedelta(days=2),
                         portal=PortalWeb(secret=SECRET, cookie_secure=False))  # fmt: skip
        expired = TestClient(app).get(f"/portal/{s.token}")
        assert expired.status_code == 404 and expired.text == forged.text

    def test_unknown_portal_paths_and_methods_get_plain_pages(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        assert client.get(f"/portal/{s.token}/nowhere").headers["content-type"].startswith(
            "text/html")  # fmt: skip
        assert client.delete(f"/portal/{s.token}").status_code == 405
        assert client.get("/nowhere").headers["content-type"].startswith("application/json")


class TestVerification:
    def test_nothing_personal_before_verification_then_the_balance(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        page = client.get(f"/portal/{s.token}")
        assert '<html lang="zh-CN">' in page.text and "确认您的身份" in page.text
        for secret in ("王小明", "Acme", "10,000", "CN-0001", "0001"):
            assert secret not in page.text
        assert client.get(f"/portal/{s.token}/documents", follow_redirects=False).status_code == 303
        home = sign_in(client, s.token)
        assert home.status_code == 200
        assert "王小明" in home.text and "Acme Consumer Finance" in home.text
        assert "¥10,300.00" in home.text and "本金" in home.text

    def test_wrong_answers_fail_with_a_message_then_lock(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        wrong = {**ANSWERS, "postal_code": "999999"}
        codes = [sign_in(client, s.token, wrong).status_code for _ in range(5)]
        assert codes == [400, 400, 400, 400, 429]
        locked = sign_in(client, s.token)
        assert locked.status_code == 429 and "王小明" not in locked.text

    def test_verification_is_rate_limited_per_client(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, verify_limit=2)
        wrong = {**ANSWERS, "birth_date": "2000-01-01"}
        codes = [sign_in(client, s.token, wrong).status_code for _ in range(3)]
        assert codes == [400, 400, 429]


class TestSecurity:
    def test_a_post_without_the_csrf_token_is_refused(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        client.get(f"/portal/{s.token}")
        assert client.post(f"/portal/{s.token}/verify", data=ANSWERS).status_code == 403
        bad = {**ANSWERS, "csrf": "forged"}
        assert client.post(f"/portal/{s.token}/verify", data=bad).status_code == 403
        sign_in(client, s.token)
        response = client.post(f"/portal/{s.token}/callback",
                               data={"day": "2026-11-21", "slot": "morning"})  # fmt: skip
        assert response.status_code == 403

    def test_a_post_without_a_session_is_refused(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        assert client.post(f"/portal/{s.token}/verify", data=ANSWERS).status_code == 403

    def test_security_headers_and_cookie_flags(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, cookie_secure=True)
        page = client.get(f"/portal/{s.token}")
        h = page.headers
        assert "default-src 'self'" in h["content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "unsafe-inline" not in h["content-security-policy"]
        assert h["referrer-policy"] == "no-referrer"
        assert h["x-content-type-options"] == "nosniff"
        assert h["cache-control"] == "no-store"
        cookie = h["set-cookie"]
        assert cookie.startswith("__Host-arrears_portal=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert flag.lower() in cookie.lower()
        assert "script" not in page.text.lower().replace("noscript", "")

    def test_hsts_over_https(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        response = client.get(f"/portal/{s.token}", headers={"x-forwarded-proto": "https"})
        assert "max-age" in response.headers["strict-transport-security"]

    def test_the_token_never_reaches_the_logs(self, uow_factory, tmp_path, caplog):
        s = seed(uow_factory)
        assert s.token not in redact(f"GET /portal/{s.token}/pay?x=1 HTTP/1.1")
        assert redact(f"/portal/{s.token}/pay") == "/portal/[token]/pay"
        logger = logging.getLogger("uvicorn.access")
        client = make_client(uow_factory, tmp_path)
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            client.get(f"/portal/{s.token}")
            logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET", f"/portal/{s.token}",
                        "1.1", 200)  # fmt: skip
        assert caplog.records and all(s.token not in r.getMessage() for r in caplog.records)

    def test_a_server_error_is_a_generic_page_without_a_trace(self, uow_factory, tmp_path):
        s = seed(uow_factory)

        def broken():
            raise RuntimeError("database password is hunter2")

        app = create_app(broken, webhook_secret="w", classify=default_classifier,
                         clock=lambda: AT, portal=PortalWeb(secret=SECRET))  # fmt: skip
        response = TestClient(app, raise_server_exceptions=False).get(f"/portal/{s.token}")
        assert response.status_code == 500
        assert "hunter2" not in response.text and "Traceback" not in response.text

    def test_static_css_is_served_locally(self, uow_factory, tmp_path):
        client = make_client(uow_factory, tmp_path)
        assert client.get("/portal/static/portal.css").status_code == 200
        assert client.get("/portal/static/../../etc/passwd").status_code == 404


class TestPages:
    def test_each_page_renders_in_both_languages(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        home = sign_in(client, s.token)
        for path in ("", "/dispute", "/preferences", "/callback", "/documents", "/pay"):
            page = client.get(f"/portal/{s.token}{path}")
            assert page.status_code == 200, path
            assert 'lang="zh-CN"' in page.text
        switched = client.post(f"/portal/{s.token}/locale",
                               data={"locale": "en-US", "csrf": csrf_of(home.text)})  # fmt: skip
        assert switched.status_code == 200 and '<html lang="en-US">' in switched.text
        assert "What you owe" in switched.text and "CN¥10,300.00" in switched.text

    def test_a_call_back_request_and_a_preference_change(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        home = sign_in(client, s.token)
        token = csrf_of(home.text)
        done = client.post(
            f"/portal/{s.token}/callback",
            data={"csrf": token, "day": "2026-11-21", "slot": "evening"},
        )
        assert "我们已收到您的回电请求" in done.text
        bad = client.post(f"/portal/{s.token}/callback",
                          data={"csrf": token, "day": "2020-01-01", "slot": "evening"})  # fmt: skip
        assert bad.status_code == 400 and "30 天内" in bad.text
        saved = client.post(
            f"/portal/{s.token}/preferences",
            data={
                "csrf": token,
                "stop": ["sms", "call"],
                "consent": "email",
                "days_1": "sat,sun",
                "from_1": "08:00",
                "to_1": "12:00",
            },
        )
        assert "您的偏好已保存" in saved.text
        page = client.get(f"/portal/{s.token}/preferences")
        assert 'value="sms" checked' in page.text and 'value="08:00"' in page.text

    def test_a_dispute_with_an_upload(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        token = csrf_of(sign_in(client, s.token).text)
        done = client.post(
            f"/portal/{s.token}/dispute",
            data={"csrf": token, "reason": "not_mine", "details": "not me"},
            files={"documents": ("proof.pdf", b"%PDF-1.4\n", "application/pdf")},
        )
        assert done.status_code == 200 and "我们已收到您的异议" in done.text
        docs = client.get(f"/portal/{s.token}/documents")
        assert "proof.pdf" in docs.text
        link = re.search(r'href="([^"]+/documents/file/\d+)"', docs.text).group(1)
        download = client.get(link)
        assert download.content.startswith(b"%PDF") and "attachment" in download.headers[
            "content-disposition"]  # fmt: skip
        bad = client.post(f"/portal/{s.token}/dispute",
                          data={"csrf": token, "reason": "other"},
                          files={"documents": ("x.exe", b"MZ...", "application/pdf")})  # fmt: skip
        assert bad.status_code == 400

    def test_signing_out_ends_the_session(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path)
        token = csrf_of(sign_in(client, s.token).text)
        out = client.post(f"/portal/{s.token}/signout", data={"csrf": token})
        assert "确认您的身份" in out.text and "王小明" not in out.text


POLICY_DIR = Path(__file__).resolve().parents[2] / "config" / "resolution"


class TestArrangements:
    def test_a_promise_within_the_policy_and_one_outside(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, policy_dir=POLICY_DIR)
        token = csrf_of(sign_in(client, s.token).text)
        assert 'max="2026-11-27"' in client.get(f"/portal/{s.token}/promise").text
        late = client.post(
            f"/portal/{s.token}/promise",
            data={"csrf": token, "amount": "500", "due_on": "2027-01-31"},
        )
        assert late.status_code == 400
        done = client.post(
            f"/portal/{s.token}/promise",
            data={"csrf": token, "amount": "600", "due_on": "2026-11-25"},
        )
        assert "您的还款承诺已记录" in done.text, re.findall(
            r"role=\"alert\"><p>([^<]*)", done.text
        )
        with uow_factory() as uow:
            assert uow.portal.account(s.account_id).status == "promised"
            timeline = uow.interactions.of_account(s.account_id)
            assert any(i.outcome == "promise" and i.channel == "portal" for i in timeline)

    def test_choosing_a_plan_from_the_offers(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, policy_dir=POLICY_DIR)
        token = csrf_of(sign_in(client, s.token).text)
        page = client.get(f"/portal/{s.token}/plan")
        offers = re.findall(r'name="offer" value="([^"]+)"', page.text)
        assert offers and all(o.startswith("monthly:") for o in offers)  # CN: monthly only
        assert "首付" in page.text  # CN policy: 10 % down
        bad = client.post(f"/portal/{s.token}/plan", data={"csrf": token, "offer": "weekly:99"})
        assert bad.status_code == 400
        done = client.post(f"/portal/{s.token}/plan", data={"csrf": token, "offer": offers[-1]})
        assert "您的还款计划已确定" in done.text
        with uow_factory() as uow:
            assert uow.portal.account(s.account_id).status == "in_plan"

    def test_a_settlement_within_the_debtors_authority_is_accepted(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, policy_dir=POLICY_DIR)
        token = csrf_of(sign_in(client, s.token).text)
        done = client.post(f"/portal/{s.token}/settle",
                           data={"csrf": token, "amount": "9800", "form": "lump_sum"})  # fmt: skip
        assert "您的和解方案已被接受" in done.text

    def test_a_larger_discount_is_queued_for_approval(self, uow_factory, tmp_path):
        s = seed(uow_factory)
        client = make_client(uow_factory, tmp_path, policy_dir=POLICY_DIR)
        token = csrf_of(sign_in(client, s.token).text)
        done = client.post(f"/portal/{s.token}/settle",
                           data={"csrf": token, "amount": "8000", "form": "lump_sum"})  # fmt: skip
        assert "已提交审批" in done.text
        with uow_factory() as uow:
            tasks = uow.tasks.listing(account_id=s.account_id)
            assert tasks, "an approval task"


class TestDownloads:
    def test_a_receipt_and_a_letter_download_and_nothing_of_another_account(
        self, uow_factory, tmp_path
    ):
        from arrears.channels.letters.channel import file_name
        from arrears.payments.service import PaymentInput, record_payment

        s = seed(uow_factory)
        other = seed(uow_factory, ref="CN-0002")
        with uow_factory() as uow:
            for account_id, reference in ((s.account_id, "P-1"), (other.account_id, "P-2")):
                record_payment(uow=uow, account=uow.accounts.get(account_id), at=AT, actor="t",
                               payment=PaymentInput(reference=reference, amount_minor=50_000,
                                                    currency="CNY", paid_on=AT.date()))  # fmt: skip
            key = "plan:2026-11-20:letter:1"
            uow.interactions.add_unique([{
                "account_id": s.account_id, "debtor_id": uow.accounts.get(s.account_id).debtor_id,
                "channel": "letter", "direction": "out", "occurred_at": AT, "template":
                "payment_reminder", "dedup_key": key, "status": "sent", "details": {},
            }])  # fmt: skip
            uow.commit()
        letter = tmp_path / "letters" / "acme" / "2026-11-20" / file_name(key)
        letter.parent.mkdir(parents=True)
        letter.write_bytes(b"%PDF-1.7 the reminder")
        client = make_client(uow_factory, tmp_path)
        sign_in(client, s.token)
        page = client.get(f"/portal/{s.token}/documents")
        receipt = re.search(r'href="([^"]+/documents/receipt/\d+)"', page.text).group(1)
        pdf = client.get(receipt)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert "receipt-P-1.pdf" in pdf.headers["content-disposition"]
        sent = re.search(r'href="([^"]+/documents/letter/\d+)"', page.text).group(1)
        assert client.get(sent).content == b"%PDF-1.7 the reminder"
        # The other account's payment is not this debtor's receipt.
        ids = [int(i) for i in re.findall(r"/documents/receipt/(\d+)", page.text)]
        foreign = client.get(f"/portal/{s.token}/documents/receipt/{max(ids) + 1}")
        assert foreign.status_code == 404
