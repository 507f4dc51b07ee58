"""The FastAPI application served by ``arrears serve``.

This issue's part: ``/health`` and the webhooks providers call. Each webhook
checks the provider's signature (HMAC over timestamp and body, five minutes of
tolerance against replays) before it reads anything, answers a clean 4xx for
a bad request and never a stack trace, and is idempotent: a provider that
retries a delivered webhook changes nothing the second time.

- ``POST /webhooks/sms/receipts``: delivery receipts update the interaction.
- ``POST /webhooks/sms/inbound``: a debtor's text is received, matched,
  classified and acted on (:mod:`arrears.inbound.service`).

The payments API and gateway webhooks (:mod:`arrears.payments.endpoints`),
the debtor portal (:mod:`arrears.portal.pages`) and the staff pages
(:mod:`arrears.web.staff`: workbench, supervisor console, dashboards) join
when their configuration is given; :mod:`arrears.web.security` adds the
headers and error pages every response needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from arrears.channels.receipts import SIGNATURE_HEADER, parse_inbound_sms, parse_receipt
from arrears.errors import ArrearsError
from arrears.inbound.service import Classifier, Reply, receive
from arrears.outbox.receipts import apply_receipt
from arrears.payments import endpoints as payments_endpoints
from arrears.portal import pages as portal_pages
from arrears.store.uow import UnitOfWork
from arrears.web import security, staff
from arrears.workbench.guard import StaffWeb


def create_app(
    uow_factory: Callable[[], UnitOfWork],
    *,
    webhook_secret: str,
    classify: Classifier,
    clock: Callable[[], datetime],
    payments: payments_endpoints.PaymentsWeb | None = None,
    portal: portal_pages.PortalWeb | None = None,
    staff_web: StaffWeb | None = None,
) -> FastAPI:
    app = FastAPI(title="arrears", version="0.1", docs_url=None, redoc_url=None)
    security.install(app)
    if payments is not None:
        app.include_router(payments_endpoints.build_router(uow_factory, clock, payments))
    if portal is not None:
        app.include_router(portal_pages.build_router(uow_factory, clock, portal))
    if staff_web is not None:
        staff.install(app, uow_factory, clock, staff_web)

    @app.exception_handler(ArrearsError)
    async def _arrears_error(request: Request, exc: ArrearsError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "message": str(exc)}, status_code=exc.http_status)

    @app.get("/health")
    def health() -> dict[str, str]:
        with uow_factory() as uow:
            uow.ping()
        return {"status": "ok", "time": clock().isoformat()}

    @app.post("/webhooks/sms/receipts")
    async def sms_receipt(request: Request) -> JSONResponse:
        receipt = parse_receipt(await request.body(), request.headers.get(SIGNATURE_HEADER),
                                webhook_secret)  # fmt: skip
        with uow_factory() as uow:
            known = apply_receipt(uow, receipt, actor="webhook:sms")
            uow.commit()
        return JSONResponse({"applied": known}, status_code=200 if known else 202)

    @app.post("/webhooks/sms/inbound")
    async def sms_inbound(request: Request) -> JSONResponse:
        sms = parse_inbound_sms(await request.body(), request.headers.get(SIGNATURE_HEADER),
                                webhook_secret)  # fmt: skip
        reply = Reply(channel="sms", provider_id=sms.id, sender=sms.sender, body=sms.text,
                      received_at=sms.received_at, recipient=sms.to)  # fmt: skip
        with uow_factory() as uow:
            result = receive(uow, reply, classify, actor="webhook:sms")
            uow.commit()
        return JSONResponse({"id": result.message_id, "status": result.status,
                             "intent": result.intent, "new": result.new})  # fmt: skip

    return app
