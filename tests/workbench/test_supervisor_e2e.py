"""The supervisor console in headless Chromium: sign in, read the dashboard, approve a settlement,
find the decision in the audit trail. axe-core checks each page (no serious or critical
violation). SQLite only (the service and page tests cover PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from arrears.sandbox.server import ServerThread
from tests.fixtures.browser import (
    accessible,
    browser_test_here,
    free_port,
)
from tests.fixtures.staff import PASSWORD, Clock, staff_app
from tests.workbench import supervision_seed as seed

playwright_sync = pytest.importorskip("playwright.sync_api")
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.db


@pytest.fixture
def site(database_url, uow_factory) -> Iterator[str]:
    browser_test_here(database_url)
    port = free_port()
    with ServerThread(staff_app(uow_factory, Clock(seed.NOW)), port=port):
        yield f"http://127.0.0.1:{port}"


def test_a_supervisor_approves_a_settlement_and_finds_it_in_the_audit_trail(
    site, browser, uow_factory
):
    world = seed.build(uow_factory)
    settlement = seed.propose(uow_factory, "A1", 400_000, world)
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"{site}/workbench/login?lang=en-US")
    page.fill("input[name=username]", "sup.a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/supervisor")
    assert page.get_by_role("heading", name="Team dashboard").is_visible()
    assert page.get_by_role("heading", name="Team A").is_visible()
    assert page.get_by_role("link", name="Col.A1").first.is_visible()
    accessible(page)

    page.keyboard.press("a")  # the approvals shortcut
    page.wait_for_url(f"{site}/supervisor/approvals")
    card = page.locator(f"#settlement-{settlement}")
    assert "A1" in card.inner_text()
    accessible(page)
    card.locator("textarea[name=reason]").fill("hardship letter on file")
    card.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(f"{site}/supervisor/approvals?done=approved")
    assert page.get_by_role("status").inner_text() == "Approved."
    assert page.locator(f"#settlement-{settlement}").count() == 0

    page.get_by_role("link", name="Audit trail").first.click()
    page.fill("input[name=action]", "settlement.")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    assert "settlement.approved" in rows.first.inner_text()
    assert "hardship letter on file" in rows.first.inner_text()
    accessible(page)
    page.get_by_role("link", name="Check the hash chain").click()
    assert "The chain is intact" in page.locator(".banner").inner_text()
    with uow_factory() as uow:
        assert uow.resolution.settlement(settlement).status == "accepted"
