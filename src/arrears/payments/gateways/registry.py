"""The payment gateways by name: configuration as data in, a ready gateway out.

A client's gateway configuration is stored as data, e.g.
``{"gateway": "stripe", "settings": {"api_key_env": "ARREARS_STRIPE_API_KEY",
"webhook_secret_env": "ARREARS_STRIPE_WEBHOOK_SECRET"}}``. :func:`create`
validates the settings with the gateway's pydantic model (``extra="forbid"``);
every problem is a :class:`GatewayConfigError` naming the gateway and the
setting, never a value. Secrets are given by environment-variable name
(``<setting>_env``) so stored configuration holds no credentials.

The gateways are listed explicitly below (DESIGN §4 rule 8).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arrears.payments.gateways.base import GatewayConfigError, PaymentGateway
from arrears.payments.gateways.fake import FakeGateway
from arrears.payments.gateways.sandbox import DEFAULT_API_KEY, DEFAULT_URL, SandboxGateway
from arrears.payments.gateways.stripe import API_BASE, API_VERSION, StripeGateway

_SECRET_WORDS = ("secret", "api_key", "password", "token")
_MASK = "********"


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FakeSettings(_Settings):
    webhook_secret: str = "fake-gateway-secret"


class SandboxSettings(_Settings):
    base_url: str = DEFAULT_URL
    api_key: str | None = None
    api_key_env: str | None = None
    webhook_secret: str | None = None
    webhook_secret_env: str | None = None
    timeout: float = Field(10.0, gt=0, le=120)


class StripeSettings(_Settings):
    api_key: str | None = None
    api_key_env: str | None = None
    webhook_secret: str | None = None
    webhook_secret_env: str | None = None
    base_url: str = API_BASE
    api_version: str = API_VERSION
    timeout: float = Field(20.0, gt=0, le=120)


def _fake(settings: Mapping[str, Any], environ: Mapping[str, str]) -> PaymentGateway:
    return FakeGateway(webhook_secret=FakeSettings.model_validate(settings).webhook_secret)


def _sandbox(settings: Mapping[str, Any], environ: Mapping[str, str]) -> PaymentGateway:
    values = SandboxSettings.model_validate(settings)
    key = _secret("sandbox", "api_key", values.api_key, values.api_key_env, environ)
    secret = _secret(
        "sandbox",
        "webhook_secret",
        values.webhook_secret,
        values.webhook_secret_env,
        environ,
        required=True,
    )
    assert secret is not None
    return SandboxGateway(
        base_url=values.base_url,
        api_key=key or DEFAULT_API_KEY,
        webhook_secret=secret,
        timeout=values.timeout,
    )


def _stripe(settings: Mapping[str, Any], environ: Mapping[str, str]) -> PaymentGateway:
    values = StripeSettings.model_validate(settings)
    key = _secret("stripe", "api_key", values.api_key, values.api_key_env, environ, required=True)
    secret = _secret(
        "stripe",
        "webhook_secret",
        values.webhook_secret,
        values.webhook_secret_env,
        environ,
        required=True,
    )
    assert key is not None and secret is not None
    return StripeGateway(
        api_key=key,
        webhook_secret=secret,
        base_url=values.base_url,
        api_version=values.api_version,
        timeout=values.timeout,
    )


Factory = Callable[[Mapping[str, Any], Mapping[str, str]], PaymentGateway]

_factories: dict[str, Factory] = {"fake": _fake, "sandbox": _sandbox, "stripe": _stripe}


def gateways() -> list[str]:
    """The names of the known gateways, sorted."""
    return sorted(_factories)


def create(
    name: str, settings: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
) -> PaymentGateway:
    """A new gateway ``name`` configured by ``settings``."""
    factory = _factories.get(name)
    if factory is None:
        raise GatewayConfigError(name, f"unknown payment gateway; known: {', '.join(gateways())}")
    if not isinstance(settings, Mapping):
        raise GatewayConfigError(name, "settings must be a mapping")
    try:
        return factory(settings, os.environ if environ is None else environ)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        setting = ".".join(str(part) for part in first["loc"]) or None
        problem = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
        raise GatewayConfigError(name, problem, setting) from None


def check(name: str, settings: Mapping[str, Any]) -> None:
    """Validate settings without resolving secrets (for ``arrears gateways set``)."""
    models: dict[str, type[_Settings]] = {
        "fake": FakeSettings,
        "sandbox": SandboxSettings,
        "stripe": StripeSettings,
    }
    model = models.get(name)
    if model is None:
        raise GatewayConfigError(name, f"unknown payment gateway; known: {', '.join(gateways())}")
    try:
        model.model_validate(settings)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        setting = ".".join(str(part) for part in first["loc"]) or None
        problem = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
        raise GatewayConfigError(name, problem, setting) from None


def masked(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` with secret values hidden (names of env variables stay visible)."""
    return {
        key: _MASK
        if value is not None
        and not key.endswith("_env")
        and any(word in key.lower() for word in _SECRET_WORDS)
        else value
        for key, value in settings.items()
    }


def _secret(
    gateway: str,
    setting: str,
    value: str | None,
    env_name: str | None,
    environ: Mapping[str, str],
    *,
    required: bool = False,
) -> str | None:
    if value is not None and env_name is not None:
        raise GatewayConfigError(gateway, f"give '{setting}' or '{setting}_env', not both", setting)
    if env_name is not None:
        found = environ.get(env_name)
        if not found:
            raise GatewayConfigError(
                gateway, f"environment variable {env_name} is not set", f"{setting}_env"
            )
        return found
    if value is None and required:
        raise GatewayConfigError(gateway, f"'{setting}' or '{setting}_env' is required", setting)
    return value
