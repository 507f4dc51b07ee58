"""SMS through an HTTP provider: a kept-alive client, idempotent by reference.

:class:`HttpSmsChannel` talks the provider API documented in
``docs/channels.md`` (the one :mod:`arrears.sandbox.sms_provider` implements):

- ``POST /v1/messages`` ``{"to", "from", "text", "reference"}`` → ``201 {"id"}``;
  the same ``reference`` again → ``200`` with the same id and no second SMS;
- ``POST /v1/messages/batch`` ``{"messages": [...]}`` → ``{"results": [...]}``,
  one result per message in order, each with the HTTP ``code`` it would have had.

The outbox dedup key is sent as ``reference``, so retrying after a timeout —
when we cannot know whether the provider accepted the message — is safe.

HTTP outcomes map to results: 2xx sent (``provider_id`` = the provider's id);
429, 5xx, timeouts and connection errors temporary; other 4xx permanent, with
the provider's error text. A 2xx whose body cannot be read is temporary too:
the retry carries the same reference, so it cannot send twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from arrears.channels.base import (
    OutgoingMessage,
    SendResult,
    permanent,
    resolve_secret,
    sent,
    temporary,
)

MAX_BATCH = 1000


class HttpSmsSettings(BaseModel):
    """Settings of the ``http_sms`` adapter; the API key only by value or env name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(pattern=r"^https?://")
    api_key: SecretStr | None = None
    api_key_env: str | None = None
    sender_id: str = Field(min_length=1, max_length=20)
    timeout: float = Field(10.0, gt=0)
    batch_size: int = Field(100, ge=1, le=MAX_BATCH)


class HttpSmsChannel:
    """Sends SMS through the provider's HTTP API over one keep-alive client."""

    name = "http_sms"
    channel = "sms"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        sender_id: str,
        timeout: float = 10.0,
        batch_size: int = 100,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.sender_id = sender_id
        self.batch_size = max(1, min(batch_size, MAX_BATCH))
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], environ: Mapping[str, str]
    ) -> HttpSmsChannel:
        config = HttpSmsSettings.model_validate(dict(settings))
        api_key = resolve_secret(
            adapter=cls.name,
            setting="api_key",
            value=config.api_key.get_secret_value() if config.api_key else None,
            env_name=config.api_key_env,
            environ=environ,
            required=True,
        )
        assert api_key is not None  # required=True
        return cls(
            config.base_url,
            api_key=api_key,
            sender_id=config.sender_id,
            timeout=config.timeout,
            batch_size=config.batch_size,
        )

    def __repr__(self) -> str:
        return f"HttpSmsChannel(base_url={self.base_url!r}, sender_id={self.sender_id!r})"

    def __enter__(self) -> HttpSmsChannel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: OutgoingMessage) -> SendResult:
        try:
            response = self._client.post("/v1/messages", json=self._body(message))
        except httpx.HTTPError as exc:
            return _transport_failure(exc)
        return _result(response.status_code, _json(response))

    def send_many(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        results: list[SendResult] = []
        for chunk in _chunks(messages, self.batch_size):
            results.extend(self._send_batch(chunk))
        return results

    def close(self) -> None:
        self._client.close()

    def _send_batch(self, chunk: Sequence[OutgoingMessage]) -> list[SendResult]:
        body = {"messages": [self._body(message) for message in chunk]}
        try:
            response = self._client.post("/v1/messages/batch", json=body)
        except httpx.HTTPError as exc:
            return [_transport_failure(exc)] * len(chunk)
        payload = _json(response)
        items = payload.get("results") if response.is_success else None
        if not isinstance(items, list) or len(items) != len(chunk):
            failure = _result(response.status_code, payload)
            if failure.ok:  # 2xx without a readable result per message
                failure = temporary(f"unreadable batch response ({response.status_code})")
            return [failure] * len(chunk)
        return [_item_result(item) for item in items]

    def _body(self, message: OutgoingMessage) -> dict[str, str]:
        return {
            "to": message.to,
            "from": message.sender or self.sender_id,
            "text": message.text,
            "reference": message.dedup_key,
        }


def _chunks(messages: Sequence[OutgoingMessage], size: int) -> Iterator[Sequence[OutgoingMessage]]:
    for start in range(0, len(messages), size):
        yield messages[start : start + size]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"error": response.text[:200] or response.reason_phrase}
    return body if isinstance(body, dict) else {}


def _item_result(item: object) -> SendResult:
    if not isinstance(item, dict) or not isinstance(item.get("code"), int):
        return temporary("unreadable batch result")
    return _result(item["code"], item)


def _result(code: int, body: Mapping[str, Any]) -> SendResult:
    """One HTTP status (and body) → the outbox's view of it."""
    if 200 <= code < 300:
        provider_id = body.get("id")
        if isinstance(provider_id, str) and provider_id:
            return sent(provider_id)
        return temporary(f"provider answered {code} without a message id")
    error = f"{code} {body.get('error') or 'error'}"
    if code == 429 or code >= 500:
        return temporary(error)
    return permanent(error)


def _transport_failure(exc: httpx.HTTPError) -> SendResult:
    kind = "timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__
    return temporary(f"{kind}: {exc}" if str(exc) else kind)
