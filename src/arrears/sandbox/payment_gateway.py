"""The sandbox payment gateway: a hosted payment page and signed webhooks on 127.0.0.1.

It implements the API the ``sandbox`` gateway adapter speaks
(:mod:`arrears.payments.gateways.sandbox`), so development, demos and tests run
the real adapter over real HTTP. API endpoints need ``Authorization: Bearer <key>``:

``POST /v1/checkouts``                 create (idempotent on ``reference``) → ``{"id", "url", ..}``
``GET  /v1/checkouts/{id}``            one checkout
``POST /v1/checkouts/{id}/settle``     ``{"outcome": "succeeded"|"failed"}`` for a pending one
``POST /v1/checkouts/{id}/refund``     refund a paid one (``{"amount_minor"}`` optional)
``POST /v1/checkouts/{id}/chargeback`` the card holder disputed a paid one
``PUT  /v1/webhook``                   ``{"url": ...}``: where webhooks go from now on
``GET  /pay/{id}``                     the hosted payment page (no key: the debtor's browser)
``POST /pay/{id}``                     the page's form: a test card or a button →
                                       webhook, then 303 back to ``return_url?intent=..&status=..``
``GET  /health``

Test cards: ``4242 4242 4242 4242`` pays, ``4000 0000 0000 0002`` is declined,
``4000 0000 0000 0077`` stays pending until settled. Each change of status is
POSTed as a webhook signed with the shared secret (``X-Gateway-Signature``),
with a bounded retry, *before* the browser is sent back, so the product knows
the outcome when the debtor lands on its page.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from arrears.payments.gateways import signing
from arrears.payments.gateways.sandbox import DEFAULT_API_KEY, SIGNATURE_HEADER, event_payload
from arrears.sandbox.payment_page import page_html, words

Handler = Callable[[Request], Awaitable[Response]]
CARDS = {
    "4242424242424242": "succeeded",
    "4000000000000002": "failed",
    "4000000000000077": "pending",
}


class Rejected(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status, self.error = status, error


@dataclass
class GatewaySandboxConfig:
    api_keys: frozenset[str] = frozenset({DEFAULT_API_KEY})
    secret: str | None = None  # signs webhooks; None: no webhooks are sent
    webhook_url: str | None = None
    webhook_attempts: int = 3
    webhook_pause: float = 0.2


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class SandboxCheckout:
    id: str
    amount_minor: int
    currency: str
    reference: str
    description: str
    return_url: str
    locale: str
    status: str = "open"
    created_at: str = field(default_factory=_now_text)
    events: list[dict[str, Any]] = field(default_factory=list)

    def public(self, base_url: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "url": f"{base_url}/pay/{self.id}",
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "reference": self.reference,
            "description": self.description,
            "created_at": self.created_at,
            "events": [e["type"] for e in self.events],
        }


class GatewaySandbox:
    """The gateway's memory: checkouts by id and reference, webhooks delivered."""

    def __init__(self, config: GatewaySandboxConfig) -> None:
        self.config = config
        self.checkouts: dict[str, SandboxCheckout] = {}
        self.deliveries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def create(self, data: object) -> tuple[SandboxCheckout, bool]:
        values = _checkout_fields(data)
        with self._lock:
            for known in self.checkouts.values():
                if known.reference == values["reference"]:
                    if (known.amount_minor, known.currency) != (
                        values["amount_minor"],
                        values["currency"],
                    ):
                        raise Rejected(409, "the reference is used for another amount")
                    return known, False
            checkout = SandboxCheckout(id=f"sbx_{uuid.uuid4().hex[:20]}", **values)
            self.checkouts[checkout.id] = checkout
            return checkout, True

    def get(self, checkout_id: str) -> SandboxCheckout:
        checkout = self.checkouts.get(checkout_id)
        if checkout is None:
            raise Rejected(404, "no such checkout")
        return checkout

    def move(
        self,
        checkout: SandboxCheckout,
        kind: str,
        allowed: tuple[str, ...],
        amount_minor: int | None = None,
        detail: str | None = None,
    ) -> dict[str, Any]:
        """Change status (from one of ``allowed``) and return the webhook payload."""
        with self._lock:
            if checkout.status not in allowed:
                raise Rejected(409, f"the checkout is {checkout.status}")
            checkout.status = kind
            payload = event_payload(
                event_id=f"evt_{uuid.uuid4().hex[:20]}",
                kind=kind,
                intent_id=checkout.id,
                amount_minor=checkout.amount_minor if amount_minor is None else amount_minor,
                currency=checkout.currency,
                reference=checkout.reference,
                occurred_at=datetime.now(UTC),
                detail=detail,
            )
            checkout.events.append(payload)
            return payload


