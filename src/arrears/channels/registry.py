"""The channel adapters by name: configuration as data in, a ready adapter out.

A client's channel configuration is stored as data, e.g.
``{"adapter": "smtp", "settings": {"host": "relay.example.com", ...}}``.
:func:`create` turns it into an adapter: the adapter's pydantic settings model
(``extra="forbid"``) validates it, and every problem — unknown adapter, unknown
or bad setting, missing secret — is a :class:`ChannelConfigError` that names
the adapter and the setting, never a value (so never a secret).

Secrets are referenced by environment-variable name (``"password_env":
"ARREARS_SMTP_PASSWORD"``) or given explicitly; :func:`masked` shows a settings
mapping with them hidden, for logs and pages.

The built-in adapters are listed explicitly below; other packages (letters)
add theirs with :func:`register`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from arrears.channels.base import ChannelAdapter, ChannelConfigError
from arrears.channels.email_smtp import SmtpEmailChannel
from arrears.channels.fake import FakeChannel
from arrears.channels.letters.channel import PdfLetterChannel
from arrears.channels.sms_http import HttpSmsChannel

Factory = Callable[[Mapping[str, Any], Mapping[str, str]], ChannelAdapter]
"""Builds an adapter from its settings and the environment (for ``*_env`` secrets)."""

_SECRET_WORDS = ("password", "secret", "api_key", "token", "private_key")
_MASK = "********"

_factories: dict[str, Factory] = {
    "fake": FakeChannel.from_settings,
    "smtp": SmtpEmailChannel.from_settings,
    "http_sms": HttpSmsChannel.from_settings,
    "pdf_letter": PdfLetterChannel.from_settings,
}
_lock = threading.Lock()


def register(name: str, factory: Factory) -> None:
    """Make ``factory`` available as adapter ``name`` (re-registering replaces it)."""
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"adapter names are letters, digits and '_', not '{name}'")
    with _lock:
        _factories[name] = factory


def adapters() -> list[str]:
    """The names of the registered adapters, sorted."""
    return sorted(_factories)


def create(
    name: str, settings: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
) -> ChannelAdapter:
    """A new adapter ``name`` configured by ``settings``."""
    factory = _factories.get(name)
    if factory is None:
        known = ", ".join(adapters())
        raise ChannelConfigError(name, f"unknown channel adapter; known adapters: {known}")
    if not isinstance(settings, Mapping):
        raise ChannelConfigError(name, "settings must be a mapping")
    try:
        return factory(settings, os.environ if environ is None else environ)
    except ValidationError as exc:
        raise _config_error(name, exc) from None


def create_from_config(
    config: Mapping[str, Any], *, environ: Mapping[str, str] | None = None
) -> ChannelAdapter:
    """An adapter from stored configuration ``{"adapter": ..., "settings": {...}}``."""
    extra = sorted(set(config) - {"adapter", "settings"})
    name = config.get("adapter")
    if not isinstance(name, str):
        raise ChannelConfigError("?", "the configuration names no 'adapter'")
    if extra:
        raise ChannelConfigError(name, f"unknown key '{extra[0]}' beside 'adapter' and 'settings'")
    return create(name, config.get("settings") or {}, environ=environ)


def masked(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` with secret values hidden (names of env variables stay visible)."""
    return {key: _masked_value(key, value) for key, value in settings.items()}


def _masked_value(key: str, value: Any) -> Any:
    if isinstance(value, Mapping):
        return masked(value)
    lowered = key.lower()
    if (
        value is not None
        and not lowered.endswith("_env")
        and any(word in lowered for word in _SECRET_WORDS)
    ):
        return _MASK
    return value


def _config_error(adapter: str, exc: ValidationError) -> ChannelConfigError:
    """The first problem of a validation error; pydantic's text would echo the value."""
    first = exc.errors(include_input=False, include_url=False)[0]
    setting = ".".join(str(part) for part in first["loc"]) or None
    problem = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
    count = exc.error_count()
    if count > 1:
        problem += f" (and {count - 1} more problem{'s' if count > 2 else ''})"
    return ChannelConfigError(adapter, problem, setting)
