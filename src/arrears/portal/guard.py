"""Guards of the portal's pages: the content security policy, plain error pages, rate limits.

Kept beside the pages (which use them) and used by :mod:`arrears.web.security`
for the whole app, so the app and the portal answer errors with the same page.
"""

from __future__ import annotations

import html
import threading
from collections import deque
from datetime import datetime, timedelta

from fastapi.responses import HTMLResponse

from arrears.portal.i18n import N_, Translator

PORTAL_PREFIX = "/portal"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def csp(form_action: tuple[str, ...] = ()) -> str:
    """The policy, allowing forms (and their redirects) to ``form_action`` origins too."""
    if not form_action:
        return CSP
    return CSP.replace("form-action 'self'", "form-action 'self' " + " ".join(form_action))


# --- error pages ---------------------------------------------------------------------------

_TITLES = {
    400: N_("This request cannot be processed"),
    403: N_("This request cannot be processed"),
    404: N_("This page cannot be shown"),
    405: N_("This request cannot be processed"),
    413: N_("The file is too large"),
    429: N_("Too many attempts: please wait a few minutes"),
    500: N_("Something went wrong: please try again later"),
}
_ADVICE = N_(
    "The link may have expired or be incomplete. Use the link in our latest message, or call us."
)


def error_page(status: int) -> HTMLResponse:
    """A plain page in both languages that says nothing about any debtor or debt."""
    title = _TITLES.get(status, _TITLES[404] if status < 500 else _TITLES[500])
    zh, en = Translator("zh-CN"), Translator("en-US")
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(zh.gettext(title))} · {html.escape(en.gettext(title))}</title>"
        f'<link rel="stylesheet" href="{PORTAL_PREFIX}/static/portal.css"></head>'
        '<body><main id="main" class="page narrow">'
        f"<h1>{html.escape(zh.gettext(title))}</h1><p>{html.escape(zh.gettext(_ADVICE))}</p>"
        f'<div lang="en-US"><h2>{html.escape(en.gettext(title))}</h2>'
        f"<p>{html.escape(en.gettext(_ADVICE))}</p></div></main></body></html>"
    )
    return HTMLResponse(body, status_code=status)


# --- rate limits ------------------------------------------------------------------------------


class RateLimiter:
    """At most ``limit`` hits per ``window`` for each key (in memory, per process)."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: datetime) -> bool:
        """Count a hit for ``key`` at ``now``; False when over the limit."""
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # bound memory: forget idle keys
                idle = [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]
                for k in idle:
                    del self._hits[k]
            return True
