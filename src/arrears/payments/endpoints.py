"""The payments JSON API and the payment gateways' webhooks.

``POST /webhooks/payments/{gateway}``
    A gateway's webhook. The signature is checked before anything is read
    (401 when missing, wrong or older than five minutes); the event is applied
    once (:func:`arrears.payments.intake.apply_event`): a retried delivery
    answers 200 with the first result and changes nothing.

``/api/v1`` — for a client's own systems, with ``Authorization: Bearer <key>``
(keys from ``arrears apikeys add``; each key sees only its client's accounts):

- ``POST /api/v1/payments`` record a payment (201; the same request again 200
  with the same result; the same reference with different details 409);
- ``POST /api/v1/payments/{reference}/reversal`` undo a payment;
- ``GET /api/v1/accounts/{account_ref}`` balance by component and status;
- ``GET /api/v1/accounts/{account_ref}/payments`` payments and reversals;
- ``GET /api/v1/openapi.json`` this API's OpenAPI description.

Every error is JSON ``{"error": code, "message": sentence}`` with a 4xx status;
requests are rate limited per key (and failed authentications per address),
answering 429 with ``Retry-After``. URLs carry account and payment references
only, never a name or an id number, and neither keys nor bodies are logged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from arrears.errors import ArrearsError, NotFound
from arrears.payments import direct, schemas
from arrears.payments.apikeys import ApiPrincipal, authenticate
from arrears.payments.gateways.base import PaymentGateway
from arrears.payments.intake import apply_event
from arrears.payments.ratelimit import RateLimiter
from arrears.payments.service import PaymentInput
from arrears.store.records import AccountRecord, PaymentRecord
from arrears.store.uow import UnitOfWork

MAX_WEBHOOK_BYTES = 256 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class PaymentsWeb:
    """What the payments endpoints need from the entry point.

    ``gateways`` by name (the webhook path); ``wall_clock`` is the real time
    webhook signatures are checked against (the app's ``clock`` may be fixed
    for a demo); limits are requests per ``rate_window`` seconds.
    """

    gateways: Mapping[str, PaymentGateway] = field(default_factory=dict)
    rate_limit: int = 120  # per API key
    failure_limit: int = 20  # failed authentications per client address
    webhook_limit: int = 600  # per gateway
    rate_window: float = 60.0
    wall_clock: Callable[[], datetime] = _utc_now


class Unauthorized(ArrearsError):
    code = "unauthorized"
    http_status = 401
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - read only


class Forbidden(ArrearsError):
    code = "forbidden"
    http_status = 403


class PayloadTooLarge(ArrearsError):
    code = "payload_too_large"
    http_status = 413


class JsonErrors(APIRoute):
    """Every error of these routes as ``{"error", "message"}`` JSON, whatever the app adds."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return _error("invalid_input", _describe(exc.errors()), 422)
            except HTTPException as exc:  # FastAPI's own, e.g. a body that cannot be decoded
                if exc.status_code == 400:
                    return _error("invalid_input", "the body is not valid JSON", 422)
                return _error("http_error", str(exc.detail), exc.status_code, exc.headers)
            except ArrearsError as exc:
                headers = getattr(exc, "headers", None)
                return _error(exc.code, exc.message, exc.http_status, headers)

        return route


def _error(code: str, message: str, status: int, headers: Any = None) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def _describe(errors: Any) -> str:
    """The first problems of a validation error, by field, without echoing values."""
    parts = []
    for error in list(errors)[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid"


_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorOut, "description": text}
    for status, text in [
        (401, "no or no valid API key"),
        (403, "the key lacks the scope"),
        (404, "no such account or payment (of this client)"),
        (409, "the reference is used for something else"),
        (413, "the request is too large"),
        (422, "the request is not valid"),
        (429, "too many requests"),
    ]
}

Credentials = Annotated[
    HTTPAuthorizationCredentials | None,
    Security(HTTPBearer(auto_error=False, description="An API key from `arrears apikeys add`.")),
]


