"""The portal in headless Chromium, as a debtor uses it, in both languages.

The app (uvicorn in a thread) and the sandbox payment gateway run on
127.0.0.1; the debtor verifies, pays part of the balance on the gateway's
hosted page, chooses a plan, disputes with a document and opts out of texts.
axe-core checks each page: no serious or critical violation. SQLite only (the
service tests cover PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from arrears.analytics.service import aging_report
from arrears.core.aging import DPD_SCHEME
from arrears.inbound.service import default_classifier
from arrears.payments.endpoints import PaymentsWeb
from arrears.portal.pages import PortalWeb
from arrears.sandbox.server import ServerThread
from arrears.web.app import create_app
from tests.fixtures.browser import (
    accessible,
    browser_test_here,
    free_port,
)
from tests.fixtures.gateway import running_gateway
from tests.portal.conftest import AT, SECRET, seed

playwright_sync = pytest.importorskip("playwright.sync_api")
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.db
POLICY_DIR = Path(__file__).resolve().parents[2] / "config" / "resolution"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass
class Site:
    url: str
    gateway_url: str


@pytest.fixture
def site(database_url, uow_factory, tmp_path) -> Iterator[Site]:
    browser_test_here(database_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_gateway(webhook_url=f"{url}/webhooks/payments/sandbox") as gateway:
        portal = PortalWeb(secret=SECRET, public_url=url, documents_dir=tmp_path / "documents",
                           letters_dir=tmp_path / "letters", policy_dir=POLICY_DIR,
                           gateway=gateway.gateway, cookie_secure=False,
                           payment_origins=(gateway.url,))  # fmt: skip
        app = create_app(uow_factory, webhook_secret="w", classify=default_classifier,
                         clock=lambda: AT, portal=portal,
                         payments=PaymentsWeb(gateways={"sandbox": gateway.gateway}))  # fmt: skip
        with ServerThread(app, port=port):
            yield Site(url, gateway.url)


WORDS = {
    "zh-CN": {"verify": "确认您的身份", "continue": "继续", "owe": "您的欠款", "pay": "付款",
              "part": "其他金额", "to_gateway": "前往安全支付", "paid": "我们已收到您的付款",
              "plan": "还款计划", "set_plan": "确定此计划", "plan_done": "您的还款计划已确定",
              "dispute": "提出异议", "send_dispute": "提交异议",
              "dispute_done": "我们已收到您的异议", "prefs": "联系偏好", "sms": "短信",
              "save": "保存偏好", "saved": "您的偏好已保存", "switch": "English"},
    "en-US": {"verify": "Confirm who you are", "continue": "Continue", "owe": "What you owe",
              "pay": "Pay", "part": "Another amount", "to_gateway": "Continue to secure payment",
              "paid": "Your payment of", "plan": "Payment plan", "set_plan": "Set up this plan",
              "plan_done": "Your payment plan was set up", "dispute": "Dispute",
              "send_dispute": "Send dispute", "dispute_done": "Your dispute was received",
              "prefs": "Contact preferences", "sms": "Text messages", "save": "Save preferences",
              "saved": "Your preferences were saved", "switch": "中文"},
}  # fmt: skip


def _menu(page, label: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_debtor_verifies_pays_plans_disputes_and_opts_out(
    site, browser, uow_factory, language, tmp_path
):
    us = language == "en-US"
    s = seed(uow_factory, language=language, jurisdiction="US" if us else "CN",
             currency="USD" if us else "CNY", ref="US-0042" if us else "CN-0042")  # fmt: skip
    w = WORDS[language]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=language)
    page = context.new_page()
    page.goto(f"{site.url}/portal/{s.token}")
    assert page.locator("html").get_attribute("lang") == language
    page.get_by_role("heading", name=w["verify"]).wait_for()
    assert "Acme" not in page.content()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal-verify-{language}.png"), full_page=True)
    accessible(page)

    page.fill("#birth_date", "1985-03-21")
    page.fill("#last_digits", "123X")
    page.fill("#postal_code", "100020")
    page.get_by_role("button", name=w["continue"]).click()
    page.get_by_role("heading", name=w["owe"]).wait_for()
    assert "Acme Consumer Finance" in page.content()
    if us:
        assert "Our information shows" in page.content()
    page.screenshot(path=str(SHOTS / f"portal-home-{language}.png"), full_page=True)
    accessible(page)

    # pay 100.00 through the sandbox gateway's hosted page
    _menu(page, w["pay"])
    accessible(page)
    page.get_by_label(w["part"], exact=True).check()
    page.fill("#amount", "100.00")
    page.get_by_role("button", name=w["to_gateway"]).click()
    page.wait_for_url(f"{site.gateway_url}/pay/**")
    page.locator('button[name="outcome"][value="succeeded"]').click()
    page.wait_for_url(f"{site.url}/portal/**/pay/return**")
    page.get_by_text(w["paid"]).wait_for()
    accessible(page)
    with uow_factory() as uow:
        payments = uow.payments.of_account(s.account_id)
        assert [(p.amount_minor, p.kind) for p in payments] == [(10_000, "payment")]
        assert (
            uow.portal.account(s.account_id).principal_minor
            + uow.portal.account(s.account_id).interest_minor
            + uow.portal.account(s.account_id).fees_minor
            == 1_020_000
        )
        # ... and in the ageing report managers read.
        report = aging_report(uow=uow, as_of=date.today(), scheme=DPD_SCHEME)
        assert report.totals()["balance"].sum() == 1_020_000

    # choose a plan from the policy's offers
    _menu(page, w["plan"])
    page.screenshot(path=str(SHOTS / f"portal-plan-{language}.png"), full_page=True)
    accessible(page)
    page.locator('input[name="offer"]').last.check()
    page.get_by_role("button", name=w["set_plan"]).click()
    page.get_by_text(w["plan_done"]).wait_for()

    # dispute with a document
    _menu(page, w["dispute"])
    accessible(page)
    page.locator('input[name="reason"]').first.check()
    page.fill("#details", "not mine / 不是我的")
    page.set_input_files(
        "#documents",
        files=[{"name": "proof.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%\n"}],
    )
    page.get_by_role("button", name=w["send_dispute"]).click()
    page.get_by_text(w["dispute_done"]).wait_for()

    # opt out of text messages
    _menu(page, w["prefs"])
    page.screenshot(path=str(SHOTS / f"portal-preferences-{language}.png"), full_page=True)
    accessible(page)
    page.get_by_label(w["sms"], exact=True).check()
    page.get_by_role("button", name=w["save"]).click()
    page.get_by_text(w["saved"]).wait_for()
    accessible(page)

    # the language switch
    page.get_by_role("button", name=w["switch"]).click()
    other = "en-US" if language == "zh-CN" else "zh-CN"
    # a locator wait survives the navigation; a script run mid-navigation may find no document
    page.locator(f"html[lang='{other}']").wait_for(state="attached")

    with uow_factory() as uow:
        account = uow.portal.account(s.account_id)
        assert account.status == "disputed"
        outcomes = {i.outcome for i in uow.interactions.of_account(s.account_id)}
        assert {"portal_verified", "portal_payment_started", "plan", "dispute_opened",
                "portal_preferences"} <= outcomes  # fmt: skip
        points = uow.portal.contact_points(s.debtor_id)
        assert any(o["channel"] == "sms" for p in points for o in p.opt_outs)
    context.close()


def test_the_return_from_the_gateway_without_the_cookie_keeps_the_session(
    site, browser, uow_factory
):
    """A cross-site return does not send a SameSite=Strict cookie: a bridge page, no new one."""
    s = seed(uow_factory)
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{site.url}/portal/{s.token}/pay/return?intent=x&status=succeeded")
    assert response is not None and response.status == 200
    assert "set-cookie" not in response.headers
    assert "王小明" not in page.content()
    accessible(page)
    context.close()
