"""Who may do what, checked on the server for every staff request.

:class:`Guard` turns the session cookie into a
:class:`~arrears.core.roles.Principal` (through
:func:`arrears.workbench.sessions.current`, which also moves the idle
deadline on) and gives every staff page its dependency,
``guard.require(permission)``:

- no session (or an ended one) → a browser is sent to the sign-in page and
  comes back afterwards (``next``, only ever a local path);
- a session that must change its password first → the password page;
- a missing permission (any of ``"a|b"``) → 403 page;
- a POST without this session's CSRF token in the ``csrf`` form field → 403,
  before the handler runs.

The web app (:mod:`arrears.web.app`) passes ``guard.require`` to every staff
part (workbench, supervisor console, dashboards), so one check guards them all.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from arrears.core.roles import Principal, Role
from arrears.kit.crypto import FieldCipher
from arrears.store.uow import UnitOfWork
from arrears.ui.i18n import normalize
from arrears.workbench import sessions

COOKIE = "arrears_staff"
SECURE_COOKIE = "__Host-arrears_staff"
LOGIN = "/workbench/login"
PASSWORD = "/workbench/password"
MAX_FORM_BYTES = 1_000_000
STAFF_PREFIXES = ("/workbench", "/supervisor", "/dashboards")


@dataclass(frozen=True)
class StaffWeb:
    """What the staff pages need from the entry point."""

    cipher: FieldCipher  # TOTP secrets are stored encrypted
    cookie_secure: bool = True
    config_dir: Path = Path("config")  # strategies, rulebooks, resolution policy, call scripts

    @property
    def cookie_name(self) -> str:
        return SECURE_COOKIE if self.cookie_secure else COOKIE


class StaffRedirect(Exception):
    """Send the browser elsewhere (sign-in, password change) instead of the page."""

    def __init__(self, location: str) -> None:
        self.location = location


class StaffRefused(Exception):
    """Answer with the staff error page for ``status`` and nothing else."""

    def __init__(self, status: int) -> None:
        self.status = status


def is_staff(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in STAFF_PREFIXES)


def principal(staff: sessions.Staff) -> Principal:
    user = staff.user
    return Principal(
        user_id=user.id, username=user.username, display_name=user.display_name,
        role=Role(user.role), team_id=user.team_id, locale=normalize(user.language),
        csrf=staff.session.csrf, zone=user.time_zone or "UTC",
    )  # fmt: skip


def local_path(value: str | None, default: str = "/workbench") -> str:
    """``value`` if it is a path on this site (never another origin), else ``default``."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


Dependency = Callable[[Request], Awaitable[Principal]]


class Guard:
    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime],
        config: StaffWeb,
    ) -> None:  # fmt: skip
        self.uow_factory = uow_factory
        self.clock = clock
        self.config = config

    def signed_in(self, request: Request) -> tuple[Principal, bool] | None:
        """Who is behind the request's cookie and whether they must change their password
        first; None without a live session. Moves the session's idle deadline on."""
        with self.uow_factory() as uow:
            found = sessions.current(uow, request.cookies.get(self.config.cookie_name),
                                     at=self.clock())  # fmt: skip
            answer = (principal(found), found.restricted) if found is not None else None
            uow.commit()
        return answer

    def require(self, permission: str | None = None) -> Dependency:
        """The dependency of a page that needs ``permission`` (None: any signed-in person)."""

        async def dependency(request: Request) -> Principal:
            # The session check reads (and may write) the database: off the event loop, which
            # must stay free to accept every other collector's request meanwhile.
            found = await run_in_threadpool(self.signed_in, request)
            if found is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise StaffRedirect(f"{LOGIN}?next={quote(target, safe='')}")
            me, restricted = found
            if restricted and request.url.path != PASSWORD:
                raise StaffRedirect(PASSWORD)
            if permission and not any(me.can(p) for p in permission.split("|")):
                raise StaffRefused(403)
            if request.method not in ("GET", "HEAD"):
                form = await read_form(request)
                given = form.get("csrf")
                if not isinstance(given, str) or not hmac.compare_digest(me.csrf, given):
                    raise StaffRefused(403)
            return me

        return dependency

    def set_cookie(self, response: Response, value: str) -> None:
        response.set_cookie(self.config.cookie_name, value, httponly=True, samesite="strict",
                            secure=self.config.cookie_secure, path="/")  # fmt: skip

    def clear_cookie(self, response: Response) -> None:
        response.delete_cookie(self.config.cookie_name, path="/", secure=self.config.cookie_secure,
                               httponly=True, samesite="strict")  # fmt: skip


async def posted(request: Request) -> FormData:
    """The request's form, as a dependency (``form: FormData = Depends(posted)``).

    With the form read here, a POST handler can be a plain function, which
    FastAPI runs in its thread pool: database work and password hashing never
    block the event loop that serves everyone else's requests.
    """
    return await read_form(request)


async def read_form(request: Request) -> FormData:
    """The request's form (read once and kept), or 413/400 for an oversized or broken body."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        raise StaffRefused(413)
    try:
        return await request.form(max_files=10, max_fields=200)
    except Exception:  # a malformed body is a bad request, not an error of ours
        raise StaffRefused(400) from None


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)
