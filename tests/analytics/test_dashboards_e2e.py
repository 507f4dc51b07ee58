"""The dashboards in headless Chromium: each one draws its charts (plotly.js served locally,
no inline script or style) and shows the same numbers as ``arrears report <name> --format csv``.
SQLite only (the page tests cover PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from arrears.analytics.dashboards import DASHBOARDS
from arrears.analytics.reports import load_options
from arrears.analytics.tables import FINE, is_rate
from arrears.cli.main import run
from arrears.sandbox.server import ServerThread
from tests.analytics import seed
from tests.fixtures.browser import (
    browser_test_here,
    free_port,
)
from tests.fixtures.staff import PASSWORD, Clock, add_staff, staff_app

playwright_sync = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(database_url, uow_factory, cli_env, monkeypatch) -> Iterator[str]:
    browser_test_here(database_url)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("ARREARS_CONFIG_DIR", str(ROOT / "config"))
    monkeypatch.setenv("ARREARS_NOW", seed.NOW.isoformat())
    seed.build(uow_factory, load_options(ROOT / "config"))
    add_staff(uow_factory, "ana", "analyst")
    port = free_port()
    with ServerThread(staff_app(uow_factory, Clock(seed.NOW)), port=port):
        yield f"http://127.0.0.1:{port}"


def cli_rows(capsys: pytest.CaptureFixture[str], name: str) -> list[dict[str, str]]:
    args = ["report", name, "--format", "csv"]
    if name == "aging":
        args += ["--as-of", seed.NOW.date().isoformat()]
    code = run(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def same(exported: str, shown: str, column: str) -> bool:
    """A CSV value and the cell the page shows for it say the same number."""
    if exported == "":
        return shown == ""
    if is_rate(column):
        return shown == f"{float(exported) * 100:.1f} %"
    if column in FINE:
        return shown == f"{float(exported):,.4f}"
    if re.fullmatch(r"-?\d+\.\d+", exported) and not re.search(r"\D\d", shown.replace(",", "")):
        return shown == f"{float(exported):,.1f}"  # a plain number: DSO, days
    digits = re.sub(r"\D", "", exported)
    return digits == re.sub(r"\D", "", shown) if digits else exported == shown


def test_every_dashboard_draws_its_charts_and_matches_the_cli(site, browser, capsys):
    page = browser.new_page()  # type: ignore[attr-defined]
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: violations.append(f"page error: {e}"))
    page.goto(f"{site}/workbench/login?lang=en-US")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for board in DASHBOARDS.values():
        page.goto(f"{site}/dashboards/{board.slug}")
        try:
            page.wait_for_selector("#charts[data-drawn]", state="attached", timeout=10_000)
        except Exception:
            raise AssertionError((page.url, [v[:300] for v in violations])) from None
        drawn = int(page.get_attribute("#charts", "data-drawn") or "0")
        assert page.locator("#charts .main-svg").count() >= drawn, board.slug
        for name in board.reports:
            section = page.locator(f"#report-{name}")
            columns = section.locator("thead th").evaluate_all(
                "cells => cells.map(c => c.dataset.column)")  # fmt: skip
            shown = section.locator("tbody tr").evaluate_all(
                "rows => rows.map(r => [...r.cells].map(c => c.textContent))")  # fmt: skip
            exported = cli_rows(capsys, name)
            assert len(shown) == len(exported), (board.slug, name)
            for row, cells in zip(exported, shown, strict=True):
                for column, cell in zip(columns, cells, strict=True):
                    assert same(row[column], cell, column), (name, column, row[column], cell)
    # plotly.js adds a stylesheet of its own, which the policy refuses (style-src 'self'); the
    # charts draw without it. Nothing else may fail: no refused script, no error.
    assert not [v for v in violations if "style-src" not in v], violations
