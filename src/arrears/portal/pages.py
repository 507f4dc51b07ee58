"""The debtor portal's pages, under ``/portal/<signed token>``.

Every request starts from the token: a forged, expired, revoked or unknown
one gets the same plain page (:func:`arrears.web.security.error_page`) that
says nothing about anyone. A valid token opens a session cookie (HttpOnly,
SameSite=Strict, Secure unless served on plain http to localhost); until the
debtor passes the identity check only the check is shown. Every form carries
the session's CSRF token, checked before anything is read from the form.
Verification and payment are rate limited per client address and session.

Each handler owns its transaction: it opens a unit of work, calls the
services, commits, and answers with a page or a 303 redirect (post, redirect,
get). Bad input re-renders the form with a message; nothing reaches the
debtor as a stack trace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from arrears.errors import ArrearsError, InvalidInput
from arrears.payments import intake
from arrears.payments.documents import MAX_BYTES
from arrears.portal import actions, i18n, service, views
from arrears.portal.guard import RateLimiter, csp, error_page
from arrears.portal.i18n import N_
from arrears.portal.render import NOTICES, STATIC, STATIC_FILES, render
from arrears.store.records.portal import PortalLinkRecord, PortalSessionRecord
from arrears.store.uow import UnitOfWork

COOKIE = "arrears_portal"
SECURE_COOKIE = "__Host-arrears_portal"
MAX_FORM_BYTES = 6 * MAX_BYTES  # five documents and the fields


@dataclass(frozen=True)
class PortalWeb:
    """What the portal pages need from the entry point."""

    secret: bytes = b""
    public_url: str = "http://127.0.0.1:8000"
    documents_dir: Path = Path("var/documents")
    letters_dir: Path = Path("var/letters")
    policy_dir: Path | None = None
    gateway: Any = None  # a PaymentGateway for every client; None: see gateway_for
    gateway_for: Callable[[int], Any] | None = None  # client id -> that client's gateway
    cookie_secure: bool = True
    # Origins the payment form may send the browser on to (the gateway's hosted page).
    payment_origins: tuple[str, ...] = ()
    verify_limit: int = 10  # attempts per client address per 10 minutes
    pay_limit: int = 5  # checkouts per session per minute
    limits: dict[str, RateLimiter] = field(default_factory=dict, compare=False)

    def gateway_of(self, client_id: int) -> Any:
        """The gateway a client's debtors pay through; None: no online payment."""
        if self.gateway_for is not None:
            return self.gateway_for(client_id)
        return self.gateway

    def form_origins(self, gateway: Any) -> tuple[str, ...]:
        """Where the payment form may send the browser: the gateway's hosted page."""
        found = [*self.payment_origins, *getattr(gateway, "checkout_origins", ())]
        return tuple(dict.fromkeys(found))

    @property
    def cookie_name(self) -> str:
        return SECURE_COOKIE if self.cookie_secure else COOKIE

    def limiter(self, name: str) -> RateLimiter:
        if name not in self.limits:
            limit, window = {"verify": (self.verify_limit, timedelta(minutes=10)),
                             "pay": (self.pay_limit, timedelta(minutes=1))}[name]  # fmt: skip
            self.limits[name] = RateLimiter(limit, window)
        return self.limits[name]


@dataclass
class Visit:
    """One request on a live link: its session (new or returning) and the locale."""

    request: Request
    token: str
    uow: UnitOfWork
    at: datetime
    link: PortalLinkRecord
    session: PortalSessionRecord
    new_cookie: str | None

    @property
    def t(self) -> i18n.Translator:
        return i18n.Translator(self.session.locale)

    @property
    def base(self) -> str:
        return f"/portal/{quote(self.token, safe='')}"


