"""HTTP SMS against the real sandbox provider on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from arrears.channels import registry
from arrears.channels.base import OutgoingMessage
from arrears.channels.sms_http import HttpSmsChannel
from tests.fixtures.sms import SmsSandboxServer, http_sms_settings_for

TEXT = "【催收中心】李娜您好，您的账单已逾期，请尽快还款。回复 TD 退订"


def sms(key: str, to: str = "+8613800138000", text: str = TEXT) -> OutgoingMessage:
    return OutgoingMessage(dedup_key=key, channel="sms", to=to, sender="", text=text)


def channel(server: SmsSandboxServer, **overrides: Any) -> HttpSmsChannel:
    adapter = registry.create("http_sms", http_sms_settings_for(server, **overrides))
    assert isinstance(adapter, HttpSmsChannel)
    return adapter


def test_send_and_the_sandbox_log(sms_sandbox: SmsSandboxServer) -> None:
    with channel(sms_sandbox) as adapter:
        result = adapter.send(sms("plan:7:step:2"))
    assert result.status == "sent"
    assert result.provider_id is not None and result.provider_id.startswith("SM")
    [line] = sms_sandbox.lines()
    assert line["id"] == result.provider_id
    assert line["reference"] == "plan:7:step:2"
    assert line["to"] == "+8613800138000"
    assert line["from"] == "ARREARS"
    assert line["text"] == TEXT
    assert line["segments"] == 1


def test_resending_a_reference_returns_the_same_id_and_sends_nothing(
    sms_sandbox: SmsSandboxServer,
) -> None:
    with channel(sms_sandbox) as adapter:
        first = adapter.send(sms("k1"))
        again = adapter.send(sms("k1"))
        batch_again = adapter.send_many([sms("k1")])
    assert first.status == again.status == "sent"
    assert again.provider_id == first.provider_id == batch_again[0].provider_id
    assert len(sms_sandbox.lines()) == 1
    assert len(sms_sandbox.state.messages) == 1


def test_a_reference_reused_for_another_text_is_refused(sms_sandbox: SmsSandboxServer) -> None:
    with channel(sms_sandbox) as adapter:
        adapter.send(sms("k1"))
        clash = adapter.send(sms("k1", text="another text"))
    assert clash.status == "permanent_failure"
    assert clash.error is not None and clash.error.startswith("409")


def test_batch_keeps_order_and_maps_each_item(sms_sandbox: SmsSandboxServer) -> None:
    batch = [
        sms("b1", to="+4915112345678"),
        sms("b2", to="12345"),  # not E.164
        sms("b3", to="+15550100429"),  # rate limited on the first try
        sms("b1", to="+4915112345678"),  # the same reference again
        sms("b5", to="+15550100400"),  # rejected destination
        sms("b6", to="+447700900123"),
    ]
    with channel(sms_sandbox, batch_size=4) as adapter:
        results = adapter.send_many(batch)
        retry = adapter.send(batch[2])
    assert [r.status for r in results] == [
        "sent",
        "permanent_failure",
        "temporary_failure",
        "sent",
        "permanent_failure",
        "sent",
    ]
    assert results[3].provider_id == results[0].provider_id
    assert results[1].error is not None and "E.164" in results[1].error
    assert results[2].error is not None and results[2].error.startswith("429")
    assert retry.status == "sent"
    assert len(sms_sandbox.lines()) == 3


def test_many_messages_go_in_chunks(sms_sandbox: SmsSandboxServer) -> None:
    messages = [sms(f"bulk:{n}", to=f"+86139{n:08d}") for n in range(1, 251)]
    with channel(sms_sandbox, batch_size=100) as adapter:
        results = adapter.send_many(messages)
    assert [r.status for r in results] == ["sent"] * 250
    assert len({r.provider_id for r in results}) == 250
    assert len(sms_sandbox.lines()) == 250


def test_wrong_key_is_a_permanent_failure(sms_sandbox: SmsSandboxServer) -> None:
    with channel(sms_sandbox, api_key="wrong") as adapter:
        single = adapter.send(sms("k1"))
        batch = adapter.send_many([sms("k2"), sms("k3")])
    assert single.status == "permanent_failure"
    assert single.error is not None and single.error.startswith("401")
    assert [r.status for r in batch] == ["permanent_failure", "permanent_failure"]
    assert sms_sandbox.lines() == []


def test_invalid_number_is_a_permanent_failure_with_the_providers_text(
    sms_sandbox: SmsSandboxServer,
) -> None:
    with channel(sms_sandbox) as adapter:
        result = adapter.send(sms("k1", to="013800138000"))
    assert result.status == "permanent_failure"
    assert result.error is not None
    assert result.error.startswith("400 'to' must be an E.164 number")


@pytest.mark.parametrize("number", ["+15550100429", "+15550100500"])
def test_429_and_500_are_temporary_and_the_retry_goes_through(
    sms_sandbox: SmsSandboxServer, number: str
) -> None:
    with channel(sms_sandbox) as adapter:
        first = adapter.send(sms("k1", to=number))
        retry = adapter.send(sms("k1", to=number))
    assert first.status == "temporary_failure"
    assert retry.status == "sent"
    assert len(sms_sandbox.lines()) == 1


def test_lookup_by_reference(sms_sandbox: SmsSandboxServer) -> None:
    with channel(sms_sandbox) as adapter:
        sent = adapter.send(sms("lookup-me"))
    headers = {"Authorization": f"Bearer {sms_sandbox.api_key}"}
    found = httpx.get(
        f"{sms_sandbox.url}/v1/messages", params={"reference": "lookup-me"}, headers=headers
    )
    assert found.status_code == 200
    [message] = found.json()["messages"]
    assert message["id"] == sent.provider_id
    one = httpx.get(f"{sms_sandbox.url}/v1/messages/{sent.provider_id}", headers=headers)
    assert one.json()["reference"] == "lookup-me"
    missing = httpx.get(f"{sms_sandbox.url}/v1/messages/SMnothing", headers=headers)
    assert missing.status_code == 404
    assert httpx.get(f"{sms_sandbox.url}/v1/messages/SMnothing").status_code == 401


def test_bad_json_is_a_clean_400(sms_sandbox: SmsSandboxServer) -> None:
    headers = {"Authorization": f"Bearer {sms_sandbox.api_key}"}
    response = httpx.post(f"{sms_sandbox.url}/v1/messages", content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "the body must be JSON"}


def test_long_chinese_text_counts_ucs2_segments(sms_sandbox: SmsSandboxServer) -> None:
    with channel(sms_sandbox) as adapter:
        adapter.send(sms("long", text="请" * 71))
    assert sms_sandbox.lines()[0]["segments"] == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_provider_down_is_a_temporary_failure() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    with HttpSmsChannel(url, api_key="k", sender_id="ARREARS") as adapter:
        single = adapter.send(sms("k1"))
        batch = adapter.send_many([sms("k2"), sms("k3")])
    assert single.status == "temporary_failure"
    assert [r.status for r in batch] == ["temporary_failure"] * 2


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers (a hung provider)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_timeout_is_a_temporary_failure(silent_server: str) -> None:
    with HttpSmsChannel(silent_server, api_key="k", sender_id="A", timeout=0.2) as adapter:
        result = adapter.send(sms("k1"))
    assert result.status == "temporary_failure"
    assert result.error is not None and result.error.startswith("timeout")
