"""Rendering staff pages: Jinja2 templates on the shared layout, in the signed-in person's language.

A part of the web app (workbench, supervisor console, dashboards) makes one
:class:`Renderer` with its own template folder and catalogue. Its templates
extend ``staff/base.html`` (navigation by permission, language switch,
sign-out, keyboard help, notices) and fill the ``title`` and ``content``
blocks. Every page gets:

- ``_`` (translate) and ``t`` (the :class:`~arrears.ui.i18n.Translator`: money, dates);
- ``me``: the :class:`~arrears.core.roles.Principal` (``me.can("...")`` in templates);
- ``csrf``: the token every form must send back in a hidden ``csrf`` field;
- ``section``: which navigation item to highlight; ``notice`` / ``error``.

Autoescaping is on and undefined variables are errors, so a typo fails a test
instead of printing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from arrears.core.roles import Principal
from arrears.ui.i18n import N_, UI, Catalogue, Translator

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_FILES = {
    "staff.css": "text/css; charset=utf-8",
    "staff.js": "text/javascript; charset=utf-8",
}
STATIC_PREFIX = "/static/staff"

# The navigation: (path, label, permissions that show it (any of, "|"-separated), section id).
NAVIGATION: Sequence[tuple[str, str, str, str]] = (
    ("/workbench", N_("Queue"), "accounts.assigned", "queue"),
    ("/workbench/tasks", N_("Tasks"), "tasks.own", "tasks"),
    ("/workbench/search", N_("Search"), "accounts.assigned|accounts.all|accounts.legal", "search"),
    ("/supervisor", N_("Supervisor"), "accounts.team", "supervisor"),
    (
        "/supervisor/approvals",
        N_("Approvals"),
        "settlements.approve|compliance.override",
        "approvals",
    ),
    ("/supervisor/audit", N_("Audit trail"), "audit.read", "audit"),
    ("/dashboards", N_("Dashboards"), "dashboards.view", "dashboards"),
)


# How each role is named on screen.
ROLE_LABELS = {
    "collector": N_("Collector"), "supervisor": N_("Supervisor"), "manager": N_("Manager"),
    "compliance": N_("Compliance"),
    "legal": N_("Legal"), "analyst": N_("Analyst"), "admin": N_("Administrator"),
}  # fmt: skip


def navigation(me: Principal) -> list[tuple[str, str, str]]:
    """The (path, label, section) items ``me`` may use, each shown once."""
    seen: set[str] = set()
    items = []
    for path, label, permission, section in NAVIGATION:
        if any(me.can(p) for p in permission.split("|")) and path not in seen:
            seen.add(path)
            items.append((path, label, section))
    return items


@dataclass(frozen=True)
class Renderer:
    """Renders one part's templates on the shared staff layout."""

    templates: Path
    catalogue: Catalogue | None = None

    def translator(self, locale: str, zone: str = "UTC") -> Translator:
        own = (self.catalogue,) if self.catalogue is not None else ()
        return Translator(locale, (*own, UI), zone)

    def environment(self) -> Environment:
        return _environment(self.templates)

    def render(self, name: str, me: Principal | None, *, locale: str | None = None,
               **context: Any) -> str:  # fmt: skip
        """The HTML of template ``name`` for ``me`` (None: a signed-out page such as sign-in)."""
        t = self.translator(locale or (me.locale if me else "en-US"), me.zone if me else "UTC")
        values: dict[str, Any] = {
            "notice": None, "error": None, "section": "", "csrf": me.csrf if me else "",
            "nav": navigation(me) if me else [], "static": STATIC_PREFIX,
            "role_label": t.gettext(ROLE_LABELS[me.role.value]) if me else "",
        }  # fmt: skip
        values.update(context)
        template = self.environment().get_template(name)
        return template.render(t=t, _=t.gettext, me=me, **values)


_ENVIRONMENTS: dict[Path, Environment] = {}


def _environment(templates: Path) -> Environment:
    env = _ENVIRONMENTS.get(templates)
    if env is None:
        loader = ChoiceLoader([FileSystemLoader(str(templates)), FileSystemLoader(str(TEMPLATES))])
        env = Environment(
            loader=loader, autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True,
        )  # fmt: skip
        _ENVIRONMENTS[templates] = env
    return env


# --- error pages ------------------------------------------------------------------------------

_TITLES = {
    400: N_("This request cannot be processed"),
    403: N_("You may not open this page"),
    404: N_("This page does not exist"),
    405: N_("This request cannot be processed"),
    413: N_("The upload is too large"),
    429: N_("Too many requests: please wait a moment"),
    500: N_("Something went wrong: please try again"),
}
_ADVICE = {
    403: N_("Your role does not allow this. Ask your supervisor if you need it."),
    500: N_("The error was logged. If it happens again, tell your administrator."),
}
_GENERIC = N_("Check the address or go back to the start page.")
ERRORS = Renderer(TEMPLATES)


def error_page(status: int, locale: str = "en-US") -> str:
    """A staff error page that says what kind of problem it is and nothing more."""
    t = ERRORS.translator(locale)
    title = _TITLES.get(status, _TITLES[404] if status < 500 else _TITLES[500])
    advice = _ADVICE.get(status, _GENERIC)
    return ERRORS.render("staff/error.html", None, locale=locale, title=t.gettext(title),
                         advice=t.gettext(advice))  # fmt: skip
