"""Signing in and out of the staff pages, changing one's password, choosing a language.

- ``GET/POST /workbench/login``: username, password and, for users with a
  second factor, the six-digit code. The form carries a login token that must
  match a short-lived cookie (a double submit), so another site cannot sign a
  browser in to an account of its choosing. Failures all read the same
  ("wrong username or password") except a lock-out, which says until when;
  throttling and lock-out live in :func:`arrears.workbench.users.authenticate`.
- ``GET/POST /workbench/password``: the change a new or reset user must make
  before anything else (their session can do nothing more until then).
- ``GET/POST /workbench/preferences``: the time zone pages show times in.
- ``POST /workbench/logout`` and ``POST /workbench/language``.

After signing in a person lands on their role's home page, or on the page
they asked for (``next``, a local path only).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from arrears.core.roles import Principal, Role
from arrears.errors import ArrearsError
from arrears.store.repositories.audit import AuditEvent
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import N_, Catalogue, normalize
from arrears.ui.render import Renderer
from arrears.workbench import sessions, users
from arrears.workbench.guard import LOGIN, PASSWORD, Guard, local_path, posted, redirect

RENDERER = Renderer(Path(__file__).parent / "templates",
                    Catalogue(Path(__file__).parent / "locales", "workbench"))  # fmt: skip
LOGIN_COOKIE = "arrears_login"
PREFERENCES = "/workbench/preferences"
HOME = {
    Role.COLLECTOR: "/workbench", Role.SUPERVISOR: "/supervisor", Role.MANAGER: "/supervisor",
    Role.COMPLIANCE: "/supervisor/approvals", Role.LEGAL: "/workbench/search",
    Role.ANALYST: "/dashboards", Role.ADMIN: "/supervisor/audit",
}  # fmt: skip
WRONG = N_("Wrong username, password or code.")
LOCKED = N_("Too many failed attempts. Try again after %(time)s.")


def home(role: Role) -> str:
    return HOME[role]


def client_hash(request: Request) -> str:
    """A hash of the client's address: throttling without storing addresses."""
    host = request.client.host if request.client else "unknown"
    return hashlib.sha256(host.encode("utf-8")).hexdigest()


def build_router(
    uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime], guard: Guard
) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    _sign_in_routes(router, uow_factory, clock, guard)
    _account_routes(router, uow_factory, clock, guard)
    return router


def _sign_in_routes(
    router: APIRouter, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
    guard: Guard,
) -> None:  # fmt: skip
    anyone = Depends(guard.require(None))

    @router.get(LOGIN, response_class=HTMLResponse)
    def login_form(request: Request) -> Response:
        return _login_page(request, guard)

    @router.post(LOGIN, response_class=HTMLResponse)
    def login(request: Request, form: FormData = Depends(posted)) -> Response:
        # A plain function: FastAPI runs it in its thread pool, so the password hash (tens of
        # milliseconds of CPU by design) does not hold up other requests.
        token = request.cookies.get(LOGIN_COOKIE) or ""
        given = str(form.get("login_token") or "")
        if not token or not hmac.compare_digest(token, given):
            return _login_page(request, guard, error=N_("The sign-in form expired. Try again."))
        username, password = str(form.get("username") or ""), str(form.get("password") or "")
        code = str(form.get("code") or "") or None
        with uow_factory() as uow:
            at = clock()
            result = users.authenticate(uow=uow, username=username, password=password, at=at,
                                        cipher=guard.config.cipher, totp_code=code,
                                        client_hash=client_hash(request))  # fmt: skip
            started = None
            if result.outcome in ("ok", "must_change") and result.user is not None:
                started = sessions.start(uow=uow, user=result.user, at=at,
                                         client_hash=client_hash(request))  # fmt: skip
                role = Role(result.user.role)
            uow.commit()
        if started is None:
            return _refused_page(request, guard, result, username)
        target = PASSWORD if result.outcome == "must_change" else \
            local_path(str(form.get("next") or ""), home(role))  # fmt: skip
        response = redirect(target)
        guard.set_cookie(response, started.cookie)
        response.delete_cookie(LOGIN_COOKIE, path=LOGIN)
        return response

    @router.post("/workbench/logout")
    def logout(request: Request, me: Principal = anyone) -> Response:
        with uow_factory() as uow:
            found = sessions.current(uow, request.cookies.get(guard.config.cookie_name), at=clock())
            if found is not None:
                sessions.end(uow=uow, staff=found, at=clock())
            uow.commit()
        response = redirect(f"{LOGIN}?done=signed_out")
        guard.clear_cookie(response)
        return response


