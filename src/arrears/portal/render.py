"""Rendering the portal's pages: Jinja2 templates with the locale's translator."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from arrears.portal.i18n import N_, Translator

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"portal.css": "text/css; charset=utf-8"}

# Notices shown after an action (the code travels in the query string: never personal data).
NOTICES = {
    "verified": N_("You are signed in."),
    "dispute": N_("Your dispute was received. Collection is paused while we check."),
    "preferences": N_("Your preferences were saved."),
    "callback": N_("Your call-back request was received."),
    "promise": N_("Thank you. Your promise to pay was recorded."),
    "plan": N_("Your payment plan was set up."),
    "settlement": N_("Your settlement offer was accepted."),
    "settlement_queued": N_("Your settlement offer was sent for approval. We will reply to you."),
    "signed_out": N_("You are signed out."),
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, t: Translator, **context: Any) -> str:
    values: dict[str, Any] = {
        "notice": None, "error": None, "verified": False, "page": "", "csrf": "", "base": "",
    }  # fmt: skip
    values.update(context)
    return environment().get_template(name).render(t=t, _=t.gettext, **values)
