"""The SMS sandbox: a small HTTP SMS provider on 127.0.0.1 (an ASGI app and its runner).

It implements the provider API the ``http_sms`` adapter speaks (documented in
``docs/channels.md``), so development and tests exercise the real adapter over
real HTTP. All endpoints but ``/health`` need ``Authorization: Bearer <key>``.

``POST /v1/messages``            ``{"to","from","text","reference"}`` → 201 ``{"id","status"}``;
                                 a known reference → 200 with the same id, nothing sent
``POST /v1/messages/batch``      ``{"messages": [...]}`` → 200 ``{"results": [...]}``, per item
                                 ``{"index","code",...}`` with the code it would have had alone
``GET  /v1/messages?reference=`` ``{"messages": [...]}`` (zero or one)
``GET  /v1/messages/{id}``       one message, or 404
``POST /v1/simulate/inbound``    ``{"from","to","text"}``: delivers a signed inbound-SMS
                                 webhook to ``inbound_url`` (a debtor replying)
``GET  /health``                 ``{"status": "ok", "messages": n}``

Accepted messages are appended to the log file. A short while after accepting,
each message is settled (delivered, or failed per the failure rules) and, when
``receipt_url`` and ``secret`` are configured, a signed receipt is POSTed there
with a bounded retry. Settling runs as detached tasks, so a keep-alive client
is never held up by it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from arrears.sandbox.sms_state import E164, Outcome, Rejected, SmsSandbox, SmsSandboxConfig
from arrears.sandbox.webhooks import Delivery, post_signed

Handler = Callable[[Request], Awaitable[Response]]


class _Runtime:
    """What lives as long as the app: the webhook client and the settling tasks."""

    def __init__(self, sandbox: SmsSandbox) -> None:
        self.sandbox = sandbox
        self.client: httpx.AsyncClient | None = None
        self.tasks: set[asyncio.Task[None]] = set()

    def settle_later(self, ids: list[str]) -> None:
        if ids:
            task = asyncio.get_running_loop().create_task(self._settle(ids))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _settle(self, ids: list[str]) -> None:
        config = self.sandbox.config
        await asyncio.sleep(config.receipt_delay)
        for message_id in ids:
            receipt = self.sandbox.settle(message_id)
            if config.receipt_url and config.secret:
                delivery = await self.post(config.receipt_url, receipt, config.secret)
                self.sandbox.receipts.append({**receipt, "delivery": delivery.status})

    async def post(self, url: str, payload: dict[str, Any], secret: str) -> Delivery:
        assert self.client is not None, "the app's lifespan has not started"
        config = self.sandbox.config
        return await post_signed(
            self.client,
            url,
            payload,
            secret,
            attempts=config.webhook_attempts,
            pause=config.webhook_pause,
        )


def create_app(
    config: SmsSandboxConfig | None = None, sandbox: SmsSandbox | None = None
) -> Starlette:
    """The provider as an ASGI app; ``app.state.sandbox`` is its memory."""
    sandbox = sandbox or SmsSandbox(config or SmsSandboxConfig())
    runtime = _Runtime(sandbox)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=5.0) as client:
            runtime.client = client
            yield
            for task in list(runtime.tasks):
                task.cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)

    routes = [
        Route("/health", _health(sandbox), methods=["GET"]),
        Route("/v1/messages", _guarded(sandbox, _send(runtime)), methods=["POST"]),
        Route("/v1/messages", _guarded(sandbox, _lookup(sandbox)), methods=["GET"]),
        Route("/v1/messages/batch", _guarded(sandbox, _batch(runtime)), methods=["POST"]),
        Route("/v1/messages/{id}", _guarded(sandbox, _one(sandbox)), methods=["GET"]),
        Route("/v1/simulate/inbound", _guarded(sandbox, _inbound(runtime)), methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    return app


def run(config: SmsSandboxConfig, *, host: str = "127.0.0.1", port: int = 8025) -> None:
    """Serve the sandbox until interrupted (``arrears sandbox sms``)."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


# -- endpoints ------------------------------------------------------------------------------


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _guarded(sandbox: SmsSandbox, handler: Handler) -> Handler:
    """Bearer-key check and clean 4xx for bad JSON around ``handler``."""

    async def endpoint(request: Request) -> Response:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        valid = any(hmac.compare_digest(key, known) for known in sandbox.config.api_keys)
        if scheme.lower() != "bearer" or not valid:
            return _error(401, "missing or wrong API key", {"WWW-Authenticate": "Bearer"})
        try:
            return await handler(request)
        except Rejected as exc:
            return _error(exc.status, exc.error)

    return endpoint


async def _json(request: Request) -> object:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(400, "the body must be JSON") from exc


def _health(sandbox: SmsSandbox) -> Handler:
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "messages": len(sandbox.messages)})

    return health


def _send(runtime: _Runtime) -> Handler:
    async def send(request: Request) -> Response:
        outcome = runtime.sandbox.submit(await _json(request))
        _accepted(runtime, [outcome])
        headers = {"Retry-After": "1"} if outcome.status == 429 else None
        return JSONResponse(outcome.body, status_code=outcome.status, headers=headers)

    return send


def _batch(runtime: _Runtime) -> Handler:
    async def batch(request: Request) -> Response:
        outcomes = runtime.sandbox.submit_batch(await _json(request))
        _accepted(runtime, outcomes)
        results = [
            {"index": index, "code": outcome.status, **outcome.body}
            for index, outcome in enumerate(outcomes)
        ]
        return JSONResponse({"results": results})

    return batch


def _accepted(runtime: _Runtime, outcomes: list[Outcome]) -> None:
    records = [outcome.record for outcome in outcomes if outcome.record is not None]
    runtime.sandbox.log(records)
    runtime.settle_later([record["id"] for record in records])


def _lookup(sandbox: SmsSandbox) -> Handler:
    async def lookup(request: Request) -> Response:
        reference = request.query_params.get("reference")
        if not reference:
            raise Rejected(400, "give ?reference=")
        return JSONResponse({"messages": [_public(m) for m in sandbox.find(reference)]})

    return lookup


def _one(sandbox: SmsSandbox) -> Handler:
    async def one(request: Request) -> Response:
        record = sandbox.get(request.path_params["id"])
        if record is None:
            raise Rejected(404, "no such message")
        return JSONResponse(_public(record))

    return one


def _inbound(runtime: _Runtime) -> Handler:
    async def inbound(request: Request) -> Response:
        config = runtime.sandbox.config
        if not (config.inbound_url and config.secret):
            raise Rejected(409, "the sandbox has no inbound_url and secret configured")
        payload = _inbound_payload(await _json(request))
        delivery = await runtime.post(config.inbound_url, payload, config.secret)
        runtime.sandbox.inbound.append({**payload, "delivery": delivery.status})
        if not delivery.ok:
            detail = delivery.error or f"status {delivery.status}"
            raise Rejected(502, f"the inbound webhook was not accepted: {detail}")
        return JSONResponse({"id": payload["id"], "webhook_status": delivery.status})

    return inbound


def _inbound_payload(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Rejected(400, "the body must be a JSON object")
    sender, to, text = data.get("from"), data.get("to"), data.get("text")
    if not isinstance(sender, str) or not E164.fullmatch(sender):
        raise Rejected(400, "'from' must be an E.164 number")
    if not isinstance(to, str) or not to or not isinstance(text, str):
        raise Rejected(400, "'to' and 'text' must be strings")
    received = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "id": f"IN{uuid.uuid4().hex[:24]}",
        "from": sender,
        "to": to,
        "text": text,
        "received_at": received,
    }


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "outcome"}