class _Context:
    """What the routes share: the unit of work, the clock, the guard and the write lock."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Callable[[], datetime],
        config: PaymentsWeb,
    ) -> None:
        self.uow_factory, self.clock = uow_factory, clock
        self.keys = RateLimiter(config.rate_limit, config.rate_window)
        self.failures = RateLimiter(config.failure_limit, config.rate_window)
        # One payment write at a time per process: retries of one reference never race here.
        self.write_lock = threading.Lock()

    def guard(
        self, uow: UnitOfWork, request: Request, credentials: Any, scope: str
    ) -> ApiPrincipal:
        """The caller's key, checked, counted and scoped; 401/403/429 otherwise."""
        address = f"ip:{request.client.host if request.client else '-'}"
        if self.failures.exhausted(address):
            self.failures.hit(address)
        who = None
        if credentials is not None:
            who = authenticate(uow=uow, key=credentials.credentials, at=self.clock())
        if who is None:
            self.failures.hit(address)
            raise Unauthorized("a valid API key is required: Authorization: Bearer <key>")
        self.keys.hit(f"key:{who.key_id}")
        if scope not in who.scopes:
            raise Forbidden(f"this API key lacks the scope '{scope}'")
        return who


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime], config: PaymentsWeb
) -> APIRouter:
    ctx = _Context(uow_factory, clock, config)
    api = APIRouter(prefix="/api/v1", route_class=JsonErrors, responses=_ERRORS, tags=["payments"])
    _payment_routes(api, ctx)
    _account_routes(api, ctx)
    router = APIRouter(route_class=JsonErrors)
    router.include_router(api)
    document: dict[str, Any] = {}

    @router.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        if not document:
            document.update(
                get_openapi(
                    title="arrears payments API",
                    version="1.0.0",
                    description=_API_TEXT,
                    routes=api.routes,
                )
            )
        return JSONResponse(document)

    _webhook_route(router, ctx, config)
    return router


def _payment_routes(api: APIRouter, ctx: _Context) -> None:
    repeat: dict[int | str, dict[str, Any]] = {
        200: {"model": schemas.PaymentOut, "description": "a repeat of an earlier request"}
    }

    @api.post(
        "/payments",
        status_code=201,
        response_model=schemas.PaymentOut,
        responses=repeat,
        summary="Record a payment",
    )
    def create_payment(
        body: schemas.PaymentIn, request: Request, credentials: Credentials
    ) -> JSONResponse:
        """Allocate a payment to the account (waterfall); idempotent on ``reference``."""
        digest = direct.request_digest(body.model_dump(mode="json"))
        with ctx.write_lock, ctx.uow_factory() as uow:
            who = ctx.guard(uow, request, credentials, "payments:write")
            payment = PaymentInput(
                reference=body.reference,
                amount_minor=body.amount_minor,
                currency=body.currency,
                paid_on=body.paid_on,
                method=body.method or "api",
                row_hash=digest,
            )
            got = direct.receive_payment(
                uow=uow,
                client_id=who.client_id,
                payment=payment,
                account_ref=body.account_ref,
                at=ctx.clock(),
                actor=f"api:{who.prefix}",
            )
            out = _payment_out(uow, got.payment, got.account)
            uow.commit()
        return JSONResponse(jsonable_encoder(out), status_code=201 if got.created else 200)

    @api.post(
        "/payments/{reference}/reversal",
        status_code=201,
        response_model=schemas.PaymentOut,
        summary="Reverse a payment",
        responses=repeat,
    )
    def reverse(
        reference: Annotated[str, schemas.Reference],
        body: schemas.ReversalIn,
        request: Request,
        credentials: Credentials,
    ) -> JSONResponse:
        """Undo a payment's allocation in full; a paid account re-opens."""
        digest = direct.request_digest(body.model_dump(mode="json"))
        with ctx.write_lock, ctx.uow_factory() as uow:
            who = ctx.guard(uow, request, credentials, "payments:write")
            got = direct.receive_reversal(
                uow=uow,
                client_id=who.client_id,
                original_reference=reference,
                reference=body.reference,
                reversed_on=body.reversed_on,
                reason=body.reason,
                digest=digest,
                at=ctx.clock(),
                actor=f"api:{who.prefix}",
            )
            out = _payment_out(uow, got.payment, got.account)
            uow.commit()
        return JSONResponse(jsonable_encoder(out), status_code=201 if got.created else 200)


AccountRef = Annotated[str, schemas.Field(min_length=1, max_length=100)]


