"""The collector's day in headless Chromium, in both languages.

The staff app runs (uvicorn in a thread) on 127.0.0.1 with a fixed clock;
a collector signs in, sees the queue, takes the next account with the ``n``
key, reads the compliance banner and the script (the required statement
appears only after confirming the right person), records a promise with the
keyboard-focused form and finds it on the timeline; a collector of another
team cannot open that account. axe-core checks each page: no serious or
critical violation. SQLite only (the service and page tests cover PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from arrears.sandbox.server import ServerThread
from arrears.store.records import PromiseRecord
from tests.fixtures.browser import (
    accessible,
    browser_test_here,
    free_port,
)
from tests.fixtures.staff import PASSWORD, Clock, staff_app
from tests.workbench.workbench_seed import AT, Floor, seed_floor

playwright_sync = pytest.importorskip("playwright.sync_api")
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.db
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WORDS = {
    "zh-CN": {"queue": "今日队列", "confirmed": "已确认是本人：继续话术",
              "statement": "本次通话将全程录音", "save": "保存结果", "recorded": "通话已记录。",
              "promise": "承诺还款"},
    "en-US": {"queue": "Today's queue",
              "confirmed": "Right person confirmed: continue the script",
              "statement": "this call is recorded", "save": "Save outcome",
              "recorded": "The call was recorded.", "promise": "Promise to pay"},
}  # fmt: skip


@dataclass
class Site:
    url: str
    floor: Floor


def _site(database_url: str, uow_factory, language: str) -> Iterator[Site]:
    browser_test_here(database_url)
    floor = seed_floor(uow_factory, language=language)
    port = free_port()
    with ServerThread(staff_app(uow_factory, Clock(AT)), port=port):
        yield Site(f"http://127.0.0.1:{port}", floor)


def sign_in(page, site: Site, username: str) -> None:
    page.goto(f"{site.url}/workbench/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_a_collector_takes_the_next_account_and_records_a_promise(
    database_url, uow_factory, browser, language
):
    site_iter = _site(database_url, uow_factory, language)
    site = next(site_iter)
    w = WORDS[language]
    try:
        page = browser.new_context(locale=language).new_page()
        sign_in(page, site, "li.wei")
        page.get_by_role("heading", name=w["queue"]).wait_for()
        assert page.locator("html").get_attribute("lang") == language
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"workbench-queue-{language}.png"), full_page=True)
        accessible(page)

        page.keyboard.press("n")
        page.wait_for_url(f"{site.url}/workbench/accounts/{site.floor.accounts['CN-1']}")
        banner = page.locator("[data-verdict]").first
        assert banner.get_attribute("data-verdict") == "REQUIRE"
        assert page.locator('a[href^="tel:"][data-dialler]').count() == 1
        statement = page.get_by_text(w["statement"])
        assert not statement.is_visible()  # not before the right person is confirmed
        page.get_by_text(w["confirmed"]).click()
        assert statement.is_visible()
        accessible(page)

        page.keyboard.press("d")
        assert page.evaluate("document.activeElement.id") == "disposition"
        page.select_option("#disposition", "promise")
        page.keyboard.press("Tab")  # leave the field so the next shortcut is not typed into it
        page.locator("body").click(position={"x": 1, "y": 1})
        page.keyboard.press("p")
        assert page.evaluate("document.activeElement.id") == "amount"
        page.keyboard.type("1500")
        page.fill("#due_on", "2026-11-27")
        page.fill("#note", "will pay on Friday / 周五还款")
        page.get_by_role("button", name=w["save"]).click()
        page.get_by_text(w["recorded"]).wait_for()
        timeline = page.locator("#timeline")
        assert "will pay on Friday" in timeline.inner_text()
        assert w["promise"] in timeline.inner_text()
        page.screenshot(path=str(SHOTS / f"workbench-account-{language}.png"), full_page=True)
        accessible(page)
        with uow_factory() as uow:
            promise = uow.session.query(PromiseRecord).one()
            assert promise.amount_minor == 150_000

        other = browser.new_context(locale=language).new_page()
        sign_in(other, site, "bob.smith")
        other.wait_for_url(f"{site.url}/workbench")
        answer = other.goto(f"{site.url}/workbench/accounts/{site.floor.accounts['CN-1']}")
        assert answer is not None and answer.status == 404
    finally:
        next(site_iter, None)