def _checkout_fields(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Rejected(400, "the body must be a JSON object")
    amount, currency = data.get("amount_minor"), data.get("currency")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount < 10**13:
        raise Rejected(400, "'amount_minor' must be a positive integer")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise Rejected(400, "'currency' must be an ISO 4217 code")
    texts = {key: data.get(key) for key in ("reference", "description", "return_url", "locale")}
    if not all(isinstance(v, str) and 0 < len(v) <= 500 for v in texts.values()):
        raise Rejected(400, "'reference', 'description', 'return_url' and 'locale' are required")
    if urlsplit(str(texts["return_url"])).scheme not in ("http", "https"):
        raise Rejected(400, "'return_url' must be an http(s) URL")
    return {"amount_minor": amount, "currency": currency.upper(), **texts}


class _Runtime:
    def __init__(self, sandbox: GatewaySandbox) -> None:
        self.sandbox = sandbox
        self.client: httpx.AsyncClient | None = None

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        """POST the signed webhook with a bounded retry; the last status (None: no answer)."""
        config = self.sandbox.config
        if not (config.webhook_url and config.secret) or self.client is None:
            return None
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        status: int | None = None
        for attempt in range(1, config.webhook_attempts + 1):
            stamp = int(datetime.now(UTC).timestamp())
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signing.sign(config.secret, body, stamp),
            }
            try:
                response = await self.client.post(config.webhook_url, content=body, headers=headers)
                status = response.status_code
                if response.is_success:
                    break
            except httpx.HTTPError:
                status = None
            if attempt < config.webhook_attempts:
                await asyncio.sleep(config.webhook_pause * 2 ** (attempt - 1))
        self.sandbox.deliveries.append(
            {
                "event": payload["id"],
                "type": payload["type"],
                "url": config.webhook_url,
                "status": status,
            }
        )
        return status