class Refused(Exception):
    """Answer with a plain error page (status) and nothing else."""

    def __init__(self, status: int) -> None:
        self.status = status


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime], config: PortalWeb
) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    pages = _Pages(uow_factory, clock, config)

    @router.get("/portal/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC_FILES:
            return error_page(404)
        body = (STATIC / name).read_bytes()
        return Response(body, media_type=STATIC_FILES[name],
                        headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip

    for path, method, handler in pages.routes():
        router.add_api_route(path, handler, methods=[method], response_class=HTMLResponse)
    return router


Handler = Callable[[Visit], Awaitable[Response]]


class _Pages:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
        config: PortalWeb,
    ) -> None:  # fmt: skip
        self.uow_factory, self.clock, self.config = uow_factory, clock, config

    def routes(self) -> list[tuple[str, str, Callable[..., Awaitable[Response]]]]:
        table: list[tuple[str, str, Handler, bool]] = [
            ("", "GET", self.home, False),
            ("/verify", "POST", self.verify, False),
            ("/locale", "POST", self.locale, False),
            ("/signout", "POST", self.signout, True),
            ("/pay", "GET", self.pay_form, True),
            ("/pay", "POST", self.pay, True),
            ("/pay/return", "GET", self.pay_return, True),
        ]
        table += self.more_routes()
        return [(f"/portal/{{token}}{suffix}", method, self._wrap(handler, method, needs))
                for suffix, method, handler, needs in table]  # fmt: skip

    def more_routes(self) -> list[tuple[str, str, Handler, bool]]:
        # The page modules import this module's types: imported here, when routes are built.
        from arrears.portal import account_pages, resolution_pages

        return account_pages.routes(self) + resolution_pages.routes(self)

    @staticmethod
    def refused(status: int) -> Refused:
        return Refused(status)

    # --- the frame around every handler ---------------------------------------------------

    def _wrap(
        self, handler: Handler, method: str, needs_verified: bool
    ) -> Callable[..., Awaitable[Response]]:
        async def endpoint(request: Request, token: str) -> Response:
            try:
                with self.uow_factory() as uow:
                    visit = self._visit(request, token, uow, start=not needs_verified)
                    if visit is None:  # no session cookie came with this request
                        response = self._without_session(request, token)
                    else:
                        if method == "POST":
                            await self._check_csrf(visit)
                        if needs_verified and service.verified(uow, visit.session) is None:
                            response = RedirectResponse(visit.base, status_code=303)
                        else:
                            response = await handler(visit)
                    uow.commit()
            except Refused as refused:
                return error_page(refused.status)
            except ArrearsError as exc:  # a plain page, never the service's words about records
                status = exc.http_status if 400 <= exc.http_status < 500 else 500
                return error_page(status)
            if visit is not None and visit.new_cookie is not None:
                self._set_cookie(response, visit.new_cookie)
            return response

        return endpoint

    def _visit(self, request: Request, token: str, uow: UnitOfWork, *, start: bool) -> Visit | None:
        """The visit of a live link; None when a page needs a session and none came."""
        at = self.clock()
        link = service.open_link(uow, token, secret=self.config.secret, at=at)
        if link is None:
            raise Refused(404)
        cookie = request.cookies.get(self.config.cookie_name)
        session = service.current_session(uow, link, cookie, at=at)
        new_cookie = None
        if session is None:
            if request.method != "GET":
                raise Refused(403)  # a form posted without the session it came from
            if not start:
                return None
            new_cookie, session = service.start_session(uow, link, at=at)
        return Visit(request, token, uow, at, link, session, new_cookie)

    def _without_session(self, request: Request, token: str) -> Response:
        """A page reached without the session cookie: never start one here (it would replace
        the debtor's). Coming back from the payment page on another site, a SameSite=Strict
        cookie is not sent: a plain page with a same-site link brings it back."""
        base = f"/portal/{quote(token, safe='')}"
        if request.url.path.endswith("/pay/return"):
            t = i18n.Translator(i18n.DEFAULT)
            zh = i18n.Translator("zh-CN")
            html = render("bridge.html", t, zh=zh, next_url=f"{base}/pay/return")
            return HTMLResponse(html)
        return RedirectResponse(base, status_code=303)

    async def _check_csrf(self, visit: Visit) -> None:
        form = await self._form(visit.request)
        visit.request.state.form = form
        given = form.get("csrf")
        if not isinstance(given, str) or not service.csrf_ok(visit.session, given):
            raise Refused(403)

    async def _form(self, request: Request) -> FormData:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
            raise Refused(413)
        try:
            return await request.form(max_files=10, max_fields=100)
        except Exception:  # a malformed body is a bad request, not an error of ours
            raise Refused(400) from None

    def _set_cookie(self, response: Response, value: str) -> None:
        response.set_cookie(self.config.cookie_name, value, httponly=True, samesite="strict",
                            secure=self.config.cookie_secure, path="/")  # fmt: skip

    # --- helpers for handlers ---------------------------------------------------------------

    def page(self, visit: Visit, name: str, *, status: int = 200, page: str = "",
             headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:  # fmt: skip
        who = service.verified(visit.uow, visit.session)
        done = visit.request.query_params.get("done")
        notice = visit.t.gettext(NOTICES[done]) if done in NOTICES else None
        html = render(name, visit.t, base=visit.base, csrf=visit.session.csrf,
                      verified=who is not None, page=page,
                      notice=context.pop("notice", notice), **context)  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=headers)

    def who(self, visit: Visit) -> service.Verified:
        who = service.verified(visit.uow, visit.session)
        if who is None:  # the frame redirects unverified visits; this is a second lock
            raise Refused(403)
        return who

    def done(self, visit: Visit, code: str) -> RedirectResponse:
        return RedirectResponse(f"{visit.base}?done={code}", status_code=303)

    def error_text(self, visit: Visit, exc: ArrearsError) -> str:
        """The message in the debtor's language; a service's own words after a translated lead."""
        if exc.message in i18n.messages("zh-CN"):
            return visit.t.gettext(exc.message)
        return f"{visit.t.gettext(N_('This cannot be accepted:'))} {exc.message}"

    @staticmethod
    def form(visit: Visit) -> FormData:
        form: FormData = visit.request.state.form
        return form

    @staticmethod
    def text(form: FormData, name: str, limit: int = 2000) -> str:
        value = form.get(name)
        return value[:limit] if isinstance(value, str) else ""

    def client_hash(self, visit: Visit) -> str:
        host = visit.request.client.host if visit.request.client else "-"
        return hashlib.sha256(self.config.secret + host.encode()).hexdigest()[:32]

    # --- entry and verification -------------------------------------------------------------

    async def home(self, visit: Visit) -> Response:
        who = service.verified(visit.uow, visit.session)
        if who is None:
            return self.verify_page(visit)
        service.audit_view(visit.uow, who, "home", at=visit.at)
        overview = views.overview(visit.uow, who)
        return self.page(visit, "home.html", page="home", o=overview)

    def verify_page(self, visit: Visit, verdict: service.Verdict | None = None,
                    status: int = 200) -> Response:  # fmt: skip
        state = verdict.status if verdict else "form"
        if verdict is None:
            locked = service.lock_state(visit.uow, visit.link.debtor_id, at=visit.at)
            state, verdict = ("locked", locked) if locked else ("form", None)
        until = verdict.locked_until if verdict else None
        remaining = verdict.remaining if verdict and verdict.status == "failed" else None
        error = visit.t.gettext(N_("The details do not match our records.")) if (
            verdict and verdict.status == "failed") else None  # fmt: skip
        return self.page(visit, "verify.html", status=status, state=state, error=error,
                         remaining=remaining, locked_until=visit.t.datetime(until),
                         notice=None)  # fmt: skip

    async def verify(self, visit: Visit) -> Response:
        if service.verified(visit.uow, visit.session) is not None:
            return RedirectResponse(visit.base, status_code=303)
        client = self.client_hash(visit)
        if not self.config.limiter("verify").allow(client, visit.at):
            raise Refused(429)
        form = self.form(visit)
        answers = service.Answers(self.text(form, "birth_date", 20),
                                  self.text(form, "last_digits", 20),
                                  self.text(form, "postal_code", 20))  # fmt: skip
        verdict = service.verify(visit.uow, visit.session, answers, at=visit.at,
                                 client_hash=client)  # fmt: skip
        if verdict.status == "verified":
            visit.new_cookie = verdict.cookie
            return self.done(visit, "verified")
        status = 429 if verdict.status == "locked" else 400 if verdict.status == "failed" else 200
        return self.verify_page(visit, verdict, status)

    async def locale(self, visit: Visit) -> Response:
        service.set_locale(visit.session, self.text(self.form(visit), "locale", 10))
        return RedirectResponse(visit.base, status_code=303)

    async def signout(self, visit: Visit) -> Response:
        service.end_session(visit.uow, visit.session, at=visit.at)
        response = RedirectResponse(visit.base, status_code=303)
        response.delete_cookie(self.config.cookie_name, path="/")
        return response

    # --- paying -----------------------------------------------------------------------------

    def pay_page(self, visit: Visit, who: service.Verified, error: str | None = None,
                 status: int = 200) -> HTMLResponse:  # fmt: skip
        gateway = self.config.gateway_of(who.account.client_id)
        headers = {"Content-Security-Policy": csp(self.config.form_origins(gateway))}
        return self.page(visit, "pay.html", page="pay", status=status, headers=headers,
                         balance=views.balance_minor(who), currency=who.account.currency,
                         error=error, offered=gateway is not None)  # fmt: skip

    async def pay_form(self, visit: Visit) -> Response:
        who = self.who(visit)
        service.audit_view(visit.uow, who, "pay", at=visit.at)
        return self.pay_page(visit, who)

    async def pay(self, visit: Visit) -> Response:
        who = self.who(visit)
        if not self.config.limiter("pay").allow(f"s{visit.session.id}", visit.at):
            raise Refused(429)
        form = self.form(visit)
        try:
            if self.text(form, "kind", 10) == "part":
                amount = actions.parse_amount(self.text(form, "amount", 30), who.account.currency)
            else:
                amount = views.balance_minor(who)
            actions.check_payment_amount(who, amount)
            redirect = self.start_checkout(visit, who, amount)
        except ArrearsError as exc:
            visit.uow.rollback()
            return self.pay_page(visit, who, self.error_text(visit, exc), 400)
        return RedirectResponse(redirect, status_code=303)

    def start_checkout(self, visit: Visit, who: service.Verified, amount: int) -> str:
        gateway = self.config.gateway_of(who.account.client_id)
        if gateway is None:
            raise InvalidInput(N_("Online payment is not available. Please call us."))
        return_url = f"{self.config.public_url.rstrip('/')}{visit.base}/pay/return"
        checkout = intake.start_checkout(
            uow=visit.uow, gateway=gateway, account=who.account,
            amount_minor=amount, purpose="payment", return_url=return_url,
            locale=visit.session.locale, at=visit.at, actor=service.ACTOR,
        )  # fmt: skip
        visit.session.pending_intent = checkout.intent_id
        kind = "full" if amount == views.balance_minor(who) else "part"
        service.record(visit.uow, who, "portal_payment_started", at=visit.at,
                       details={"intent_id": checkout.intent_id, "amount_minor": amount,
                                "currency": who.account.currency, "kind": kind})  # fmt: skip
        return str(checkout.redirect_url)

    async def pay_return(self, visit: Visit) -> Response:
        who = self.who(visit)
        intent = visit.session.pending_intent
        status, amount = "unknown", ""
        gateway = self.config.gateway_of(who.account.client_id)
        if intent and gateway is not None:
            try:
                found = gateway.fetch(intent)
                status = str(found.status)
                amount = visit.t.money(int(found.amount_minor), str(found.currency))
            except ArrearsError:
                status = "unknown"
        service.audit_view(visit.uow, who, "pay_return", at=visit.at)
        return self.page(visit, "pay_return.html", page="pay", state=status,
                         amount=amount)  # fmt: skip
