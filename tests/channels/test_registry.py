"""The registry: configuration as data in, an adapter (or a clear error) out."""

from __future__ import annotations

from typing import Any

import pytest

from arrears.channels import registry
from arrears.channels.base import ChannelConfigError, OutgoingMessage, SendResult
from arrears.channels.email_smtp import SmtpEmailChannel
from arrears.channels.fake import FakeChannel
from arrears.channels.sms_http import HttpSmsChannel
from arrears.errors import ArrearsError

SMTP = {"host": "127.0.0.1", "port": 2525, "from_address": "collections@arrears.test"}


def test_lists_the_builtin_adapters() -> None:
    assert {"fake", "smtp", "http_sms"} <= set(registry.adapters())


def test_unknown_adapter_names_it_and_the_known_ones() -> None:
    with pytest.raises(ChannelConfigError) as caught:
        registry.create("smpt", {})
    assert isinstance(caught.value, ArrearsError)
    assert "'smpt'" in str(caught.value)
    assert "smtp" in str(caught.value)


def test_unknown_setting_is_named() -> None:
    with pytest.raises(ChannelConfigError) as caught:
        registry.create("smtp", {**SMTP, "hots": "x"})
    assert caught.value.adapter == "smtp"
    assert caught.value.setting == "hots"
    assert "unknown setting" in str(caught.value)


def test_bad_value_names_the_setting_but_never_echoes_the_value() -> None:
    with pytest.raises(ChannelConfigError) as caught:
        registry.create("smtp", {**SMTP, "port": "not-a-port-hunter2"})
    assert caught.value.setting == "port"
    assert "hunter2" not in str(caught.value)


def test_missing_required_setting() -> None:
    with pytest.raises(ChannelConfigError, match="setting 'from_address'"):
        registry.create("smtp", {"host": "127.0.0.1"})


def test_password_from_the_environment() -> None:
    settings = {**SMTP, "username": "u", "password_env": "ARREARS_SMTP_PASSWORD"}
    adapter = registry.create("smtp", settings, environ={"ARREARS_SMTP_PASSWORD": "hunter2"})
    assert isinstance(adapter, SmtpEmailChannel)
    assert "hunter2" not in repr(adapter)


def test_missing_environment_variable_is_named() -> None:
    settings = {**SMTP, "username": "u", "password_env": "ARREARS_SMTP_PASSWORD"}
    with pytest.raises(ChannelConfigError) as caught:
        registry.create("smtp", settings, environ={})
    assert caught.value.setting == "password_env"
    assert "ARREARS_SMTP_PASSWORD" in str(caught.value)


def test_password_and_password_env_together_are_refused() -> None:
    settings = {**SMTP, "username": "u", "password": "a", "password_env": "X"}
    with pytest.raises(ChannelConfigError, match="not both"):
        registry.create("smtp", settings, environ={"X": "b"})


def test_username_without_password_is_refused() -> None:
    with pytest.raises(ChannelConfigError, match="username"):
        registry.create("smtp", {**SMTP, "username": "u"})


def test_http_sms_requires_a_key() -> None:
    settings = {"base_url": "http://127.0.0.1:8025", "sender_id": "ARREARS"}
    with pytest.raises(ChannelConfigError, match="api_key"):
        registry.create("http_sms", settings)


def test_http_sms_from_config_data() -> None:
    config = {
        "adapter": "http_sms",
        "settings": {
            "base_url": "http://127.0.0.1:8025",
            "api_key_env": "ARREARS_SMS_KEY",
            "sender_id": "ARREARS",
            "batch_size": 50,
        },
    }
    adapter = registry.create_from_config(config, environ={"ARREARS_SMS_KEY": "k-secret"})
    assert isinstance(adapter, HttpSmsChannel)
    assert adapter.batch_size == 50
    assert "k-secret" not in repr(adapter)
    adapter.close()


def test_config_with_stray_keys_is_refused() -> None:
    with pytest.raises(ChannelConfigError, match="unknown key 'setings'"):
        registry.create_from_config({"adapter": "fake", "setings": {}})


def test_fake_from_settings() -> None:
    adapter = registry.create("fake", {"channel": "sms", "fail_calls": {"1": "temporary"}})
    assert isinstance(adapter, FakeChannel)
    assert adapter.channel == "sms"
    message = OutgoingMessage("k", "sms", "+8613800138000", "", "hi")
    assert adapter.send(message).status == "temporary_failure"


def test_masked_hides_secrets_but_not_env_names() -> None:
    shown = registry.masked({**SMTP, "password": "hunter2", "password_env": "X", "api_key": "k"})
    assert shown["password"] == "********"
    assert shown["api_key"] == "********"
    assert shown["password_env"] == "X"
    assert shown["host"] == "127.0.0.1"


def test_register_a_new_adapter() -> None:
    class Pigeon:
        name = "pigeon"
        channel = "letter"

        def send(self, message: OutgoingMessage) -> SendResult:
            return SendResult("sent", provider_id="coo")

        def send_many(self, messages: Any) -> list[SendResult]:
            return [self.send(m) for m in messages]

        def close(self) -> None:
            pass

    registry.register("pigeon_test", lambda settings, environ: Pigeon())
    try:
        assert "pigeon_test" in registry.adapters()
        assert registry.create("pigeon_test", {}).channel == "letter"
    finally:
        registry._factories.pop("pigeon_test")


def test_register_refuses_odd_names() -> None:
    with pytest.raises(ValueError):
        registry.register("no spaces", lambda settings, environ: FakeChannel())