def create_app(
    config: GatewaySandboxConfig | None = None, sandbox: GatewaySandbox | None = None
) -> Starlette:
    """The gateway as an ASGI app; ``app.state.sandbox`` is its memory."""
    sandbox = sandbox or GatewaySandbox(config or GatewaySandboxConfig())
    runtime = _Runtime(sandbox)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=10.0) as client:
            runtime.client = client
            yield

    api = _guarded(sandbox)
    routes = [
        Route("/health", _health(sandbox), methods=["GET"]),
        Route("/v1/checkouts", api(_create(sandbox)), methods=["POST"]),
        Route("/v1/checkouts/{id}", api(_read(sandbox)), methods=["GET"]),
        Route("/v1/checkouts/{id}/settle", api(_settle(runtime)), methods=["POST"]),
        Route("/v1/checkouts/{id}/refund", api(_reverse(runtime, "refunded")), methods=["POST"]),
        Route(
            "/v1/checkouts/{id}/chargeback", api(_reverse(runtime, "chargeback")), methods=["POST"]
        ),
        Route("/v1/webhook", api(_set_webhook(sandbox)), methods=["PUT"]),
        Route("/pay/{id}", _page(sandbox), methods=["GET"]),
        Route("/pay/{id}", _pay(runtime), methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    return app


def run(config: GatewaySandboxConfig, *, host: str = "127.0.0.1", port: int = 8026) -> None:
    """Serve the gateway until interrupted (``arrears sandbox gateway``)."""
    uvicorn.run(create_app(config), host=host, port=port, log_level="info")


# -- API --------------------------------------------------------------------------------------


def _guarded(sandbox: GatewaySandbox) -> Callable[[Handler], Handler]:
    def wrap(handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            scheme, _, key = request.headers.get("authorization", "").partition(" ")
            valid = any(hmac.compare_digest(key, known) for known in sandbox.config.api_keys)
            if scheme.lower() != "bearer" or not valid:
                return JSONResponse(
                    {"error": "missing or wrong API key"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            try:
                return await handler(request)
            except Rejected as exc:
                return JSONResponse({"error": exc.error}, status_code=exc.status)

        return endpoint

    return wrap


async def _json(request: Request) -> Any:
    body = await request.body()
    if not body:
        return {}
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(400, "the body must be JSON") from exc


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _health(sandbox: GatewaySandbox) -> Handler:
    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "checkouts": len(sandbox.checkouts)})

    return health


def _create(sandbox: GatewaySandbox) -> Handler:
    async def create(request: Request) -> Response:
        checkout, new = sandbox.create(await _json(request))
        return JSONResponse(checkout.public(_base(request)), status_code=201 if new else 200)

    return create


def _read(sandbox: GatewaySandbox) -> Handler:
    async def read(request: Request) -> Response:
        return JSONResponse(sandbox.get(request.path_params["id"]).public(_base(request)))

    return read


def _settle(runtime: _Runtime) -> Handler:
    async def settle(request: Request) -> Response:
        checkout = runtime.sandbox.get(request.path_params["id"])
        outcome = (await _json(request)).get("outcome", "succeeded")
        if outcome not in ("succeeded", "failed"):
            raise Rejected(400, "'outcome' must be succeeded or failed")
        payload = runtime.sandbox.move(checkout, outcome, ("pending",))
        status = await runtime.deliver(payload)
        return JSONResponse({**checkout.public(_base(request)), "webhook_status": status})

    return settle


def _reverse(runtime: _Runtime, kind: str) -> Handler:
    async def reverse(request: Request) -> Response:
        checkout = runtime.sandbox.get(request.path_params["id"])
        amount = (await _json(request)).get("amount_minor", checkout.amount_minor)
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise Rejected(400, "'amount_minor' must be a positive integer")
        detail = "fraudulent" if kind == "chargeback" else None
        payload = runtime.sandbox.move(checkout, kind, ("succeeded",), amount, detail)
        status = await runtime.deliver(payload)
        return JSONResponse({**checkout.public(_base(request)), "webhook_status": status})

    return reverse


def _set_webhook(sandbox: GatewaySandbox) -> Handler:
    async def set_webhook(request: Request) -> Response:
        url = (await _json(request)).get("url")
        if url is not None and (not isinstance(url, str) or not url.startswith("http")):
            raise Rejected(400, "'url' must be an http(s) URL or null")
        sandbox.config.webhook_url = url
        return JSONResponse({"url": url})

    return set_webhook


# -- the hosted page ---------------------------------------------------------------------------


def _page(sandbox: GatewaySandbox) -> Handler:
    async def page(request: Request) -> Response:
        try:
            checkout = sandbox.get(request.path_params["id"])
        except Rejected:
            return HTMLResponse(
                "<!doctype html><title>Not found</title><p>No such payment.</p>", status_code=404
            )
        return HTMLResponse(page_html(checkout))

    return page


def _pay(runtime: _Runtime) -> Handler:
    async def pay(request: Request) -> Response:
        try:
            checkout = runtime.sandbox.get(request.path_params["id"])
        except Rejected:
            return HTMLResponse("<!doctype html><title>Not found</title>", status_code=404)
        form = await request.form()
        outcome = str(form.get("outcome") or "")
        card = "".join(str(form.get("card") or "").split())
        kind = outcome if outcome in ("succeeded", "failed", "pending") else CARDS.get(card)
        if kind is None:
            return HTMLResponse(
                page_html(checkout, error=words(checkout)["unknown"]), status_code=422
            )
        try:
            detail = "card_declined" if kind == "failed" else None
            payload = runtime.sandbox.move(checkout, kind, ("open",), detail=detail)
        except Rejected:
            return HTMLResponse(page_html(checkout), status_code=409)
        await runtime.deliver(payload)
        query = urlencode({"intent": checkout.id, "status": checkout.status})
        separator = "&" if urlsplit(checkout.return_url).query else "?"
        return RedirectResponse(f"{checkout.return_url}{separator}{query}", status_code=303)

    return pay