def _account_routes(api: APIRouter, ctx: _Context) -> None:
    @api.get("/accounts/{account_ref}", response_model=schemas.AccountOut, summary="An account")
    def account(
        account_ref: AccountRef, request: Request, credentials: Credentials
    ) -> schemas.AccountOut:
        """Balance by component, credit and status of one of the client's accounts."""
        with ctx.uow_factory() as uow:
            who = ctx.guard(uow, request, credentials, "accounts:read")
            out = _account_out(_account(uow, who, account_ref))
            uow.commit()
        return out

    @api.get(
        "/accounts/{account_ref}/payments",
        response_model=schemas.PaymentList,
        summary="An account's payments",
    )
    def payments(
        account_ref: AccountRef, request: Request, credentials: Credentials
    ) -> schemas.PaymentList:
        """Payments and reversals of the account, oldest first."""
        with ctx.uow_factory() as uow:
            who = ctx.guard(uow, request, credentials, "accounts:read")
            record = _account(uow, who, account_ref)
            rows = uow.payments.of_account(record.id)
            refs = {row.id: row.reference for row in rows}
            listed = [_payment_out(uow, row, record, refs) for row in rows]
            uow.commit()
        return schemas.PaymentList(account_ref=record.account_ref, payments=listed)


def _webhook_route(router: APIRouter, ctx: _Context, config: PaymentsWeb) -> None:
    hooks = RateLimiter(config.webhook_limit, config.rate_window)

    @router.post("/webhooks/payments/{gateway}", include_in_schema=False)
    async def webhook(gateway: str, request: Request) -> JSONResponse:
        adapter = config.gateways.get(gateway)
        if adapter is None:
            raise NotFound("no such payment gateway")
        hooks.hit(f"gateway:{gateway}")
        body = await request.body()
        if len(body) > MAX_WEBHOOK_BYTES:
            raise PayloadTooLarge("the webhook body is too large")
        event = adapter.verify_webhook(body, request.headers, config.wall_clock())

        def run() -> dict[str, Any]:
            with ctx.uow_factory() as uow:
                result = apply_event(
                    uow=uow,
                    gateway_name=gateway,
                    event=event,
                    at=ctx.clock(),
                    actor=f"gateway:{gateway}",
                )
                uow.commit()
            return {
                "event": result.event_id,
                "result": result.result,
                "duplicate": result.duplicate,
            }

        return JSONResponse(await run_in_threadpool(run))


_API_TEXT = (
    "Record payments and reversals and read balances of a client's accounts. "
    "Authenticate with `Authorization: Bearer <key>` (`arrears apikeys add`). Amounts are "
    "whole minor units; dates YYYY-MM-DD; errors are `{error, message}` JSON."
)


def _account(uow: UnitOfWork, who: ApiPrincipal, account_ref: str) -> AccountRecord:
    record = uow.accounts.get_by_ref(who.client_id, account_ref)
    if record is None:
        raise NotFound(f"no account '{account_ref}'")
    return record


def _account_out(record: AccountRecord) -> schemas.AccountOut:
    parts = (record.principal_minor, record.interest_minor, record.fees_minor, record.costs_minor)
    return schemas.AccountOut(
        account_ref=record.account_ref,
        currency=record.currency,
        status=record.status,
        balance=schemas.Balance(
            principal_minor=record.principal_minor,
            interest_minor=record.interest_minor,
            fees_minor=record.fees_minor,
            costs_minor=record.costs_minor,
            total_minor=sum(parts),
            credit_minor=record.credit_minor,
        ),
        due_on=record.due_on,
        last_payment_on=record.last_payment_on,
        last_payment_minor=record.last_payment_minor,
    )


def _payment_out(
    uow: UnitOfWork,
    row: PaymentRecord,
    account: AccountRecord,
    refs: Mapping[int, str] | None = None,
) -> schemas.PaymentOut:
    def ref(payment_id: int | None) -> str | None:
        if payment_id is None:
            return None
        if refs is not None and payment_id in refs:
            return refs[payment_id]
        other = uow.gateway.payment(payment_id)
        return other.reference if other else None

    amounts = {key: int(row.allocation.get(key, 0)) for key in schemas.Allocation.model_fields}
    return schemas.PaymentOut(
        reference=row.reference,
        account_ref=account.account_ref,
        kind="reversal" if row.kind == "reversal" else "payment",
        amount_minor=row.amount_minor,
        currency=row.currency,
        paid_on=row.paid_on,
        method=row.method,
        allocation=schemas.Allocation(**amounts),
        reverses=ref(row.reverses_id),
        reversed_by=ref(row.reversed_by_id),
        created_at=row.created_at,
    )
