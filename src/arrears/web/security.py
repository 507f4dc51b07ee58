"""What every response of the web app needs: security headers and error pages.

- A strict content security policy: everything from this origin only, no
  inline script or style, no frames (``frame-ancestors 'none'``), forms post to
  this origin (a page that sends the browser on to a payment gateway names the
  gateway's origin in its own policy).
- ``Referrer-Policy: no-referrer``: a portal address carries a signed token,
  which must not leak to another site through the Referer header.
- ``Cache-Control: no-store`` on portal and staff pages, which show personal data.
- HSTS when served over https.
- Errors: a plain HTML page for ``/portal`` addresses that says only that the
  page cannot be shown (the same for a forged, expired or unknown link), a
  staff error page for ``/workbench``, ``/supervisor`` and ``/dashboards``,
  JSON for the API; never a stack trace (a generic 500 page or body).
- Access logs never show a portal token: the path is logged with the token
  replaced.
- :class:`RateLimiter`: an in-memory sliding window the portal uses on the
  verification and payment endpoints.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from arrears.portal.guard import CSP, PORTAL_PREFIX, RateLimiter, csp, error_page
from arrears.ui.i18n import normalize
from arrears.ui.render import error_page as staff_error_page
from arrears.workbench.guard import is_staff

__all__ = ["CSP", "RateLimiter", "csp", "error_page", "install", "redact"]
_TOKEN_IN_PATH = re.compile(r"(/portal/)(?!static/)[^/?#\s\"]+")
_log = logging.getLogger("arrears.web")


def redact(path: str) -> str:
    """``path`` with any portal token replaced: safe to log."""
    return _TOKEN_IN_PATH.sub(r"\1[token]", path)


def is_portal(path: str) -> bool:
    return path == PORTAL_PREFIX or path.startswith(PORTAL_PREFIX + "/")


# --- headers ----------------------------------------------------------------------------------


def _headers(request: Request, response: Response) -> None:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https":
        h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if is_portal(request.url.path) or (is_staff(request.url.path) and "Cache-Control" not in h):
        h["Cache-Control"] = "no-store"
        h["Pragma"] = "no-cache"


# --- error pages ------------------------------------------------------------------------------


def _error(request: Request, status: int, message: str) -> Response:
    if is_portal(request.url.path):
        return error_page(status)
    if is_staff(request.url.path):
        return staff_error(request, status)
    return JSONResponse({"error": "http_error", "message": message}, status_code=status)


def staff_error(request: Request, status: int) -> HTMLResponse:
    """The staff error page for ``status``, in the browser's language."""
    locale = normalize(request.headers.get("accept-language"))
    return HTMLResponse(staff_error_page(status, locale), status_code=status)


def install(app: FastAPI) -> None:
    """Add the security headers, error handlers and log redaction to ``app``."""

    @app.middleware("http")
    async def _security(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        try:
            response = await call_next(request)
        except Exception:  # never a stack trace to the client; the log keeps it, redacted
            _log.exception("unhandled error on %s %s", request.method, redact(request.url.path))
            response = _error(request, 500, "internal error")
        _headers(request, response)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_portal(request.url.path):
            return error_page(400)
        if is_staff(request.url.path):
            return _error(request, 400, "invalid request")
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"error": "invalid_input", "message": "invalid request",
                             "errors": errors}, status_code=422)  # fmt: skip

    install_log_redaction()


class _RedactTokens(logging.Filter):
    """Replace portal tokens in uvicorn's access log lines (and any other record args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str) and "/portal/" in record.msg:
            record.msg = redact(record.msg)
        return True


_FILTER = _RedactTokens()


def install_log_redaction() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "arrears.web"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
