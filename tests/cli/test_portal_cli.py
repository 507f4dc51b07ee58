"""``arrears portal link`` and ``demo-link``: signed links a debtor can open."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.fixtures.commands import cli

from arrears.cli.commands.portal import cookie_secure, web_config
from arrears.cli.context import app as build_app
from arrears.inbound.service import default_classifier
from arrears.web.app import create_app

pytestmark = pytest.mark.db
DAY = "2026-11-20"


def test_a_link_for_a_demo_account_opens_the_portal(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
):
    assert cli(capsys, "demo", "--accounts", "40", "--as-of", DAY, "--no-report")[0] == 0
    code, out, err = cli(capsys, "portal", "demo-link")
    assert code == 0, err
    url = re.search(r"http://127\.0\.0\.1:8000(/portal/\S+)", out)
    assert url and "to sign in" in out
    ref = re.search(r"demo account (\S+):", out).group(1)

    code, out, err = cli(capsys, "portal", "link", ref, "--days", "3")
    assert code == 0, err
    path = out.strip().removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/portal/") and ref not in path and "valid until" in err

    ctx = build_app()
    app = create_app(ctx.uow_factory, webhook_secret="w", classify=default_classifier,
                     clock=ctx.clock, portal=web_config(ctx))  # fmt: skip
    page = TestClient(app).get(path)
    assert page.status_code == 200 and 'name="birth_date"' in page.text


def test_unknown_accounts_and_bad_durations_are_clear_errors(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
):
    code, _, err = cli(capsys, "portal", "link", "NOPE-1")
    assert code != 0 and "NOPE-1" in err and "Traceback" not in err
    code, _, err = cli(capsys, "portal", "link", "NOPE-1", "--days", "0")
    assert code != 0
    code, _, err = cli(capsys, "portal", "demo-link")
    assert code != 0 and "demo" in err


def test_cookies_are_secure_except_plain_http_on_this_machine():
    assert cookie_secure("https://pay.example.com")
    assert cookie_secure("http://portal.example.com")
    assert not cookie_secure("http://127.0.0.1:8000")
    assert not cookie_secure("http://localhost:8000")
