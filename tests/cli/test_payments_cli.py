"""``arrears apikeys``, ``arrears gateways`` and the payments configuration of ``arrears serve``."""

from __future__ import annotations

import pytest
from tests.fixtures.commands import cli
from tests.payments.test_intake import AT

from arrears.cli.commands.payments import default_gateway, web_config
from arrears.cli.context import app as build_app
from arrears.payments.apikeys import authenticate
from arrears.payments.gateways.sandbox import SandboxGateway

pytestmark = pytest.mark.db


@pytest.fixture
def client(cli_env, capsys) -> str:
    assert cli(capsys, "clients", "add", "xh", "--name", "Xinghe", "--currency", "CNY")[0] == 0
    return "xh"


def test_a_key_is_shown_once_listed_by_prefix_and_revoked(client, capsys):
    code, out, err = cli(capsys, "apikeys", "add", "--client", client, "--name", "bank feed")
    assert code == 0, err
    key = out.strip()
    assert key.startswith("ak_") and "not shown again" in err
    prefix = key.split("_")[1]
    ctx = build_app()
    with ctx.uow() as uow:
        assert authenticate(uow=uow, key=key, at=AT) is not None
    code, out, _ = cli(capsys, "apikeys", "list")
    assert code == 0 and prefix in out and "bank feed" in out and key not in out
    assert "active" in out
    assert cli(capsys, "apikeys", "revoke", prefix)[0] == 0
    assert "revoked" in cli(capsys, "apikeys", "list", "--client", client)[1]
    with ctx.uow() as uow:
        assert authenticate(uow=uow, key=key, at=AT) is None
    code, _, err = cli(capsys, "apikeys", "revoke", prefix)
    assert code == 2 and "already revoked" in err


def test_bad_key_requests_are_one_line_errors(client, capsys):
    code, _, err = cli(capsys, "apikeys", "add", "--client", "nope", "--name", "x")
    assert code == 2 and "client 'nope' does not exist" in err
    code, _, err = cli(
        capsys, "apikeys", "add", "--client", client, "--name", "x", "--scope", "admin"
    )
    assert code == 2 and "scopes must be" in err
    assert "Traceback" not in err


def test_gateways_are_configured_without_secrets(client, capsys, monkeypatch):
    code, out, _ = cli(capsys, "gateways", "list")
    assert code == 0 and "fake, sandbox, stripe" in out and "* sandbox (default" in out
    code, _, err = cli(
        capsys,
        "gateways",
        "set",
        "stripe",
        "--client",
        client,
        "--settings",
        '{"api_key": "sk_live_123"}',
    )
    assert code == 2 and "environment variable name" in err and "sk_live_123" not in err
    code, _, err = cli(capsys, "gateways", "set", "stripe", "--settings", '{"colour": 1}')
    assert code == 2 and "unknown setting" in err
    settings = '{"api_key_env": "T_STRIPE_KEY", "webhook_secret_env": "T_STRIPE_SECRET"}'
    code, out, err = cli(
        capsys, "gateways", "set", "stripe", "--client", client, "--settings", settings
    )
    assert code == 0, err
    assert "T_STRIPE_KEY" in cli(capsys, "gateways", "list")[1]
    monkeypatch.setenv("T_STRIPE_KEY", "sk_test_x")
    monkeypatch.setenv("T_STRIPE_SECRET", "whsec_x")
    ctx = build_app()
    with ctx.uow() as uow:
        client_id = uow.clients.get_by_code(client).id
    assert default_gateway(ctx, client_id).name == "stripe"
    assert default_gateway(ctx).name == "sandbox"


def test_serve_gets_the_sandbox_gateway_signing_with_the_gateway_secret(client, monkeypatch):
    monkeypatch.setenv("ARREARS_GATEWAY_URL", "http://127.0.0.1:18026")
    ctx = build_app()
    gateway = default_gateway(ctx)
    assert isinstance(gateway, SandboxGateway) and gateway.base_url == "http://127.0.0.1:18026"
    web = web_config(ctx)
    assert set(web.gateways) == {"sandbox"}
    monkeypatch.setenv("ARREARS_STRIPE_API_KEY", "sk_test_x")
    monkeypatch.setenv("ARREARS_STRIPE_WEBHOOK_SECRET", "whsec_x")
    assert set(web_config(ctx).gateways) == {"sandbox", "stripe"}