def _account_routes(
    router: APIRouter, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
    guard: Guard,
) -> None:  # fmt: skip
    anyone = Depends(guard.require(None))

    @router.get(PASSWORD, response_class=HTMLResponse)
    def password_form(me: Principal = anyone) -> Response:
        return HTMLResponse(RENDERER.render("password.html", me, section=""))

    @router.post(PASSWORD, response_class=HTMLResponse)
    def password(me: Principal = anyone, form: FormData = Depends(posted)) -> Response:
        new, again = str(form.get("new") or ""), str(form.get("again") or "")
        t = RENDERER.translator(me.locale, me.zone)
        if new != again:
            error = t.gettext(N_("The two new passwords differ."))
            return HTMLResponse(RENDERER.render("password.html", me, error=error), status_code=400)
        try:
            with uow_factory() as uow:
                user = uow.users.get(me.user_id)
                users.change_password(uow=uow, user=user, current=str(form.get("current") or ""),
                                      new=new, at=clock())  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            return HTMLResponse(RENDERER.render("password.html", me, error=t.error(exc)),
                                status_code=400)  # fmt: skip
        return redirect(home(me.role) + "?done=password")

    @router.get(PREFERENCES, response_class=HTMLResponse)
    def preferences_form(request: Request, me: Principal = anyone) -> Response:
        return _preferences_page(me, done=request.query_params.get("done") == "1")

    @router.post(PREFERENCES, response_class=HTMLResponse)
    def preferences(me: Principal = anyone, form: FormData = Depends(posted)) -> Response:
        zone = str(form.get("zone") or "").strip()
        try:
            with uow_factory() as uow:
                user = uow.users.get(me.user_id)
                users.set_time_zone(uow=uow, user=user, zone=None if zone == "UTC" else zone,
                                    at=clock(), by=me.actor)  # fmt: skip
                uow.commit()
        except ArrearsError as exc:
            t = RENDERER.translator(me.locale, me.zone)
            return _preferences_page(me, error=t.error(exc), status=400)
        return redirect(PREFERENCES + "?done=1")

    @router.post("/workbench/language")
    def language(me: Principal = anyone, form: FormData = Depends(posted)) -> Response:
        locale = normalize(str(form.get("locale") or ""), me.locale)
        with uow_factory() as uow:
            user = uow.users.get(me.user_id)
            before = user.language
            user.language, user.updated_at = locale, clock()
            uow.audit.append(AuditEvent(
                occurred_at=clock(), actor=me.actor, action="user.language", entity="user",
                entity_id=str(me.user_id), before={"language": before}, after={"language": locale},
            ))  # fmt: skip
            uow.commit()
        return redirect(local_path(str(form.get("next") or ""), home(me.role)))


def _preferences_page(me: Principal, *, error: str | None = None, status: int = 200,
                      done: bool = False) -> Response:  # fmt: skip
    """The time zone form (every IANA zone by name, the person's own selected)."""
    html = RENDERER.render("preferences.html", me, section="", zones=sorted(users.ZONES),
                           error=error, done=done)  # fmt: skip
    return HTMLResponse(html, status_code=status)


def _login_page(request: Request, guard: Guard, *, error: str | None = None,
                username: str = "", code: bool = False, status: int = 200,
                locked_until: datetime | None = None) -> Response:  # fmt: skip
    """The sign-in form with a fresh login token; ``error`` is a message id (LOCKED takes the
    time the lock ends)."""
    locale = normalize(request.query_params.get("lang") or request.headers.get("accept-language"))
    t = RENDERER.translator(locale)
    values = {"time": t.datetime(locked_until)} if locked_until is not None else {}
    token = secrets.token_urlsafe(24)
    notice = t.gettext(N_("You are signed out.")) if request.query_params.get("done") else None
    html = RENDERER.render(
        "login.html", None, locale=locale, login_token=token, username=username, ask_code=code,
        next=local_path(request.query_params.get("next"), ""), notice=notice,
        error=t.gettext(error, **values) if error else None,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=1800,
                        secure=guard.config.cookie_secure, path=LOGIN)  # fmt: skip
    return response


def _refused_page(request: Request, guard: Guard, result: users.SignIn, username: str) -> Response:
    if result.outcome == "totp_required":
        return _login_page(request, guard, username=username, code=True)
    if result.outcome == "locked" and result.locked_until is not None:
        return _login_page(request, guard, username=username, status=429, error=LOCKED,
                           locked_until=result.locked_until)  # fmt: skip
    return _login_page(request, guard, username=username, status=401, error=WRONG)
